"""Settings: one TOML file in the user config directory, typed and checked.

Where: ``$READER_CONFIG`` if set, else ``config.toml`` in
``platformdirs.user_config_dir("reader")`` (``~/.config/reader/config.toml``
on Linux). A missing file means all defaults. A file that is not TOML, has an
unknown key or a value of the wrong kind is refused with one ``InputError``
naming the file and the line; nothing falls back silently.

The file, every key optional::

    store = "~/papers/library.json"   # used when neither --db nor $READER_DB is given
    theme = "textual-dark"            # a Textual theme name

    [keymap]                          # binding id = keys (comma-separated), see the app's help
    star = "x"
    copy = "y,ctrl+c"

    [export]
    format = "markdown"               # markdown | json | bibtex | csv
    dir = "~/notes"                   # where the app writes exports (default: the current folder)
    template = "~/notes/paper.md"     # Markdown template, see docs/workflow.md

    [fetch]
    huggingface_url = "https://huggingface.co"
    arxiv_url = "https://export.arxiv.org"
    timeout = 20.0                    # seconds per try
    deadline = 120.0                  # seconds for the whole download, tries included
    tries = 3
    retry_delay = 1.0                 # seconds before the second try, doubled after
    dir = "~/papers/fetched"          # where downloaded lists are kept (default: user cache)
    pause = 1.0                       # seconds between two requests to one host
    arxiv_pause = 3.0                 # arXiv asks for no more than one request every 3 seconds
    days = 7                          # at most this many missed days (or days back) per subscription
    every = 6.0                       # hours: the app fetches the subscriptions when older (0: never)

    [subscriptions]                   # name = what to fetch (reader subscribe adds them)
    huggingface = "huggingface"       # the Hugging Face daily papers
    "cs.CL" = "arxiv:cs.CL"           # an arXiv category
    hinton = "arxiv:au:hinton"        # an arXiv API query
    blog = "https://example.org/feed.xml"   # an RSS or Atom feed

    [watch]                           # papers that match are marked and ranked higher
    authors = ["Geoffrey Hinton"]     # an author's name contains one of these
    keywords = ["gaussian splatting"] # the title or abstract holds one of these

API for the rest of the program (the app included; this module never imports Textual):

- ``load(path=None) -> Settings``: the settings (defaults for a missing file).
- ``Settings.theme``, ``Settings.keymap`` (``{binding_id: "keys"}``, ready for
  ``App.set_keymap``), ``Settings.export.format/dir/template``, ``Settings.fetch.*``,
  ``Settings.subscriptions`` (``{name: spec}``, see ``subscriptions.py``), ``Settings.watch.*``;
  ``Settings.store_path()``, ``ExportSettings.dir_path()``/``template_path()``
  give expanded ``Path`` objects. Relative paths are relative to the config file.
- ``set_value(key, text, path=None) -> Settings``: check and save one dotted key
  (``theme``, ``export.format``, ``keymap.star``...), e.g. to remember a theme
  picked in the app. ``unset_value(key)`` removes it. Both write atomically and
  keep the other keys as they were (comments are not kept).
- ``KEYS``: every settable key with a one-line description.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.core.errors import InputError
from reader.core.store.files import write_atomically
from reader.core.store.layout import APP_NAME, default_store_path

DB_ENV = "READER_DB"
CONFIG_ENV = "READER_CONFIG"
CONFIG_NAME = "config.toml"
EXPORT_FORMATS = ("markdown", "json", "bibtex", "csv")
DEFAULT_THEME = "textual-dark"

_THEME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_BINDING_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_KEY_NAME = re.compile(r"^[A-Za-z0-9_+-]+$|^.$")
_URL = re.compile(r"^https?://[^/\s?#]+(/[^\s]*)?$")


def config_path() -> Path:
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME


def store_location(explicit: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The store path (``--db``, else ``$READER_DB``, else the settings' ``store``, else the default),
    and whether it is the default (whose folder may be created)."""
    if explicit:
        return Path(explicit).expanduser(), False
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser(), False
    configured = load().store_path()
    if configured is not None:
        return configured, False
    return default_store_path(), True


def store_source(explicit: str | os.PathLike[str] | None) -> tuple[Path, str]:
    """The store in use and what chose it, as ``reader config`` says it."""
    path, is_default = store_location(explicit)
    if explicit:
        return path, "--db"
    if os.environ.get(DB_ENV):
        return path, f"${DB_ENV}"
    return path, "the default location" if is_default else "'store' in the settings file"


def _expand(text: str | None, base: Path) -> Path | None:
    if not text:
        return None
    path = Path(text).expanduser()
    return path if path.is_absolute() else base / path


@dataclass(frozen=True, slots=True)
class ExportSettings:
    format: str = "markdown"
    dir: str | None = None
    template: str | None = None
    base: Path = field(default=Path("."), compare=False, repr=False)

    def dir_path(self) -> Path | None:
        return _expand(self.dir, self.base)

    def template_path(self) -> Path | None:
        return _expand(self.template, self.base)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    huggingface_url: str = "https://huggingface.co"
    arxiv_url: str = "https://export.arxiv.org"
    timeout: float = 20.0
    deadline: float = 120.0
    tries: int = 3
    retry_delay: float = 1.0
    dir: str | None = None
    pause: float = 1.0
    arxiv_pause: float = 3.0
    days: int = 7
    every: float = 6.0
    base: Path = field(default=Path("."), compare=False, repr=False)

    def dir_path(self) -> Path:
        import platformdirs

        return _expand(self.dir, self.base) or Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "fetched"


@dataclass(frozen=True, slots=True)
class WatchSettings:
    authors: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Settings:
    store: str | None = None
    theme: str = DEFAULT_THEME
    keymap: Mapping[str, str] = field(default_factory=dict)
    export: ExportSettings = field(default_factory=ExportSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    subscriptions: Mapping[str, str] = field(default_factory=dict)
    watch: WatchSettings = field(default_factory=WatchSettings)
    path: Path | None = field(default=None, compare=False)

    def store_path(self) -> Path | None:
        return _expand(self.store, self.path.parent if self.path else Path("."))


# -- checking values ------------------------------------------------------------

Check = Callable[[Any], Any]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_kind(value)}")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _path_text(value: Any) -> str:
    return _text(value)


def _theme(value: Any) -> str:
    if not _THEME.match(_text(value)):
        raise ValueError(f"{value!r} is not a theme name (lower-case letters, digits, '-')")
    return str(value)


def _format(value: Any) -> str:
    if _text(value) not in EXPORT_FORMATS:
        raise ValueError(f"{value!r} is not an export format; choose one of {', '.join(EXPORT_FORMATS)}")
    return str(value)


def _url(value: Any) -> str:
    text = _text(value).rstrip("/")
    if not _URL.match(text):
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return text


def _number(value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"expected a number, got {_kind(value)}")
    if not low <= value <= high:
        raise ValueError(f"must be between {low:g} and {high:g}")
    return float(value)


def _timeout(value: Any) -> float:
    seconds = _number(value, 0.05, 600)
    return seconds


def _deadline(value: Any) -> float:
    return _number(value, 1, 3600)


def _delay(value: Any) -> float:
    return _number(value, 0, 60)


def _tries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {_kind(value)}")
    if not 1 <= value <= 10:
        raise ValueError("must be between 1 and 10")
    return value


def _days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {_kind(value)}")
    if not 1 <= value <= 366:
        raise ValueError("must be between 1 and 366")
    return value


def _hours(value: Any) -> float:
    return _number(value, 0, 24 * 366)


def _words(value: Any) -> tuple[str, ...]:
    """A list of names or phrases: a TOML list, or text separated by commas."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"expected a list of text, got {_kind(value)}")
    items = tuple(dict.fromkeys(" ".join(item.split()) for item in value if item.strip()))
    if any(not item.isprintable() for item in items):
        raise ValueError("holds a control character")
    return items


def _subscription(value: Any) -> str:
    from reader.core.subscriptions import check_spec

    return check_spec(value)


def _keys(value: Any) -> str:
    """Textual key names, comma-separated: ``x``, ``ctrl+s``, ``question_mark``, ``f2,y``."""
    parts = [part.strip() for part in _text(value).split(",")]
    for part in parts:
        if not part or not _KEY_NAME.match(part):
            raise ValueError(f"{value!r} is not a list of keys (like 'x' or 'ctrl+s,f2')")
    return ",".join(parts)


def _kind(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "a string", dict: "a table", list: "a list"}
    return names.get(type(value), type(value).__name__)


# dotted key -> (check, description). ``keymap.ID`` is handled apart.
KEYS: dict[str, tuple[Check, str]] = {
    "store": (_path_text, "the store file, used when neither --db nor $READER_DB is given"),
    "theme": (_theme, "the app's Textual theme"),
    "export.format": (_format, "the default export format: " + " | ".join(EXPORT_FORMATS)),
    "export.dir": (_path_text, "where the app writes exports (default: the current folder)"),
    "export.template": (_path_text, "a Markdown template applied per paper"),
    "fetch.huggingface_url": (_url, "base URL of the Hugging Face API"),
    "fetch.arxiv_url": (_url, "base URL of the arXiv API"),
    "fetch.timeout": (_timeout, "seconds to wait for each try"),
    "fetch.deadline": (_deadline, "seconds a whole download may take, every try included"),
    "fetch.tries": (_tries, "how many times to try a download"),
    "fetch.retry_delay": (_delay, "seconds before the second try (doubled after each)"),
    "fetch.dir": (_path_text, "where downloaded lists are kept (default: the user cache folder)"),
    "fetch.pause": (_delay, "seconds between two requests to the same host"),
    "fetch.arxiv_pause": (_delay, "seconds between two arXiv requests (arXiv asks for 3)"),
    "fetch.days": (_days, "at most this many missed days (or days back) fetched per subscription"),
    "fetch.every": (_hours, "hours after which the app fetches the subscriptions itself (0: never)"),
    "watch.authors": (_words, "authors to watch: a name that contains one of these (comma-separated)"),
    "watch.keywords": (_words, "words or phrases to watch in titles and abstracts (comma-separated)"),
}
KEYMAP_KEY = "keymap.ID"
SUBSCRIPTION_KEY = "subscriptions.NAME"
_TABLES = ("keymap", "export", "fetch", "subscriptions", "watch")
_OPEN_TABLES = ("keymap", "subscriptions")  # tables whose keys are the user's own names


# -- reading the file -------------------------------------------------------------


def _line_of(text: str, table: str | None, key: str) -> int | None:
    """The line where ``key`` is set inside ``[table]`` (or at the top), for error messages."""
    current: str | None = None
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
    assign = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
    dotted = re.compile(rf"^\s*{re.escape(table or '')}\s*\.\s*{re.escape(key)}\s*=") if table else None
    for number, line in enumerate(text.splitlines(), start=1):
        match = header.match(line)
        if match:
            current = match.group(1).strip("\"'")
            continue
        if current == table and assign.match(line):
            return number
        if current is None and dotted is not None and dotted.match(line):
            return number
    return None


def _read_table(path: Path) -> tuple[dict[str, Any], str]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, ""
    except IsADirectoryError:
        raise InputError("is a directory, not a settings file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read the settings: {exc.strerror or exc}", path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", path=path, line=raw[: exc.start].count(b"\n") + 1) from None
    import tomllib  # only when there is a settings file to read

    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)$", message)
        detail = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", message)
        line = int(match.group(1)) if match else text.count("\n") + 1
        raise InputError(f"not valid TOML: {detail}", path=path, line=line) from None


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``list.down = "j"`` unquoted in TOML is a nested table; binding ids keep their dots."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _checked(table: Mapping[str, Any], path: Path, text: str) -> Settings:
    """Settings from a parsed TOML table; any problem names the file and the line."""
    values: dict[str, Any] = {}

    def fail(section: str | None, key: str, problem: str) -> InputError:
        name = f"{section}.{key}" if section else key
        return InputError(f"{name}: {problem}", path=path, line=_line_of(text, section, key))

    for key, value in table.items():
        if key in _TABLES:
            if not isinstance(value, dict):
                raise fail(None, key, f"expected a table [{key}], got {_kind(value)}")
            if key in _OPEN_TABLES:
                value = _flatten(value)
            for inner, inner_value in value.items():
                dotted = f"{key}.{inner}"
                if key == "keymap":
                    if not _BINDING_ID.match(inner):
                        raise fail(key, inner, "not a binding id")
                    check: Check = _keys
                elif key == "subscriptions":
                    try:
                        _subscription_name(inner)
                    except ValueError as exc:
                        raise fail(key, inner, str(exc)) from None
                    check = _subscription
                elif dotted in KEYS:
                    check = KEYS[dotted][0]
                else:
                    raise fail(key, inner, f"unknown setting; known: {', '.join(k for k in KEYS if '.' in k)}")
                try:
                    values[dotted] = check(inner_value)
                except ValueError as exc:
                    raise fail(key, inner, str(exc)) from None
        elif key in KEYS:
            try:
                values[key] = KEYS[key][0](value)
            except ValueError as exc:
                raise fail(None, key, str(exc)) from None
        else:
            raise fail(None, key, f"unknown setting; known: {', '.join(KEYS)}, [keymap], [subscriptions]")
    return _build(values, path)


def _build(values: Mapping[str, Any], path: Path) -> Settings:
    def section(prefix: str) -> dict[str, Any]:
        return {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith(prefix + ".")}

    base = path.parent
    return Settings(
        store=values.get("store"),
        theme=values.get("theme", DEFAULT_THEME),
        keymap=section("keymap"),
        export=ExportSettings(**section("export"), base=base),
        fetch=FetchSettings(**section("fetch"), base=base),
        subscriptions=section("subscriptions"),
        watch=WatchSettings(**section("watch")),
        path=path,
    )


def load(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default: ``config_path()``); all defaults if it does not exist."""
    path = path or config_path()
    table, text = _read_table(path)
    return _checked(table, path, text)


# -- writing ------------------------------------------------------------------------


def _split(key: str) -> tuple[str | None, str]:
    if "." in key:
        section, name = key.split(".", 1)
        return section, name
    return None, key


def parse_value(key: str, text: str) -> Any:
    """A command-line string as the value ``key`` holds, checked; ``ValueError`` says why not."""
    section, name = _split(key)
    if section == "keymap":
        if not _BINDING_ID.match(name):
            raise ValueError(f"{name!r} is not a binding id")
        return _keys(text)
    if section == "subscriptions":
        _subscription_name(name)
        return _subscription(text)
    if key not in KEYS:
        raise ValueError(f"unknown setting; known: {', '.join(KEYS)}, keymap.ID, subscriptions.NAME")
    check = KEYS[key][0]
    if check in (_timeout, _delay, _hours):
        try:
            return check(float(text))
        except ValueError as exc:
            raise ValueError(str(exc) if "between" in str(exc) else f"{text!r} is not a number") from None
    if check in (_tries, _days):
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
        return check(number)
    return check(text)


def _write(path: Path, table: Mapping[str, Any]) -> None:
    import tomli_w

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, tomli_w.dumps(dict(table)).encode())
    except OSError as exc:
        raise InputError(f"cannot save the settings: {exc.strerror or exc}", path=path) from None


def set_value(key: str, text: str, path: Path | None = None) -> Settings:
    """Check ``text`` for ``key`` and save it, keeping the rest of the file's values."""
    path = path or config_path()
    table, source = _read_table(path)
    _checked(table, path, source)  # refuse to rewrite a file that is already wrong
    try:
        value = parse_value(key, text)
    except ValueError as exc:
        raise InputError(f"{key}: {exc}", path=path) from None
    section, name = _split(key)
    if section is None:
        table[name] = value
    else:
        table.setdefault(section, {})[name] = value
    settings = _checked(table, path, "")
    _write(path, table)
    return settings


def unset_value(key: str, path: Path | None = None) -> Settings:
    """Remove ``key`` from the file, so its default applies again."""
    path = path or config_path()
    table, text = _read_table(path)
    _checked(table, path, text)
    section, name = _split(key)
    holder = table if section is None else table.get(section, {})
    if name not in holder:
        raise InputError(f"{key} is not set in this file", path=path)
    del holder[name]
    if section is not None and not holder:
        del table[section]
    _write(path, table)
    return _checked(table, path, "")


def save(settings: Settings, path: Path | None = None) -> None:
    """Write every value that differs from its default (the app remembering a theme, say)."""
    path = path or settings.path or config_path()
    _write(path, to_table(settings))


def to_table(settings: Settings) -> dict[str, Any]:
    """The TOML table for ``settings``: only values that differ from the defaults."""
    table: dict[str, Any] = {}
    defaults = Settings()
    for key in KEYS:
        value = get_value(settings, key)
        if value is not None and value != get_value(defaults, key):
            section, name = _split(key)
            target = table if section is None else table.setdefault(section, {})
            target[name] = value
    if settings.keymap:
        table["keymap"] = dict(settings.keymap)
    if settings.subscriptions:
        table["subscriptions"] = dict(settings.subscriptions)
    return table


def get_value(settings: Settings, key: str) -> Any:
    section, name = _split(key)
    if section == "keymap":
        return settings.keymap.get(name)
    if section == "subscriptions":
        return settings.subscriptions.get(name)
    holder: Any = settings if section is None else getattr(settings, section)
    return getattr(holder, name)


def describe(settings: Settings) -> list[str]:
    """``key = value`` lines for ``reader config``: every key, defaults marked."""

    defaults = Settings()
    lines = []
    for key in KEYS:
        value = get_value(settings, key)
        shown = "(not set)" if value is None else show_value(value)
        if key == "store" and value is None:
            shown = f"(not set: {default_store_path()})"
        mark = "  # default" if value is not None and value == get_value(defaults, key) else ""
        lines.append(f"{key} = {shown}{mark}")
    for binding, keys in sorted(settings.keymap.items()):
        lines.append(f"keymap.{binding} = {show_value(keys)}")
    for name, spec in settings.subscriptions.items():
        lines.append(f"subscriptions.{_toml_key(name)} = {show_value(spec)}")
    return lines


def show_value(value: Any) -> str:
    """A value as TOML writes it, on one line (a list too)."""
    import tomli_w

    if isinstance(value, list | tuple):
        return "[" + ", ".join(show_value(item) for item in value) + "]"
    return tomli_w.dumps({"v": value})[4:].strip()


def _subscription_name(name: str) -> str:
    from reader.core.subscriptions import check_name

    return check_name(name)


def _toml_key(name: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted (``"cs.CL"``)."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f'"{name}"'
