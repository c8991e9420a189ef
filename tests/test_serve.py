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


def test_a_port_in_use_is_named_with_what_to_do(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "output").mkdir()
    (root / "output" / "index.html").write_text("previous build")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
            cwd=root, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 1
    assert f"serve: port {port} on 127.0.0.1 is already in use" in result.stdout
    assert f"invoke serve --port {port + 1}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
