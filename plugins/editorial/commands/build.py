"""`invoke build`: a preview build that never leaves output/ half-written.

The content and the plugin's settings are checked first (`path:line: error:
...`); then Pelican runs in this process into a fresh staging directory,
which replaces output/ only when the build succeeded. Pelican on its own
skips a broken article, logs an error and still succeeds; here any error
logged during the build fails it, and output/ stays as it was. The findings
come from the build itself (the plugin's `review_ready` signal), so they are
computed once and printed linter-style. Pagefind then indexes the built
site for search (`index_search`), timed on a line of its own.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from editorial import progress, project
from editorial import settings as plugin_settings
from editorial.commands import workdir
from editorial.commands.check import lint_content
from editorial.entities.registry import RegistryError
from editorial.findings import Finding, InputError, format_text
from editorial.outputs import OutputCollision
from editorial.report import REPORT_SAVE_AS

OUTPUT_DIR = "output"
CACHE_DIRS = ("cache", ".editorial-cache")
# What the search index leaves out besides what the theme marks
# data-pagefind-ignore: the preview's repeated-paragraph notes.
SEARCH_EXCLUDE = ".repeat-flag"


@dataclass
class BuildResult:
    """What a build did: `ok` when Pelican finished and nothing failed it."""

    ok: bool
    findings: list[Finding] = field(default_factory=list)
    articles: int = 0
    problems: list[str] = field(default_factory=list)  # the messages that failed it
    drafts: frozenset[str] = frozenset()  # the draft articles, as findings name them


class _BuildLog(logging.Handler):
    """Shows the build's warnings and errors as `LEVEL: message` and keeps
    those at or above `fail_level`, which fail the build."""

    def __init__(self, out: TextIO, fail_level: int) -> None:
        super().__init__(level=logging.INFO)
        self.out = out
        self.fail_level = fail_level
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.WARNING:
            if record.name == progress.logger.name:
                print(record.getMessage(), file=self.out, flush=True)
            return
        message = record.getMessage()
        # Pelican logs "Could not process x.md" without the reason unless
        # DEBUG is on; the handler runs inside its `except`, so ask sys.
        error = (record.exc_info or sys.exc_info())[1]
        if error is not None and record.levelno >= logging.ERROR:
            message += f": {type(error).__name__}: {error}"
        print(f"{record.levelname}: {message}", file=self.out, flush=True)
        if record.levelno >= self.fail_level:
            self.problems.append(message)


@contextmanager
def _logging_to(handler: logging.Handler) -> Iterator[None]:
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


def run_pelican(
    settings: dict[str, Any], out: TextIO, *, fail_level: int = logging.ERROR
) -> BuildResult:
    """Run Pelican in this process with `settings` (OUTPUT_PATH included)."""
    from pelican import Pelican

    from editorial import review_ready

    reviews = []

    def keep(review) -> None:
        reviews.append(review)

    log = _BuildLog(out, fail_level)
    _forget_unfinished_sitemap()
    review_ready.connect(keep)
    try:
        with _logging_to(log):
            Pelican(settings).run()
    except RegistryError as error:
        log.problems.append("the entity registry is invalid")
        print(error, file=out)
    except OutputCollision as error:
        log.problems.append("two articles or pages would be written to one file")
        print(error, file=out)
    except Exception as error:  # a theme or plugin error: say what, without a traceback
        log.problems.append(f"{type(error).__name__}: {error}")
        print(
            f"ERROR: {type(error).__name__}: {error} (for the traceback, run "
            "`.venv/bin/pelican content -s pelicanconf.py --debug`)",
            file=out,
        )
    finally:
        review_ready.disconnect(keep)
    review = reviews[-1] if reviews else None
    return BuildResult(
        ok=not log.problems,
        findings=list(review.findings) if review else [],
        articles=len(review.articles) if review else 0,
        problems=log.problems,
        drafts=frozenset(
            path
            for path, item in (review.articles.items() if review else ())
            if getattr(item, "status", "") == "draft"
        ),
    )


def _forget_unfinished_sitemap() -> None:
    """pelican-sitemap keeps the pages it will list in one module-level object
    and empties it only when a build finishes: after a build that failed in
    this process, the next one would write no sitemap (it waits for the
    failed build's Pelican) or list the failed build's pages. Start empty."""
    module = sys.modules.get("pelican.plugins.sitemap.sitemap")
    generator = getattr(module, "generator", None)
    if generator is not None and hasattr(generator, "page_queue"):
        generator._main_pelican = None
        generator.page_queue = []


def prepare(
    root: Path, settings_file: str, out: TextIO, override: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    """The settings for a build, after checking them and the content; None
    after printing `path:line: error: ...` for each problem. `override`
    replaces settings as `pelican -e` does."""
    settings = load_settings_or_report(root, settings_file, out, override)
    if settings is None:
        return None
    problems = settings_problems(root, settings_file, settings) + lint_content(root, settings)
    for problem in problems:
        print(problem.as_text(), file=out)
    if problems:
        return None
    # The caller prints the findings linter-style: not also in the log.
    return {**settings, "EDITORIAL_FINDINGS_LEVEL": "debug"}


def build(
    root: Path,
    *,
    settings_file: str = "pelicanconf.py",
    output: Path | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Build the site into `output` (default root/output); print the findings.

    One build at a time per project: a second one waits (commands/workdir.py).
    Returns 0 on success, 1 when anything failed, 128 + the signal number when
    interrupted; output/ is then left as it was and no staging directory remains.
    """
    output = Path(output or root / OUTPUT_DIR)
    shown = project.display_path(output, root)
    try:
        with workdir.exclusive(root, out) as work:
            return _build(root, settings_file, output, work, out)
    except workdir.BuildBusy as error:
        print(f"build stopped: {error}", file=out)
        return 1
    except KeyboardInterrupt as error:
        print(f"\nbuild interrupted: {shown}/ was left as it was.", file=out, flush=True)
        return workdir.exit_status(error)


def _build(root: Path, settings_file: str, output: Path, work: Path, out: TextIO) -> int:
    shown = project.display_path(output, root)
    print("Checking content/ ...", file=out, flush=True)
    settings = prepare(root, settings_file, out)
    if settings is None:
        print(f"build stopped: fix the error(s) above; {shown}/ was left as it was.", file=out)
        return 1
    staging = workdir.staging_dir(work, output)
    print(f"Building {settings_file} into {shown}/ ...", file=out, flush=True)
    try:
        result = run_pelican({**settings, "OUTPUT_PATH": str(staging)}, out)
        if not result.ok:
            print(
                f"build failed: {len(result.problems)} error(s) above; "
                f"{shown}/ was left as it was.",
                file=out,
            )
            return 1
        workdir.raise_if_interrupted()
        if not index_search(staging, out):
            print(f"build failed: the search index could not be made; {shown}/ was left as it was.",
                  file=out)  # fmt: skip
            return 1
        _replace_dir(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"Site built in {shown}/", file=out)
    print("\nEditorial findings:", file=out)
    print(format_text(result.findings, result.articles), file=out, flush=True)
    report = output / REPORT_SAVE_AS
    if report.exists():
        print(f"Editorial report: {project.display_path(report, root)}", file=out)
    return 0


def index_search(site: Path, out: TextIO) -> bool:
    """Index the built `site` for search with Pagefind (the binary that the
    pagefind-bin package ships) into site/pagefind/; print the time taken on
    a line of its own. False, after saying why, when it failed."""
    if not (site / "search").is_dir():
        return True  # the theme has no search page: nothing would use an index
    try:
        from pagefind_bin import get_executable

        command = [str(get_executable()), "--site", str(site), "--exclude-selectors",
                   SEARCH_EXCLUDE]  # fmt: skip
    except (ImportError, FileNotFoundError) as error:
        print(f"ERROR: Pagefind is not installed ({error}); run `make venv`", file=out)
        return False
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(f"ERROR: Pagefind failed (exit {result.returncode}):", file=out)
        # Its last lines say why (a panic repeats once per page before them).
        print("\n".join((result.stdout + result.stderr).strip().splitlines()[-5:]), file=out)
        return False
    pages = re.search(r"Indexed (\d+) page", result.stdout)
    count = f"{pages[1]} pages" if pages else "the site"
    print(f"Search index: {count} in {seconds:.2f} s (Pagefind)", file=out, flush=True)
    return True


def load_settings_or_report(
    root: Path, settings_file: str, out: TextIO, override: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    """The Pelican settings, or None after printing why they cannot be read."""
    try:
        return project.read_settings(root, settings_file, override)
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


def _replace_dir(new: Path, old: Path) -> None:
    """Swap `new` into place of `old` with two renames, so a reader (or
    `invoke serve`) never sees a half-written directory for long; Ctrl-C
    waits until both are done."""
    trash = new.with_name(f"{new.name}-old")
    with workdir.signals_blocked():
        if old.exists():
            old.rename(trash)
        new.rename(old)
    shutil.rmtree(trash, ignore_errors=True)


def clean(root: Path, out: TextIO = sys.stdout) -> None:
    """Remove output/ and the caches (Pelican's and ours); all are rebuilt on
    demand. Waits for a build that is running."""
    with workdir.exclusive(root, out) as work:
        for name in (OUTPUT_DIR, *CACHE_DIRS):
            path = root / name
            if not path.exists():
                continue
            for item in [path] if path != work.parent else path.iterdir():
                if item != work:
                    _remove(item)
            print(f"removed {name}/", file=out)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
