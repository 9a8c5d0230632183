"""The settings file: read, checked, shown and changed through the real CLI."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from reader import cli
from reader.core import config
from tests.realfiles import Page


@pytest.fixture
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "config.toml"
    monkeypatch.setenv("READER_CONFIG", str(path))
    monkeypatch.delenv("READER_DB", raising=False)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_missing_file_means_defaults(settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "config")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"# {settings_file} (not created yet: all defaults)"
    assert 'theme = "textual-dark"  # default' in lines
    assert 'export.format = "markdown"  # default' in lines
    assert "fetch.tries = 3  # default" in lines
    assert not settings_file.exists()
    assert config.load() == config.Settings()


def test_set_saves_checked_values_and_show_lists_them(settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for key, value in [("theme", "nord"), ("export.format", "bibtex"), ("keymap.star", "x"),
                       ("keymap.list.down", "j,ctrl+n"), ("fetch.timeout", "2.5"), ("fetch.tries", "5")]:
        code, out, err = run(capsys, "config", "set", key, value)
        assert (code, err) == (0, ""), err
        assert out.endswith(f" saved in {settings_file}\n")
    assert tomllib.loads(settings_file.read_text()) == {
        "theme": "nord",
        "export": {"format": "bibtex"},
        "keymap": {"star": "x", "list.down": "j,ctrl+n"},
        "fetch": {"timeout": 2.5, "tries": 5},
    }
    loaded = config.load()
    assert (loaded.theme, loaded.export.format, loaded.fetch.timeout, loaded.fetch.tries) == ("nord", "bibtex", 2.5, 5)
    assert dict(loaded.keymap) == {"star": "x", "list.down": "j,ctrl+n"}
    code, out, _ = run(capsys, "config")
    assert code == 0
    assert 'theme = "nord"' in out.splitlines()
    assert 'keymap.list.down = "j,ctrl+n"' in out.splitlines()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("export.format", "pdf",
         "export.format: 'pdf' is not an export format; choose one of markdown, json, bibtex, csv"),
        ("fetch.tries", "0", "fetch.tries: must be between 1 and 10"),
        ("fetch.timeout", "soon", "fetch.timeout: 'soon' is not a number"),
        ("fetch.arxiv_url", "ftp://x", "fetch.arxiv_url: 'ftp://x' is not an http:// or https:// URL"),
        ("colour", "red", "colour: unknown setting; known: store, theme,"),
        ("keymap.star", "two words", "keymap.star: 'two words' is not a list of keys"),
        ("theme", "no-such-theme", "theme: unknown theme 'no-such-theme'"),
        ("keymap.launch", "x", "keymap.launch: no binding with id 'launch'"),
    ],
)
def test_set_refuses_bad_values_and_leaves_the_file(
    settings_file: Path, capsys: pytest.CaptureFixture[str], key: str, value: str, message: str
) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text('theme = "nord"  # kept\n')
    before = settings_file.read_bytes()
    code, out, err = run(capsys, "config", "set", key, value)
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {settings_file}: {message}")
    assert err.count("\n") == 1
    assert settings_file.read_bytes() == before


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('theme = "nord"\n\n[export\nformat = "csv"\n', 3, "not valid TOML"),
        ('theme = "nord"\n[fetch]\ntimeout = 3\ntries = "3"\n', 4,
         "fetch.tries: expected a whole number, got a string"),
        ('theme = "nord"\nthemes = "x"\n', 2, "themes: unknown setting"),
        ('[export]\n\nformat = "pdf"\n', 3, "export.format: 'pdf' is not an export format"),
        ('export = "csv"\n', 1, "export: expected a table [export], got a string"),
    ],
)
def test_a_bad_file_is_one_line_naming_file_and_line(
    settings_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, message: str
) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text(text)
    for command in (["config"], ["list"], ["config", "set", "theme", "nord"]):
        code, out, err = run(capsys, *command)
        assert (code, out) == (1, "")
        assert err.startswith(f"error: {settings_file}: line {line}: {message}"), err
        assert err.count("\n") == 1
    assert settings_file.read_text() == text


def test_store_path_from_settings_when_no_db_given(
    settings_file: Path, tmp_path: Path, page: Page, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    assert run(capsys, "config", "set", "store", str(papers / "mine.json"))[0] == 0
    code, out, err = run(capsys, "import", str(page.path))
    assert (code, err) == (0, ""), err
    assert out.splitlines()[-1] == f"{page.count} new, 0 updated, 0 unchanged"
    assert (papers / "mine.json").is_file()
    env_store = tmp_path / "env.json"
    monkeypatch.setenv("READER_DB", str(env_store))
    code, out, err = run(capsys, "list")  # the environment still wins: an empty store, and it says so
    assert (code, out) == (0, "") and "the store is empty" in err
    monkeypatch.delenv("READER_DB")
    assert len(run(capsys, "list")[1].splitlines()) == page.count


def test_relative_paths_are_relative_to_the_settings_file(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text('store = "lib/library.json"\n[export]\ntemplate = "~/t.md"\n')
    loaded = config.load()
    assert loaded.store_path() == settings_file.parent / "lib" / "library.json"
    assert loaded.export.template_path() == Path.home() / "t.md"


def test_unset_restores_the_default(settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "config", "set", "theme", "dracula")[0] == 0
    assert run(capsys, "config", "set", "export.format", "csv")[0] == 0
    code, out, _ = run(capsys, "config", "unset", "export.format")
    assert (code, out) == (0, f"export.format removed from {settings_file}\n")
    assert tomllib.loads(settings_file.read_text()) == {"theme": "dracula"}
    code, _, err = run(capsys, "config", "unset", "export.format")
    assert (code, err) == (1, f"error: {settings_file}: export.format is not set in this file\n")


def test_unquoted_dotted_binding_ids_are_read(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text('[keymap]\nlist.down = "j"\nstar = "x"\n')
    assert dict(config.load().keymap) == {"list.down": "j", "star": "x"}


def test_save_writes_only_what_differs_from_the_defaults(settings_file: Path) -> None:
    chosen = config.set_value("theme", "gruvbox")
    config.save(chosen)
    assert tomllib.loads(settings_file.read_text()) == {"theme": "gruvbox"}
    assert config.load().theme == "gruvbox"


def test_usage_errors_exit_2(settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "config", "set", "theme")[0] == 2
    assert run(capsys, "config", "show", "theme")[0] == 2
