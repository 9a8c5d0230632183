"""The footer, rebuilt only when the keys it shows change.

Textual's footer rebuilds every key widget whenever the focus moves, a screen
comes back or the keymap is set, several times as the app starts, and the first
keys a user pressed waited behind them.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer


class StableFooter(Footer):
    """A footer that skips rebuilding when the shown bindings are the same as last time."""

    _shown: Hashable = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = _signature(screen)
        if self._bindings_ready and shown == self._shown:
            return
        self._shown = shown
        super().bindings_changed(screen)


def _signature(screen: Screen[object]) -> Hashable:
    """What the footer would show for ``screen``: each shown binding's key, label, state and tooltip."""
    return (
        screen.app.app_focus,
        tuple(
            (binding.key, binding.key_display, binding.description, binding.action, enabled, tooltip)
            for _, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        ),
    )
