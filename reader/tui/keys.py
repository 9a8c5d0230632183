"""The app's bindings, made from the one key table (``reader.core.keymap``)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from reader.core.keymap import in_scope


def bindings(scope: str) -> list[BindingType]:
    """Textual bindings for the keys of ``scope``, each with its id (remappable) and description.

    The footer is our own (``widgets.footer``): it reads the key table, not ``show``.
    """
    return [
        Binding(key.keys, key.action, key.label, show=False, tooltip=key.description, id=key.id, priority=key.priority)
        for key in in_scope(scope)
    ]
