"""`invoke serve` and `invoke livereload`: the preview on localhost."""

from __future__ import annotations

import errno
import functools
import http.server
import sys
from pathlib import Path
from typing import TextIO

from editorial.commands import build as build_cmd

WATCHED = ("content", "theme", "plugins", "pelicanconf.py")


def serve(
    root: Path, *, port: int = 8000, bind: str = "127.0.0.1", out: TextIO = sys.stdout
) -> None:
    """Serve root/output until interrupted (build it first if it is missing)."""
    output = root / build_cmd.OUTPUT_DIR
    if not (output / "index.html").exists() and build_cmd.build(root, out=out) != 0:
        raise SystemExit(1)
    # Serve by path, not by an open directory handle: a rebuild swaps output/
    # for a new directory and the server must follow it.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output))
    try:
        server = http.server.ThreadingHTTPServer((bind, port), handler)
    except OSError as error:
        raise SystemExit(_cannot_listen(error, bind, port, "serve", out)) from None
    with server:
        print(f"Serving {output} at http://{bind}:{port}/ (Ctrl-C to stop)", file=out, flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped", file=out)


def livereload(
    root: Path, *, port: int = 8000, bind: str = "127.0.0.1", out: TextIO = sys.stdout
) -> None:
    """Build, serve, and rebuild + reload the browser whenever a watched file changes."""
    from livereload import Server

    def rebuild() -> None:
        build_cmd.build(root, out=out)

    rebuild()
    server = Server()
    for name in WATCHED:
        path = root / name
        pattern = str(path / "**" / "*") if path.is_dir() else str(path)
        # Python writes bytecode under plugins/ while building: not a change.
        server.watch(pattern, rebuild, delay=1, ignore=lambda name: "__pycache__" in name)
    try:
        server.serve(port=port, host=bind, root=str(root / build_cmd.OUTPUT_DIR))
    except OSError as error:
        raise SystemExit(_cannot_listen(error, bind, port, "livereload", out)) from None


def _cannot_listen(error: OSError, bind: str, port: int, task: str, out: TextIO) -> int:
    """Say why the server cannot start (a port in use, most often) and what to do."""
    if error.errno == errno.EADDRINUSE:
        reason = f"port {port} on {bind} is already in use (another `invoke {task}`?)"
    else:
        reason = f"cannot listen on {bind}:{port} ({error.strerror or error})"
    print(
        f"{task}: {reason}; stop the other server, or pick another port: "
        f"invoke {task} --port {port + 1}",
        file=out,
        flush=True,
    )
    return 1
