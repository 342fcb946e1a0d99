import gzip

import numpy as np
import pytest

from hepml.benchmark.uci import convert_csv
from hepml.benchmark.csvparse import CSVFormatError
from hepml.core.datasets import columns
from hepml.core.store import read_events, read_matrix
from tests.conftest import uci_text


def test_roundtrip_values_and_labels(uci_gz, tmp_path):
    path, values = uci_gz(rows=3000)
    out = tmp_path / "events.root"
    assert convert_csv(path, out, "higgs", progress=False) == 3000
    data = read_events(out)
    assert list(data) == columns("higgs")
    for i, name in enumerate(columns("higgs")):
        assert np.array_equal(data[name].astype(np.float32), values[:, i].astype(np.float32)), name
    x, y = read_matrix(out, ["m_bb", "lepton_pt"])
    assert x.flags.c_contiguous and x.dtype == np.float32 and set(np.unique(y)) <= {0, 1}


def test_small_blocks_stream_the_file(uci_gz, tmp_path):
    """Block boundaries fall mid-line; the result must not depend on them."""
    from hepml.benchmark.uci import iter_csv_blocks

    path, values = uci_gz(rows=700, n_columns=19, name="SUSY.csv.gz")
    blocks = [v for v, _ in iter_csv_blocks(path, 19, block_bytes=4000, threads=2)]
    assert len(blocks) > 10
    assert np.array_equal(np.concatenate(blocks).astype(np.float32), values.astype(np.float32))


def test_max_events(uci_gz, tmp_path):
    path, _ = uci_gz(rows=1000)
    assert convert_csv(path, tmp_path / "e.root", "higgs", max_events=123, progress=False) == 123


@pytest.mark.parametrize("bad, message", [
    (b"2.000000000000000000e+00", "label is 2.0, expected 0 or 1"),
    (b"nan", "value is nan"),
])
def test_bad_rows_name_file_and_line(tmp_path, bad, message):
    text, _ = uci_text(50, 29)
    lines = text.splitlines(keepends=True)
    fields = lines[41].split(b",")
    if bad == b"nan":
        fields[5] = bad
    else:
        fields[0] = bad
    lines[41] = b",".join(fields)
    src = tmp_path / "HIGGS.csv.gz"
    src.write_bytes(gzip.compress(b"".join(lines)))
    out = tmp_path / "events.root"
    with pytest.raises(CSVFormatError, match=rf"HIGGS.csv.gz: line 42.*{message}"):
        convert_csv(src, out, "higgs", progress=False)
    assert not out.exists()
    assert not list(tmp_path.glob(".*tmp*")), "a half-written file was left behind"


def test_wrong_dataset_column_count_is_reported(uci_gz, tmp_path):
    path, _ = uci_gz(rows=10, n_columns=19)
    with pytest.raises(CSVFormatError, match="line 1: expected 29 columns, found 19"):
        convert_csv(path, tmp_path / "e.root", "higgs", progress=False)


def test_truncated_gzip_is_an_error(uci_gz, tmp_path):
    path, _ = uci_gz(rows=2000)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CSVFormatError, match="corrupt or truncated"):
        convert_csv(path, tmp_path / "e.root", "higgs", progress=False)
    assert not (tmp_path / "e.root").exists()


def _last_line_cut(tmp_path, keep: int):
    """A file whose last line is cut ``keep`` characters into its last field (no final newline)."""
    text, values = uci_text(20, 29, seed=2)
    lines = text.splitlines(keepends=True)
    last = lines[-1].rstrip(b"\n")
    start = last.rfind(b",") + 1
    body = b"".join(lines[:-1]) + last[: start + keep]
    src = tmp_path / f"cut{keep}.csv.gz"
    src.write_bytes(gzip.compress(body))
    return src, values, len(last) - start


def test_last_line_cut_inside_its_last_number_is_rejected(tmp_path):
    """Cut at every position of the last field: only the complete field (no newline, clean gzip
    end) converts; every shorter one names the file and the line, and writes nothing."""
    _, values, width = _last_line_cut(tmp_path, 0)
    for keep in range(width + 1):
        src, _, _ = _last_line_cut(tmp_path, keep)
        out = tmp_path / f"e{keep}.root"
        if keep == width:
            assert convert_csv(src, out, "higgs", progress=False) == 20
            assert read_events(out)["m_wwbb"][-1] == np.float32(values[-1, -1])
            continue
        with pytest.raises(CSVFormatError, match=rf"cut{keep}.csv.gz: line 20") as err:
            convert_csv(src, out, "higgs", progress=False)
        assert "\n" not in str(err.value)
        assert not out.exists()


def test_complete_unterminated_last_line_of_a_general_file_is_kept(tmp_path):
    src = tmp_path / "plain.csv.gz"
    src.write_bytes(gzip.compress(b"\n".join([b"1," + b",".join([b"0.5"] * 28)] * 3)))
    assert convert_csv(src, tmp_path / "e.root", "higgs", progress=False) == 3


def test_values_beyond_float32_are_errors_not_infinities(tmp_path):
    text, _ = uci_text(10, 29)
    lines = text.splitlines(keepends=True)
    fields = lines[6].split(b",")
    fields[3] = b"9.000000000000000000e+99"
    lines[6] = b",".join(fields)
    src = tmp_path / "HIGGS.csv.gz"
    src.write_bytes(gzip.compress(b"".join(lines)))
    with pytest.raises(CSVFormatError, match=r"HIGGS.csv.gz: line 7, column 3: 9e\+99 does not fit in float32"):
        convert_csv(src, tmp_path / "e.root", "higgs", progress=False)
    assert not (tmp_path / "e.root").exists()


def test_a_fixed_decimal_file_cut_inside_its_last_number_is_rejected(tmp_path):
    """%.6f: '0.123' of a cut '0.123456' is still a number; its layout gives the cut away."""
    rows = [b"1," + b",".join(b"%.6f" % (0.123456 + i + j) for j in range(28)) for i in range(4)]
    whole = b"\n".join(rows)
    src = tmp_path / "f6.csv.gz"
    src.write_bytes(gzip.compress(whole[:-3]))
    with pytest.raises(CSVFormatError, match=r"f6.csv.gz: line 4, column 28: the last line has no newline"):
        convert_csv(src, tmp_path / "e.root", "higgs", progress=False)
    src.write_bytes(gzip.compress(whole))  # whole, just without the final newline
    assert convert_csv(src, tmp_path / "e.root", "higgs", progress=False) == 4
