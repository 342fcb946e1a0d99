"""Shared fixtures: UCI-format files made on the fly and a local HTTP server with failure modes."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from tests.workflow_helpers import console_of, copy_workflow, snakemake

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    """The suite writes only under temporary directories: a private home for everything it starts
    (headless chromium's downloads and profile, caches, matplotlib's config), removed at exit."""
    if "HEPML_TEST_HOME" in os.environ:
        return
    home = tempfile.mkdtemp(prefix="hepml-test-home-")
    config._hepml_home = home
    os.environ.update(HEPML_TEST_HOME=home, HOME=home, XDG_CACHE_HOME=f"{home}/.cache",
                      XDG_CONFIG_HOME=f"{home}/.config", XDG_DATA_HOME=f"{home}/.local/share",
                      XDG_DOWNLOAD_DIR=f"{home}/Downloads", MPLCONFIGDIR=f"{home}/.config/matplotlib")


def pytest_unconfigure(config):
    import shutil

    home = getattr(config, "_hepml_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


def uci_text(rows: int, n_columns: int, seed: int = 0) -> tuple[bytes, np.ndarray]:
    """UCI-format CSV text (``%.18e``) and the values it holds."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(rows, n_columns)) * np.exp(rng.normal(size=(rows, n_columns)))
    values[:, 0] = rng.integers(0, 2, rows)
    buf = io.StringIO()
    np.savetxt(buf, values, fmt="%.18e", delimiter=",")
    return buf.getvalue().encode(), values


@pytest.fixture
def uci_gz(tmp_path):
    """Factory: write a gzipped UCI-format file, return (path, values)."""
    def make(name="HIGGS.csv.gz", rows=500, n_columns=29, seed=0, text=None):
        body, values = (text, None) if text is not None else uci_text(rows, n_columns, seed)
        path = tmp_path / name
        path.write_bytes(gzip.compress(body))
        return path, values
    return make


class _Handler(BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    drop_after: dict[str, int] = {}   # path -> bytes sent before the connection is cut (first request only)
    ignore_range: set[str] = set()
    endless: set[str] = set()   # paths served without Content-Length, repeating their body until the client hangs up
    requests: list[tuple[str, str | None]] = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):
        self.requests.append((self.path, self.headers.get("Range")))
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        if self.path in self.endless:
            self.send_response(200)
            self.end_headers()
            try:
                while True:
                    self.wfile.write(body)
            except OSError:  # the client stopped reading
                return
        start = 0
        rng = self.headers.get("Range")
        if rng and self.path not in self.ignore_range:
            start = int(rng.split("=")[1].split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        cut = self.drop_after.pop(self.path, None)
        if cut is not None:
            self.wfile.write(body[start : start + cut])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body[start:])


@pytest.fixture
def http_server():
    """A threaded HTTP server on 127.0.0.1 serving in-memory files; yields (base_url, handler class)."""
    handler = type("Handler", (_Handler,), {"files": {}, "drop_after": {}, "ignore_range": set(),
                                          "endless": set(), "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def _tree_state(work: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file of a workflow copy but Snakemake's own bookkeeping
    and Python's bytecode caches."""
    return {str(p.relative_to(work)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(work.rglob("*"))
            if p.is_file() and not {".snakemake", "__pycache__"} & set(p.relative_to(work).parts)}


@pytest.fixture(scope="session")
def e2e(tmp_path_factory) -> Path:
    """The whole workflow on the tiny test config, run once per session and shared read-only: a test
    that changes files works on a copy (``e2e_copy``); the session ends with an error naming any
    file a test added, removed or changed here."""
    work = copy_workflow(tmp_path_factory.mktemp("e2e"))
    run = snakemake(work, details=False)   # the console a user sees, kept for test_everyday
    console_of(work).write_text(run.stdout + run.stderr)
    before = _tree_state(work)
    yield work
    after = _tree_state(work)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"tests changed the shared end-to-end run (use a copy): {changed[:10]}"


@pytest.fixture
def e2e_copy(e2e, tmp_path) -> Path:
    """A private copy of the end-to-end run (results and Snakemake's records) that a test may change."""
    work = tmp_path / "w"
    shutil.copytree(e2e, work, symlinks=True)
    return work
