import numpy as np
import pytest

from hepml.benchmark.csvparse import CSVFormatError, parse_block
from tests.conftest import uci_text


def test_fast_path_matches_numpy_to_float32_exactly():
    text, values = uci_text(2000, 29, seed=3)
    parsed = parse_block(text, 29)
    assert parsed.shape == (2000, 29)
    assert np.array_equal(parsed.astype(np.float32), values.astype(np.float32))


def test_known_values_including_negative_exponents():
    text = b"1.000000000000000000e+00,-2.500000000000000000e-03,3.141592653589793116e+02\n"
    assert parse_block(text, 3)[0].tolist() == pytest.approx([1.0, -0.0025, 314.1592653589793], rel=1e-15)


def test_other_spellings_fall_back_to_general_parser():
    text = b"1,0.5,-3e2\n0,1.25,7\n"
    assert parse_block(text, 3).tolist() == [[1, 0.5, -300], [0, 1.25, 7]]


def test_wrong_column_count_names_line():
    text, _ = uci_text(5, 4)
    lines = text.splitlines(keepends=True)
    lines[3] = b"1.0,2.0\n"
    with pytest.raises(CSVFormatError, match=r"f.csv: line 14: expected 4 columns, found 2"):
        parse_block(b"".join(lines), 4, "f.csv", first_line=11)


def test_non_numeric_field_names_line_and_column():
    text = b"1,2,3\n1,abc,3\n"
    with pytest.raises(CSVFormatError, match=r"line 2, column 1: not a number"):
        parse_block(text, 3, "f.csv")


@pytest.mark.parametrize("column, field", [
    (0, b"#1.000000000000000000e+00"),   # a line starting with '#' is no comment to drop
    (3, b"5.0#junk"),                    # '#...' after the last number of a line
    (2, b"1.0000000000000000xye+00"),    # garbage in the mantissa's 17th and 18th fraction digits
    (2, b"1.00000000000000000 e+00"),    # a blank in the 18th fraction digit
])
def test_every_malformed_field_is_an_error_naming_line_and_column(column, field):
    text, _ = uci_text(6, 4, seed=1)
    lines = text.splitlines(keepends=True)
    fields = lines[4].rstrip(b"\n").split(b",")
    fields[column] = field
    lines[4] = b",".join(fields) + b"\n"
    with pytest.raises(CSVFormatError, match=rf"f.csv: line 5, column {column}: not a number"):
        parse_block(b"".join(lines), 4, "f.csv")
