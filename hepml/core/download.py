"""Resumable, verified HTTP downloads of the benchmark datasets.

:func:`fetch` tries each mirror in turn. A download streams into ``<dest>.part``
and resumes it with an HTTP ``Range`` request after a dropped connection,
retrying with exponential backoff. A mirror may serve the file itself or a zip
archive holding it (``member``). The SHA-256 of the final file is checked
before it is renamed onto ``dest``, so ``dest`` is either absent or correct.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from .atomic import read_json, sha256sum, write_json

CHUNK = 1 << 20
MAX_BACKOFF_S = 60.0  # the longest wait between retries (doubling from `backoff` up to this)
SIZE_MARGIN = 1 << 20  # bytes a mirror may serve beyond the size it should, before we stop reading


class DownloadError(RuntimeError):
    """A file could not be fetched from any mirror."""


class ChecksumError(DownloadError):
    """A downloaded file does not have the expected SHA-256."""


@dataclass(frozen=True)
class Mirror:
    """One place to fetch a file: a URL, and the archive member to extract if it is a zip."""

    url: str
    member: str | None = None
    bytes: int | None = None  # the size this mirror serves, when known; reading stops just past it


def verify_file(path: str | os.PathLike, sha256: str, stamp: str | os.PathLike) -> str:
    """Stream ``path`` through SHA-256; if it matches ``sha256`` write the ``stamp`` JSON, else raise.

    The stamp records the check, so a file that was placed by hand (not downloaded) is verified
    too, once, and an unchanged file is not hashed again on every run.
    """
    digest = sha256sum(path)
    if digest != sha256.lower():
        raise ChecksumError(f"{path}: SHA-256 is {digest}, the config expects {sha256}; "
                            "the file is damaged or not the expected one (delete it to download it again)")
    write_json(stamp, {"file": str(path), "sha256": digest, **_identity(path)})
    return digest


def _identity(path: str | os.PathLike) -> dict:
    """What changes when a file is replaced, even by a copy that keeps the old mtime (cp -p, rsync -a):
    the inode-change time, which no user can set back, with size, mtime, inode and device."""
    st = os.stat(path)
    return {"bytes": st.st_size, "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns, "inode": st.st_ino,
            "device": st.st_dev}


def check_stamp(path: str | os.PathLike, stamp: str | os.PathLike) -> str:
    """The SHA-256 of ``path`` as its verification ``stamp`` recorded it, after checking that the
    file is still the one verified: same size, times, inode and device, or else (a copy, a touch)
    the same content, hashed again. A file replaced after verification raises ChecksumError."""
    record, current = read_json(stamp), _identity(path)
    if {k: record.get(k) for k in current} == current:
        return record["sha256"]
    digest = sha256sum(path)
    if digest != record["sha256"]:
        raise ChecksumError(f"{path}: SHA-256 is now {digest}, not the {record['sha256']} verified in {stamp}: the "
                            "file was replaced after verification (delete the stamp to verify it again)")
    return digest


def _request(url: str, offset: int, timeout: float):
    request = urllib.request.Request(url, headers={"User-Agent": "hepml"})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    return urllib.request.urlopen(request, timeout=timeout)


def download_resumable(url: str, part: Path, retries: int = 5, backoff: float = 1.0,
                       timeout: float = 60.0, progress: bool = True, expected_bytes: int | None = None,
                       max_bytes: int = 8 * 10**9) -> Path:
    """Stream ``url`` into ``part``, resuming a partial file; return ``part`` when complete.

    Reading stops, and ``part`` is deleted, once the file passes ``expected_bytes`` (plus a small
    margin) or, with no expected size, ``max_bytes``: a mirror serving endless data cannot fill the
    disk. Retries wait ``backoff`` seconds, doubling up to :data:`MAX_BACKOFF_S`."""
    limit = expected_bytes + SIZE_MARGIN if expected_bytes else max_bytes
    attempt = 0
    while True:
        offset = part.stat().st_size if part.exists() else 0
        try:
            with _request(url, offset, timeout) as response:
                status = response.status
                if offset and status != 206:  # server ignored Range: start again
                    offset = 0
                length = response.headers.get("Content-Length")
                total = offset + int(length) if length is not None else None
                if total is not None and total > limit:
                    _too_large(url, part, f"announces {total} bytes", limit)
                with open(part, "ab" if offset else "wb") as out, tqdm(
                    total=total, initial=offset, unit="B", unit_scale=True,
                    desc=Path(url).name, disable=not progress, mininterval=1.0,
                ) as bar:
                    written = offset
                    while block := response.read(CHUNK):
                        out.write(block)
                        written += len(block)
                        bar.update(len(block))
                        if written > limit:
                            out.close()
                            _too_large(url, part, f"served more than {written - len(block)} bytes", limit)
                size = part.stat().st_size
                if total is not None and size < total:
                    raise ConnectionError(f"connection closed at byte {size} of {total}")
                return part
        except urllib.error.HTTPError as err:
            if err.code == 416 and offset:  # nothing left to fetch: the partial file is whole
                return part
            if 400 <= err.code < 500:
                raise DownloadError(f"{url}: HTTP {err.code} {err.reason}") from err
            failure = err
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as err:
            failure = err
        attempt += 1
        if attempt > retries:
            raise DownloadError(f"{url}: gave up after {retries} retries: {failure}") from failure
        time.sleep(retry_wait(backoff, attempt))


def retry_wait(backoff: float, attempt: int) -> float:
    """Seconds to wait before retry ``attempt`` (1, 2, ...): doubling from ``backoff``, capped."""
    return min(backoff * 2 ** min(attempt - 1, 60), MAX_BACKOFF_S)


def _too_large(url: str, part: Path, what: str, limit: int):
    part.unlink(missing_ok=True)
    raise DownloadError(f"{url}: {what}, over the limit of {limit} bytes (the mirror's size in the config, or "
                        "uci.max_bytes); the partial file was deleted")


def _extract_member(archive: Path, member: str, out: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf, zf.open(member) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
    except KeyError:
        raise DownloadError(f"{archive}: archive has no member {member!r}") from None
    except zipfile.BadZipFile as err:
        raise DownloadError(f"{archive}: not a valid zip archive ({err})") from err


def fetch(mirrors: list[Mirror], dest: str | os.PathLike, sha256: str | None,
          retries: int = 5, backoff: float = 1.0, timeout: float = 60.0, progress: bool = True,
          max_bytes: int = 8 * 10**9) -> Path:
    """Fetch ``dest`` from the first mirror that delivers a file with the right SHA-256."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    errors = []
    for mirror in mirrors:
        part = dest.with_name(f"{dest.name}.{hashlib.sha1(mirror.url.encode()).hexdigest()[:8]}.part")
        try:
            download_resumable(mirror.url, part, retries, backoff, timeout, progress,
                               expected_bytes=mirror.bytes, max_bytes=max_bytes)
            candidate = part
            if mirror.member:
                candidate = dest.with_name(f"{dest.name}.extracting")
                _extract_member(part, mirror.member, candidate)
            digest = sha256sum(candidate)
            if sha256 and digest != sha256.lower():
                raise ChecksumError(
                    f"{mirror.url}: SHA-256 of {mirror.member or dest.name} is {digest}, expected {sha256}"
                )
            os.replace(candidate, dest)
            part.unlink(missing_ok=True)
            return dest
        except ChecksumError as err:
            part.unlink(missing_ok=True)  # a complete but wrong file cannot be resumed
            errors.append(str(err))
        except DownloadError as err:
            errors.append(str(err))
        finally:
            dest.with_name(f"{dest.name}.extracting").unlink(missing_ok=True)
    raise DownloadError(f"could not fetch {dest.name} from any mirror:\n  " + "\n  ".join(errors))
