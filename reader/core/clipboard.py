"""Copy a link to the system clipboard with pyperclip, without ever hanging or raising.

pyperclip raises when no backend exists (no DISPLAY, SSH) and some backends
hang; both are turned into a ``False`` so the caller can fall back to the
terminal's own clipboard (OSC 52) and show the link.
"""

from __future__ import annotations

import threading

TIMEOUT = 2.0


def copy_system(text: str, timeout: float = TIMEOUT) -> tuple[bool, str]:
    """Try the system clipboard; (copied, which backend or why not)."""
    try:
        import pyperclip
    except ImportError:
        return False, "pyperclip is not installed"
    outcome: list[tuple[bool, str]] = []

    def attempt() -> None:
        try:
            pyperclip.copy(text)
            # With DISPLAY set but unreachable, xclip fails and copy() still returns.
            if pyperclip.paste() != text:
                outcome.append((False, "the system clipboard did not keep the text"))
            else:
                outcome.append((True, "system clipboard"))
        except Exception as exc:  # pyperclip raises its own and OS errors alike
            reason = str(exc).split(". ")[0].strip() or type(exc).__name__
            outcome.append((False, reason))

    worker = threading.Thread(target=attempt, daemon=True, name="clipboard-copy")
    worker.start()
    worker.join(timeout)
    if not outcome:
        return False, f"the system clipboard did not answer within {timeout:.0f} s"
    return outcome[0]
