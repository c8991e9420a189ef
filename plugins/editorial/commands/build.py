"""`invoke build`: a preview build that never leaves output/ half-written.

Pelican builds into a fresh sibling directory; only when it succeeds does that
directory replace output/. A broken article (which Pelican itself would skip
and still exit 0) fails the build and the previous output/ stays as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from editorial import settings as plugin_settings
from editorial.commands.check import lint_content, load_settings
from editorial.findings import Finding, InputError, Location, format_text
from editorial.settings import REPORT_SAVE_AS

OUTPUT_DIR = "output"
CACHE_DIRS = ("cache", ".editorial-cache")


def pelican_command(
    root: Path,
    settings_file: str,
    output: Path,
    *,
    fatal: str = "errors",  # "" for none
    overrides: dict | None = None,
) -> list[str]:
    """The Pelican command line every build and publish uses."""
    command = [
        sys.executable, "-m", "pelican", str(root / "content"),
        "-s", str(root / settings_file), "-o", str(output),
        "--log-handler", "plain",
    ]  # fmt: skip
    if fatal:
        command += ["--fatal", fatal]
    if overrides:
        command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    return command


def read_findings(path: Path) -> tuple[list[Finding], int | None, list[str]]:
    """Findings, article count and build errors, as the plugin wrote them
    (see EDITORIAL_FINDINGS_FILE)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    findings = [
        Finding(
            file=item["file"],
            line=item["line"],
            paragraph=item["paragraph"],
            kind=item["kind"],
            score=item["score"],
            repeats=Location(**item["repeats"]),
            acknowledged=item["acknowledged"],
            rule=item["rule"],
        )
        for item in data["findings"]
    ]
    return findings, data["summary"].get("articles"), data.get("errors", [])


def build(
    root: Path,
    *,
    settings_file: str = "pelicanconf.py",
    output: Path | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Build the site into `output` (default root/output); print the findings.

    Returns 0 on success, 1 when Pelican reported an error (output untouched).
    """
    output = Path(output or root / OUTPUT_DIR)
    print("Checking content/ ...", file=out, flush=True)
    settings = load_settings_or_report(root, settings_file, out)
    if settings is None:
        return 1
    problems = settings_problems(root, settings_file, settings) + lint_content(root, settings)
    if problems:
        for problem in problems:
            print(problem.as_text(), file=out)
        print(
            f"build stopped: fix the {len(problems)} error(s) above; "
            f"{display(output, root)}/ was left as it was.",
            file=out,
        )
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    findings_file = staging / ".editorial-findings.json"
    # Not --fatal errors: Pelican would then stop with a traceback at the
    # first error. The plugin collects errors into the findings file instead.
    command = pelican_command(
        root,
        settings_file,
        staging,
        fatal="",
        overrides={
            "EDITORIAL_FINDINGS_FILE": str(findings_file),
            # Printed below, linter-style, once; not also in Pelican's log.
            "EDITORIAL_FINDINGS_LEVEL": "debug",
        },
    )
    print(f"Building {settings_file} into {display(output, root)}/ ...", file=out, flush=True)
    returncode = run_streaming(command, root, out)
    findings, articles, errors = [], None, []
    if findings_file.exists():
        findings, articles, errors = read_findings(findings_file)
        findings_file.unlink()
    if returncode == 0 and errors:
        returncode = 1
        print(f"{len(errors)} error(s) during the build:", file=out)
        for message in errors:
            print(f"  {message}", file=out)
    if returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(
            f"build failed (Pelican exit {returncode}): see the messages above; "
            f"{display(output, root)}/ was left as it was.",
            file=out,
        )
        return 1
    _replace_dir(staging, output)
    print(f"Site built in {display(output, root)}/", file=out)
    print("\nEditorial findings:", file=out)
    print(format_text(findings, articles), file=out, flush=True)
    report = output / REPORT_SAVE_AS
    if report.exists():
        print(f"Editorial report: {display(report, root)}", file=out)
    return 0


def load_settings_or_report(root: Path, settings_file: str, out: TextIO) -> dict | None:
    """The Pelican settings, or None after printing why they cannot be read."""
    try:
        return load_settings(root, settings_file)
    except SyntaxError as error:
        print(f"{settings_file}:{error.lineno}: error: {error.msg}; fix the syntax", file=out)
    except Exception as error:  # whatever a settings module raises while loading
        line = _traceback_line(error, root / settings_file)
        where = f"{settings_file}:{line}" if line else settings_file
        reason = f"{type(error).__name__}: {error}"
        print(f"{where}: error: cannot load the settings ({reason})", file=out)
    return None


def _traceback_line(error: BaseException, path: Path) -> int:
    line = 0
    frame = error.__traceback__
    while frame is not None:
        if Path(frame.tb_frame.f_code.co_filename).resolve() == path.resolve():
            line = frame.tb_lineno
        frame = frame.tb_next
    return line


def settings_problems(root: Path, settings_file: str, settings: dict) -> list[InputError]:
    """The plugin's settings checked, each problem at the line that sets it."""
    text = (root / settings_file).read_text(encoding="utf-8")
    problems = []
    for name, message in plugin_settings.validate(settings):
        match = re.search(rf"^{name}\s*=", text, re.M)
        line = text.count("\n", 0, match.start()) + 1 if match else 0
        problems.append(InputError(settings_file, line, message))
    return problems


def run_streaming(
    command: list[str], cwd: Path, out: TextIO, env: dict[str, str] | None = None
) -> int:
    """Run `command`, copying its output to `out` line by line as it comes."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        bufsize=1,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            out.write(line)
            out.flush()
    return process.returncode


def _replace_dir(new: Path, old: Path) -> None:
    """Swap `new` into place of `old` with two renames, so a reader (or
    `invoke serve`) never sees a half-written directory for long."""
    trash = old.with_name(f".{old.name}-old")
    shutil.rmtree(trash, ignore_errors=True)
    if old.exists():
        old.rename(trash)
    new.rename(old)
    shutil.rmtree(trash, ignore_errors=True)


def clean(root: Path, out: TextIO = sys.stdout) -> None:
    """Remove output/ and the caches (Pelican's and ours); all are rebuilt on demand."""
    for name in (OUTPUT_DIR, *CACHE_DIRS):
        path = root / name
        if path.exists():
            shutil.rmtree(path)
            print(f"removed {name}/", file=out)


def display(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
