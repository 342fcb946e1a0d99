import gzip

import numpy as np
import pytest

from hepml.convert import convert_csv
from hepml.csvparse import CSVFormatError
from hepml.schema import columns
from hepml.store import read_events, read_matrix
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
    from hepml.convert import iter_csv_blocks

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
