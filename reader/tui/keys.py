"""The app's bindings, made from the one key table (``reader.core.keymap``)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from reader.core.keymap import in_scope


def bindings(scope: str) -> list[BindingType]:
    """Textual bindings for the keys of ``scope``, each with its id (remappable) and description."""
    return [
        Binding(key.keys, key.action, key.label, show=key.footer, tooltip=key.description, id=key.id)
        for key in in_scope(scope)
    ]
