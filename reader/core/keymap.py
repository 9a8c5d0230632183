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
    footer: int = 0  # the footer's order (1 first); 0: help screen and palette only
    palette: str | None = None  # the command palette's name for it, if it is listed there
    # "app": anywhere; "list": while the paper list has the focus; "panes": the list or the detail
    # pane; "search": in the search box; "triage": on the triage screen (its footer shows those)
    scope: str = "app"
    priority: bool = False  # before any widget sees the key (the palette opens from the search box too)


# The footer always shows help and the palette, whatever its width; the others in this order, while they fit.
ALWAYS_IN_FOOTER = ("help", "palette")

KEYS: tuple[Key, ...] = (
    Key("search", "slash", "focus_search", "Search", "search: fuzzy words and filters; ↓ ↑ move, enter to the list",
        footer=1, palette="Search"),
    Key("back", "escape", "back_to_list", "List",
        "back to the list; again: clear the selection, then the search", footer=9),
    Key("read", "r", "toggle_read", "Read", "mark the paper (or the selection) read or unread", footer=2,
        palette="Toggle read"),
    Key("read_next", "m", "read_and_next", "Read+next", "mark the paper read and go to the next one", footer=8,
        palette="Mark read and go to the next"),
    Key("next_unread", "J", "next_unread", "Next unread", "go to the next unread paper", palette="Next unread"),
    Key("previous_unread", "K", "previous_unread", "Previous unread", "go to the previous unread paper",
        palette="Previous unread"),
    Key("star", "s", "toggle_star", "Star", "star or unstar", footer=3, palette="Toggle star"),
    Key("reading", "w", "mark_reading", "Reading", "set the status to reading", palette="Mark reading"),
    Key("note", "n", "edit_note", "Note", "write a note for the paper", footer=4, palette="Edit note"),
    Key("tags", "t", "edit_tags", "Tags", "set the paper's tags (add or remove on a selection)", footer=5,
        palette="Edit tags"),
    Key("copy", "c", "copy_link", "Copy", "copy the code repository (else a project page, else the first link)",
        footer=6, palette="Copy link"),
    Key("open", "o", "open_link", "Open", "open the code repository (else the first link) in a browser",
        footer=7, palette="Open link"),
    Key("arxiv", "a", "open_arxiv", "arXiv", "open the arXiv page (the Hugging Face page without an arXiv id)",
        footer=10, palette="Open the arXiv page"),
    Key("pdf", "p", "open_pdf", "PDF", "open the PDF (the Hugging Face page without an arXiv id)", footer=11,
        palette="Open the PDF"),
    Key("detail", "tab", "app.toggle_detail", "Detail", "to the detail pane and back (scroll it with ↓ ↑ pgdn pgup)",
        footer=12, scope="panes"),
    Key("filter", "f", "cycle_filter", "Filter", "cycle the filter: all, unread, starred", footer=13),
    Key("sort", "O", "cycle_sort", "Sort",
        "cycle the order: added (best match while searching), listed, title, upvotes, stars, status",
        footer=14, palette="Cycle sort"),
    Key("export", "e", "export", "Export", "export what is shown (or selected): choose the format and the file",
        footer=15, palette="Export"),
    Key("select", "space", "select", "Select", "select the paper for a bulk action"),
    Key("undo", "u", "undo", "Undo", "undo the last action (a field changed since elsewhere is left as it is)",
        footer=16, palette="Undo"),
    Key("delete", "d", "delete", "Delete", "delete the paper (asks first)", palette="Delete paper"),
    Key("related", "R", "related", "Related", "the ten papers most like this one, with their scores",
        palette="Related papers"),
    Key("stats", "S", "stats", "Stats", "added and read per week, counts, streak", palette="Statistics"),
    Key("inbox", "i", "inbox", "Inbox", "triage the new papers, best first, one card at a time (the status line "
        "says how many)", palette="Triage the inbox"),
    Key("sync", "y", "sync", "Sync", "sync with your other machines (set up once with 'reader sync init')",
        palette="Sync now"),
    Key("help", "question_mark", "help", "Help", "every key (escape, q or ? closes it)", footer=1, palette="Help"),
    Key("palette", "ctrl+p", "command_palette", "Palette", "command palette: every action, filter, theme and paper",
        footer=2, priority=True),
    Key("quit", "q", "quit", "Quit", "quit (everything is on disk already)", footer=17),
    Key("quit_anywhere", "ctrl+q", "quit", "Quit", "quit from anywhere, a dialog too (an open note is saved first)",
        priority=True),
    Key("list.down", "down,j", "cursor_down", "Down", "next paper", scope="list"),
    Key("list.up", "up,k", "cursor_up", "Up", "previous paper", scope="list"),
    Key("list.page_down", "pagedown", "page_down", "Page down", "a screenful down", scope="list"),
    Key("list.page_up", "pageup", "page_up", "Page up", "a screenful up", scope="list"),
    Key("list.first", "home", "first", "First", "the first paper", scope="list"),
    Key("list.last", "end", "last", "Last", "the last paper", scope="list"),
    Key("search.down", "down", "results_down", "Next hit", "the next paper, while typing a search", scope="search"),
    Key("search.up", "up", "results_up", "Previous hit", "the previous paper, while typing a search",
        scope="search"),
    Key("triage.keep", "k", "keep", "Keep", "keep it to read (status to-read); the next card", footer=1,
        scope="triage"),
    Key("triage.star", "s", "star", "Star", "star it; the next card", footer=2, scope="triage"),
    Key("triage.read", "r", "read_now", "Read now", "mark it reading and go to it in the list", footer=3,
        scope="triage"),
    Key("triage.skip", "x", "skip", "Skip", "not for me: out of the inbox, and no fetch brings it back", footer=4,
        scope="triage"),
    Key("triage.later", "n,right", "later", "Later", "the next card, deciding nothing", footer=5, scope="triage"),
    Key("triage.previous", "p,left", "previous", "Back", "the card before", footer=6, scope="triage"),
    Key("triage.undo", "u", "undo", "Undo", "undo the last decision: the paper is back in the inbox", footer=7,
        scope="triage"),
    Key("triage.close", "escape", "close", "List", "back to the list; the papers not decided stay in the inbox",
        footer=8, scope="triage"),
)

IDS = frozenset(key.id for key in KEYS)


def in_scope(scope: str) -> tuple[Key, ...]:
    return tuple(key for key in KEYS if key.scope == scope)


def footer_keys(scope: str | None = None) -> tuple[Key, ...]:
    """The keys the footer may show: the ones always shown first, then the others in their order.

    The main screen's footer shows every scope but the triage screen's; that screen's shows its own.
    """
    always = tuple(key for name in ALWAYS_IN_FOOTER for key in KEYS if key.id == name)
    mine = [key for key in KEYS if key.footer and key.id not in ALWAYS_IN_FOOTER
            and ((key.scope == scope) if scope else key.scope != "triage")]
    return always + tuple(sorted(mine, key=lambda k: k.footer))
