import hashlib
import io
import zipfile

import pytest

from hepml.core.download import ChecksumError, DownloadError, Mirror, fetch

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


def test_plain_download(http_server, tmp_path):
    base, handler = http_server
    handler.files["/HIGGS.csv.gz"] = PAYLOAD
    dest = fetch([Mirror(f"{base}/HIGGS.csv.gz")], tmp_path / "HIGGS.csv.gz", DIGEST, progress=False)
    assert dest.read_bytes() == PAYLOAD
    assert [p.name for p in tmp_path.iterdir()] == ["HIGGS.csv.gz"]


def test_resumes_after_dropped_connection(http_server, tmp_path):
    base, handler = http_server
    handler.files["/f"] = PAYLOAD
    handler.drop_after["/f"] = 300_000
    dest = fetch([Mirror(f"{base}/f")], tmp_path / "f", DIGEST, backoff=0.01, progress=False)
    assert dest.read_bytes() == PAYLOAD
    assert handler.requests[1] == ("/f", "bytes=300000-"), handler.requests


def test_server_ignoring_range_restarts_cleanly(http_server, tmp_path):
    base, handler = http_server
    handler.files["/f"] = PAYLOAD
    handler.drop_after["/f"] = 100_000
    handler.ignore_range.add("/f")
    dest = fetch([Mirror(f"{base}/f")], tmp_path / "f", DIGEST, backoff=0.01, progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_wrong_checksum_leaves_nothing(http_server, tmp_path):
    base, handler = http_server
    handler.files["/f"] = PAYLOAD[:-1] + b"x"
    with pytest.raises(DownloadError, match="SHA-256 of f is"):
        fetch([Mirror(f"{base}/f")], tmp_path / "f", DIGEST, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_truncated_file_fails_checksum(http_server, tmp_path):
    base, handler = http_server
    handler.files["/f"] = PAYLOAD[: len(PAYLOAD) // 2]
    with pytest.raises(DownloadError, match="expected " + DIGEST):
        fetch([Mirror(f"{base}/f")], tmp_path / "f", DIGEST, progress=False)
    assert not (tmp_path / "f").exists()


def test_falls_back_to_next_mirror_and_extracts_zip_member(http_server, tmp_path):
    base, handler = http_server
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("HIGGS.csv.gz", PAYLOAD)
    handler.files["/higgs.zip"] = buf.getvalue()
    mirrors = [Mirror(f"{base}/missing.csv.gz"), Mirror(f"{base}/higgs.zip", member="HIGGS.csv.gz")]
    dest = fetch(mirrors, tmp_path / "HIGGS.csv.gz", DIGEST, progress=False)
    assert dest.read_bytes() == PAYLOAD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["HIGGS.csv.gz"]


def test_all_mirrors_failing_names_each(http_server, tmp_path):
    base, _ = http_server
    with pytest.raises(DownloadError, match=r"(?s)could not fetch f.*HTTP 404.*HTTP 404"):
        fetch([Mirror(f"{base}/a"), Mirror(f"{base}/b")], tmp_path / "f", DIGEST, progress=False)


def test_checksum_error_is_a_download_error():
    assert issubclass(ChecksumError, DownloadError)
