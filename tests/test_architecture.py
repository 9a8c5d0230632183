"""The house's rules, checked: the core and the command line stand without the terminal UI, and no import circles."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import reader

PACKAGE = Path(reader.__file__).parent


def modules(prefix: str) -> list[str]:
    """Every module under ``prefix`` (a package of ``reader``), found by walking the files."""
    package = __import__(prefix, fromlist=["_"])
    found = [prefix]
    for info in pkgutil.walk_packages(package.__path__, prefix + "."):
        found.append(info.name)
    return sorted(found)


def leaked_ui(names: list[str]) -> list[str]:
    """The Textual and ``reader.tui`` modules that importing ``names`` pulls in, in a fresh interpreter."""
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('reader.tui'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [name for name in result.stdout.strip().split(",") if name]


def test_every_core_module_imports_without_textual() -> None:
    core = modules("reader.core")
    assert "reader.core.store.store" in core and "reader.core.search.index" in core  # the walk finds them
    assert leaked_ui(core) == []


def test_the_command_line_imports_no_ui_module() -> None:
    assert leaked_ui(["reader", *modules("reader.cli")]) == []


def test_the_check_itself_sees_the_ui_when_it_is_imported() -> None:
    assert "reader.tui.app" in leaked_ui(["reader.tui.app"])


def _imports(path: Path) -> set[str]:
    """The ``reader`` modules a file imports at its top level or in functions (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("reader"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("reader"))
    return found


def test_no_import_circles() -> None:
    files = {
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): path
        for path in PACKAGE.rglob("*.py")
    }
    graph = {name: {dep for dep in _imports(path) if dep in files and dep != name} for name, path in files.items()}
    for name in graph:  # a package's face (__init__) hands names on: follow through it, not to it
        graph[name] = {dep for dep in graph[name] if not (files[dep].name == "__init__.py" and dep in name)}
    seen: dict[str, int] = {}  # 1 = on the path, 2 = done

    def visit(name: str, path: list[str]) -> None:
        seen[name] = 1
        for dep in sorted(graph[name]):
            if seen.get(dep) == 1:
                raise AssertionError("import circle: " + " -> ".join([*path[path.index(dep):], dep]))
            if dep not in seen:
                visit(dep, [*path, dep])
        seen[name] = 2

    for name in sorted(graph):
        if name not in seen:
            visit(name, [name])
