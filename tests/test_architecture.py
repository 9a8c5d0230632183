"""The domain core must stay usable without the terminal UI."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "reader",
    "reader.cli",
    "reader.core.models",
    "reader.core.store",
    "reader.core.search",
    "reader.core.export",
    "reader.core.library",
    "reader.core.importers",
    "reader.core.links",
]


def test_core_and_cli_import_without_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}: importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"core pulled in Textual: {result.stdout.strip()}"


def test_the_check_itself_sees_textual_when_it_is_imported() -> None:
    code = "import sys, reader.tui.app\nprint(any(m.startswith('textual') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
