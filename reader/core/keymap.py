"""Every key of the app, declared once: id, default keys, action, footer label, description.

The app builds its bindings from this table; the footer, the help screen and
the command palette read them from there, and the settings' ``[keymap]`` is
checked against the ids here (``reader config`` needs no app for that). It
is plain data, so the command line can read it without loading Textual.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Key:
    id: str  # what ``[keymap]`` in the settings file names
    keys: str  # the default keys, comma-separated, as Textual names them
    action: str  # the app's (or the list's) action
    label: str  # the footer's and the help's short name
    description: str  # the help's and the palette's longer line
    footer: bool = True  # shown in the footer (every key is on the help screen)
    palette: str | None = None  # the command palette's name for it, if it is listed there
    scope: str = "app"  # "app": anywhere; "list": while the paper list has the focus; "triage": on its screen


KEYS: tuple[Key, ...] = (
    Key("search", "slash", "focus_search", "Search", "search: fuzzy words and filters", palette="Search"),
    Key("back", "escape", "back_to_list", "List", "back to the list; again: clear the selection, then the search"),
    Key("read", "r", "toggle_read", "Read/unread", "mark the paper (or the selection) read or unread",
        palette="Toggle read"),
    Key("star", "s", "toggle_star", "Star", "star or unstar", palette="Toggle star"),
    Key("reading", "w", "mark_reading", "Reading", "set the status to reading", footer=False, palette="Mark reading"),
    Key("note", "n", "edit_note", "Note", "write a note for the paper", palette="Edit note"),
    Key("tags", "t", "edit_tags", "Tags", "set the paper's tags (added to a selection)", palette="Edit tags"),
    Key("copy", "c", "copy_link", "Copy link", "copy the code link (else the first link)", palette="Copy link"),
    Key("open", "o", "open_link", "Open", "open the link in a browser", palette="Open link"),
    Key("filter", "f", "cycle_filter", "Filter", "cycle the filter: all, unread, starred"),
    Key("export", "e", "export", "Export", "write the Markdown notes file of what is shown", palette="Export notes"),
    Key("select", "space", "select", "Select", "select the paper for a bulk action", footer=False),
    Key("undo", "u", "undo", "Undo", "undo the last action", footer=False, palette="Undo"),
    Key("delete", "d", "delete", "Delete", "delete the paper (asks first)", footer=False, palette="Delete paper"),
    Key("related", "R", "related", "Related", "the ten papers most like this one", footer=False,
        palette="Related papers"),
    Key("stats", "S", "stats", "Stats", "added and read per week, counts, streak", footer=False, palette="Statistics"),
    Key("sort", "O", "cycle_sort", "Sort", "cycle the order: added, listed, title, upvotes, stars, status",
        footer=False, palette="Cycle sort"),
    Key("inbox", "i", "inbox", "Inbox", "triage the new papers, best first, one card at a time",
        palette="Triage the inbox"),
    Key("help", "question_mark", "help", "Help", "every key", palette="Help"),
    Key("quit", "q", "quit", "Quit", "quit (everything is already on disk)"),
    Key("list.down", "down,j", "cursor_down", "Down", "next paper", footer=False, scope="list"),
    Key("list.up", "up,k", "cursor_up", "Up", "previous paper", footer=False, scope="list"),
    Key("list.page_down", "pagedown", "page_down", "Page down", "a screenful down", footer=False, scope="list"),
    Key("list.page_up", "pageup", "page_up", "Page up", "a screenful up", footer=False, scope="list"),
    Key("list.first", "home", "first", "First", "the first paper", footer=False, scope="list"),
    Key("list.last", "end", "last", "Last", "the last paper", footer=False, scope="list"),
    Key("triage.keep", "k", "keep", "Keep", "keep it to read (status to-read); the next card", scope="triage"),
    Key("triage.star", "s", "star", "Star", "star it; the next card", scope="triage"),
    Key("triage.read", "r", "read_now", "Read now", "mark it reading and go to it in the list", scope="triage"),
    Key("triage.skip", "x", "skip", "Skip", "not for me: out of the inbox, and no fetch brings it back",
        scope="triage"),
    Key("triage.later", "n,right", "later", "Later", "the next card, deciding nothing", scope="triage"),
    Key("triage.previous", "p,left", "previous", "Back", "the card before", footer=False, scope="triage"),
    Key("triage.undo", "u", "undo", "Undo", "undo the last decision: the paper is back in the inbox",
        scope="triage"),
    Key("triage.close", "escape", "close", "List", "back to the list; the papers not decided stay in the inbox",
        scope="triage"),
)

IDS = frozenset(key.id for key in KEYS)


def in_scope(scope: str) -> tuple[Key, ...]:
    return tuple(key for key in KEYS if key.scope == scope)
