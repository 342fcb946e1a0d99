import hashlib
import io
import zipfile

import pytest

import os

from hepml.core.download import (MAX_BACKOFF_S, ChecksumError, DownloadError, Mirror, check_stamp, fetch, retry_wait,
                                  verify_file)

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


def test_a_mirror_serving_endless_data_stops_at_the_cap_and_leaves_nothing(http_server, tmp_path):
    base, handler = http_server
    handler.files["/f"] = PAYLOAD
    handler.endless.add("/f")
    with pytest.raises(DownloadError, match=r"/f: served more than \d+ bytes, over the limit of 3145728 bytes"):
        fetch([Mirror(f"{base}/f")], tmp_path / "f", DIGEST, progress=False, max_bytes=3 * 2**20)
    assert list(tmp_path.iterdir()) == []


def test_a_mirror_larger_than_its_configured_size_is_refused_before_reading(http_server, tmp_path):
    base, handler = http_server
    handler.files["/f"] = PAYLOAD * 3
    with pytest.raises(DownloadError, match=r"announces 3145728 bytes, over the limit of 2097152 bytes"):
        fetch([Mirror(f"{base}/f", bytes=2**20)], tmp_path / "f", DIGEST, progress=False)
    assert list(tmp_path.iterdir()) == []
    handler.files["/g"] = PAYLOAD  # the configured size itself is fine
    assert fetch([Mirror(f"{base}/g", bytes=len(PAYLOAD))], tmp_path / "g", DIGEST, progress=False).exists()


def test_retry_waits_double_and_are_capped():
    waits = [retry_wait(1.0, a) for a in range(1, 101)]
    assert waits[:4] == [1.0, 2.0, 4.0, 8.0] and max(waits) == MAX_BACKOFF_S == 60.0
    assert sum(waits) < 100 * 60  # 100 retries (the schema's maximum) wait under 100 minutes, not 4e22 years


def test_a_stamp_binds_the_verified_file_not_its_name(tmp_path):
    data, stamp = tmp_path / "HIGGS.csv.gz", tmp_path / ".HIGGS.csv.gz.sha256"
    data.write_bytes(PAYLOAD)
    verify_file(data, DIGEST, stamp)
    assert check_stamp(data, stamp) == DIGEST
    os.utime(data, ns=(1, 1))                      # touched: hashed again, same content, fine
    assert check_stamp(data, stamp) == DIGEST
    before = data.stat()
    data.unlink()
    data.write_bytes(PAYLOAD[::-1])                # replaced, the old mtime restored (cp -p, rsync -a)
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(ChecksumError, match=rf"^{data}: SHA-256 is now [0-9a-f]{{64}}, not the {DIGEST} verified in"):
        check_stamp(data, stamp)


def test_exhausted_retries_name_the_url_and_the_count(http_server, tmp_path):
    base, handler = http_server
    handler.files["/f"] = PAYLOAD

    class Always(dict):  # every request is cut after 1000 bytes: the retries run out
        def pop(self, key, default=None):
            return 1000 if key == "/f" else default

    handler.drop_after = Always()
    with pytest.raises(DownloadError, match=r"/f: gave up after 2 retries: connection closed at byte"):
        fetch([Mirror(f"{base}/f")], tmp_path / "f", DIGEST, retries=2, backoff=0.01, progress=False)
    assert len([r for r in handler.requests if r[0] == "/f"]) == 3
    assert not (tmp_path / "f").exists()


@pytest.mark.parametrize("body, message", [(b"PK\x03\x04 not really a zip", "not a valid zip archive"),
                                           ("zip-without-member", "archive has no member 'HIGGS.csv.gz'")])
def test_a_bad_zip_or_a_missing_member_is_a_clear_error(http_server, tmp_path, body, message):
    base, handler = http_server
    if body == "zip-without-member":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("OTHER.csv.gz", PAYLOAD)
        body = buf.getvalue()
    handler.files["/h.zip"] = body
    with pytest.raises(DownloadError, match=message):
        fetch([Mirror(f"{base}/h.zip", member="HIGGS.csv.gz")], tmp_path / "HIGGS.csv.gz", DIGEST, progress=False)
    assert not (tmp_path / "HIGGS.csv.gz").exists()
