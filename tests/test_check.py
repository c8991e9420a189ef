"""`invoke check`: exit codes, output formats, acknowledgements and bad input."""

import io
import json
import os

from editorial.commands.check import check
from tests.support import PARA_A, PARA_B, PARA_C, ROOT, invoke_check


def article(title: str, date: str, *paragraphs: str, extra: str = "") -> str:
    """Complete metadata (no rule applies to it), then `paragraphs`: the
    first paragraph is on line 7 and `extra` metadata on line 6."""
    return (
        f"Title: {title}\nDate: {date}\nCategory: Tests\nTags: testing\nSummary: A test.\n"
        f"{extra}\n" + "\n\n".join(paragraphs) + "\n"
    )


def run(paths, fmt="text"):
    out, err = io.StringIO(), io.StringIO()
    code = check(ROOT, [str(p) for p in paths], output_format=fmt, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_clean_articles_exit_zero(tmp_path):
    (tmp_path / "a.md").write_text(article("A", "2024-01-01", PARA_A, PARA_B))
    code, out, _ = run([tmp_path])
    assert code == 0
    assert "none found in 1 article" in out


def test_exact_repeat_within_article_is_reported_like_a_linter(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(article("A", "2024-01-01", PARA_A, PARA_B, PARA_A.upper()))
    code, out, _ = run([path])
    assert code == 1
    lines = path.read_text().splitlines()
    first_line = out.splitlines()[0]
    # Lines named in the message really are the paragraphs' first lines.
    assert first_line.startswith(f"{path}:{lines.index(PARA_A.upper()) + 1}: paragraph 3 ")
    assert f"repeats paragraph 1 (line {lines.index(PARA_A) + 1})" in first_line


def test_json_shape_and_cross_article_repeat(tmp_path):
    (tmp_path / "old.md").write_text(article("Old", "2023-05-01", PARA_A, PARA_B))
    (tmp_path / "new.md").write_text(article("New", "2024-05-01", PARA_C, PARA_B))
    code, out, _ = run([tmp_path], fmt="json")
    assert code == 1
    data = json.loads(out)  # exactly one JSON object
    assert set(data) == {"findings", "summary"}
    [finding] = data["findings"]
    assert finding == {
        "rule": "repeated-paragraph",
        "severity": "error",
        "file": str(tmp_path / "new.md"),
        "line": 9,
        "paragraph": 2,
        "kind": "exact",
        "score": 1.0,
        "repeats": {"file": str(tmp_path / "old.md"), "line": 9, "paragraph": 2},
        "acknowledged": False,
    }
    assert data["summary"]["unacknowledged"] == 1
    assert data["summary"]["articles"] == 2


def test_acknowledged_findings_are_listed_but_do_not_fail(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        article("A", "2024-01-01", PARA_A, PARA_B, PARA_A, extra="Acknowledge_Repeats: 3\n")
    )
    code, out, _ = run([path], fmt="json")
    assert code == 0
    [finding] = json.loads(out)["findings"]
    assert finding["acknowledged"] is True
    assert finding["paragraph"] == 3


def test_acknowledging_another_paragraph_does_not_hide_the_finding(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        article("A", "2024-01-01", PARA_A, PARA_B, PARA_A, extra="Acknowledge_Repeats: 1-2\n")
    )
    assert run([path])[0] == 1


def test_github_format_prints_annotations(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(article("A", "2024-01-01", PARA_A, PARA_A))
    code, out, _ = run([path], fmt="github")
    assert code == 1
    assert out.splitlines()[0].startswith(f"::error file={path},line=9,title=repeated-paragraph::")


def test_unknown_format_is_a_usage_error(tmp_path):
    code, _, err = run([tmp_path], fmt="xml")
    assert code == 2
    assert "unknown format 'xml'" in err


def test_missing_path_is_bad_input(tmp_path):
    code, _, err = run([tmp_path / "nope.md"])
    assert code == 2
    assert f"{tmp_path / 'nope.md'}: error: no such file" in err


def test_non_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes(b"Title: T\n\nFine line.\n\nCaf\xe9 society.\n")
    code, out, err = run([path], fmt="json")
    assert code == 2
    assert f"{path}:5: error: not valid UTF-8 (byte 0xe9 at column 4)" in err
    assert json.loads(out)["errors"][0]["line"] == 5
    assert "Traceback" not in err


def test_unreadable_entry_is_reported_not_skipped(tmp_path):
    os.symlink(tmp_path / "gone.md", tmp_path / "dangling.md")
    (tmp_path / "ok.md").write_text(article("OK", "2024-01-01", PARA_A))
    code, _, err = run([tmp_path])
    assert code == 2
    assert f"{tmp_path / 'dangling.md'}: error: cannot read the file" in err


def test_bad_acknowledgement_names_its_line(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(article("A", "2024-01-01", PARA_A, extra="Acknowledge_Repeats: nine\n"))
    code, _, err = run([path])
    assert code == 2
    assert f"{path}:6: error: acknowledge_repeats: 'nine' is not a paragraph number" in err


def test_empty_article_is_bad_input_naming_the_file(tmp_path):
    (tmp_path / "empty.md").write_text("")
    code, _, err = run([tmp_path])
    assert code == 2
    assert f"{tmp_path / 'empty.md'}: error: the file is empty" in err


def test_five_megabyte_article_is_a_clean_result(tmp_path):
    # One huge run-on paragraph of distinct words, plus normal ones.
    words = " ".join(f"word{i}" for i in range(600_000))
    path = tmp_path / "huge.md"
    path.write_text(article("Huge", "2024-01-01", PARA_A, words, PARA_B))
    assert path.stat().st_size > 5_000_000
    code, out, err = run([path])
    assert (code, err) == (0, "")
    assert "none found in 1 article" in out


def test_cli_default_checks_the_sites_content_and_reports_the_seed():
    result = invoke_check("--format", "json")
    data = json.loads(result.stdout)
    seed = [f for f in data["findings"] if f["file"].startswith("content/2022/")]
    assert {(f["paragraph"], f["repeats"]["paragraph"]) for f in seed} >= {(13, 8)}
    # The seed's findings are acknowledged in its metadata, so the site passes.
    assert all(f["acknowledged"] for f in seed)
    assert data["summary"]["unacknowledged"] == 0
    assert result.returncode == 0
    assert not any(f["file"].startswith("content/pages/") for f in data["findings"])


def test_cli_takes_a_positional_path_and_more_after_double_dash_or_with_path_option(tmp_path):
    repeated = tmp_path / "repeated.md"
    repeated.write_text(article("R", "2024-01-01", PARA_A, PARA_A))
    clean = tmp_path / "clean.md"
    clean.write_text(article("C", "2024-01-02", PARA_B))
    for args in (
        ["--", str(repeated), str(clean)],
        ["-p", str(repeated), "-p", str(clean)],
        [str(repeated), "--", str(clean)],  # the positional path, then more after --
        [str(repeated), "-p", str(clean)],
        ["--format", "text", str(repeated), "-p", str(clean)],
    ):
        result = invoke_check(*args)
        assert result.returncode == 1, result.stderr
        assert result.stdout.startswith(f"{repeated}:9: paragraph 2 repeats paragraph 1 (line 7)")
        assert "in 2 articles" in result.stdout


def test_cli_positional_path_alone(tmp_path):
    """`invoke check content/x.md`, as people type it."""
    repeated = tmp_path / "repeated.md"
    repeated.write_text(article("R", "2024-01-01", PARA_A, PARA_A))
    result = invoke_check(str(repeated))
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(f"{repeated}:9: paragraph 2 repeats paragraph 1 (line 7)")
    assert "in 1 article " in result.stdout


def test_cli_reads_paths_with_spaces_whole(tmp_path):
    folder = tmp_path / "my drafts"
    folder.mkdir()
    repeated = folder / "a b.md"
    repeated.write_text(article("R", "2024-01-01", PARA_A, PARA_A))
    (folder / "c d.md").write_text(article("C", "2024-01-02", PARA_B))
    for args in (["--", str(folder)], [str(repeated), "--", str(folder / "c d.md")]):
        result = invoke_check(*args)
        assert result.returncode == 1, result.stdout + result.stderr
        assert result.stdout.startswith(f"{repeated}:9: paragraph 2 repeats paragraph 1 (line 7)")
        assert "in 2 articles" in result.stdout


def test_links_of_another_site_resolve_against_its_own_content_folder(tmp_path):
    site = tmp_path / "other site"
    (site / "content" / "2024").mkdir(parents=True)
    (site / "content" / "notes").mkdir()
    (site / "pelicanconf.py").write_text('PATH = "content"\n')
    (site / "content" / "2024" / "target file.md").write_text(article("T", "2024-01-01", PARA_B))
    note = site / "content" / "notes" / "note.md"
    note.write_text(article(
        "N", "2024-01-02", PARA_A,
        "Background: [the earlier piece](<{filename}/2024/target file.md>).",
        "And [a piece never written]({filename}/2024/never-written.md).",
    ))  # fmt: skip
    for given in (note, site / "content" / "notes"):
        code, out, _ = run([given])
        broken = [line for line in out.splitlines() if "[link-target-missing]" in line]
        assert broken == [
            f"{note}:11: error: {{filename}}/2024/never-written.md links to a file that does not "
            f"exist ({site / 'content' / '2024' / 'never-written.md'}); correct the path: "
            "relative to this file, or to the content folder if it starts / [link-target-missing]"
        ], out
        assert code == 1


def test_another_sites_broken_settings_do_not_stop_the_check(tmp_path):
    site = tmp_path / "other"
    (site / "content" / "2024").mkdir(parents=True)
    (site / "pelicanconf.py").write_text("PATH = undefined_name\n")  # raises when read
    (site / "content" / "2024" / "target.md").write_text(article("T", "2024-01-01", PARA_B))
    note = site / "content" / "2024" / "note.md"
    note.write_text(article("N", "2024-01-02", PARA_A, "See [it]({filename}/2024/target.md)."))
    code, out, err = run([note])
    # The settings are not used; links resolve against the folder named like ours.
    assert "[link-target-missing]" not in out
    assert "Traceback" not in out + err
    assert code == 0, out + err
