"""`invoke serve`: builds when needed, then serves output/ on localhost."""

import socket
import subprocess
import sys
import time
import urllib.request

from tests.support import copy_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_builds_then_serves_the_site(tmp_path):
    root = copy_project(tmp_path / "project")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        page = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.5)
        assert page is not None, "the server never answered"
        assert "<h1" in page
        assert (root / "output" / "index.html").is_file()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/editorial/", timeout=5) as response:
            assert "Editorial report" in response.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=10)
