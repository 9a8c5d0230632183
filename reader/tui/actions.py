"""The app's actions on papers: read, star, triage, note, tags, undo, delete."""

from __future__ import annotations

import itertools

from reader.core.errors import ReaderError
from reader.core.models import Entry
from reader.core.tags import apply_tag_changes
from reader.core.text import strip_control
from reader.tui.base import AppBase
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.note import NoteScreen
from reader.tui.screens.tags import TagEdit, TagsScreen


class PaperActions(AppBase):
    """Keys that change what the user did with papers; each change is on disk before it shows."""

    _gone_from_cursor: tuple[str | None, str | None]

    def action_toggle_read(self) -> None:
        targets = self._targets()
        make_read = not all(e.state.read for e in targets)
        status = "read" if make_read else "to-read"
        self._apply("read" if make_read else "unread", targets, lambda s: s.with_changes(status=status))

    def action_read_and_next(self) -> None:
        """Triage: the paper (or the selection) read, then the cursor on the next paper."""
        if self._apply("read", self._targets(), lambda s: s.with_changes(status="read")):
            self.paper_list.action_cursor_down()

    def action_next_unread(self) -> None:
        self._to_unread(1)

    def action_previous_unread(self) -> None:
        self._to_unread(-1)

    def _to_unread(self, step: int) -> None:
        papers = self.paper_list
        positions = range(papers.cursor + 1, len(papers.rows)) if step > 0 else range(papers.cursor - 1, -1, -1)
        found = next((i for i in positions if not papers.rows[i].state.read), None)
        if found is None:
            self._say(f"No unread paper {'below' if step > 0 else 'above'} this one.")
            return
        papers.cursor = found

    def action_mark_reading(self) -> None:
        self._apply("reading", self._targets(), lambda s: s.with_changes(status="reading"))

    def action_toggle_star(self) -> None:
        targets = self._targets()
        star = not all(e.state.starred for e in targets)
        self._apply("star" if star else "unstar", targets, lambda s: s.with_changes(starred=star))

    def action_select(self) -> None:
        self.paper_list.toggle_selected()
        self.paper_list.action_cursor_down()
        self._show_status()

    def action_edit_note(self) -> None:
        entry = self._current_or_say()
        if entry is None:
            return

        def save(text: str) -> None:
            self._took(self.session.change("note", [entry.id], lambda state: state.with_changes(note=text)))

        self.push_screen(NoteScreen(entry.paper.title, self.entries[entry.id].state.note, save))

    def save_open_notes(self) -> list[str]:
        """Save every note editor still open (before quitting); the errors of those the store refused."""
        errors = []
        for screen in self.screen_stack:
            if isinstance(screen, NoteScreen):
                error = screen.save_now()
                if error is not None:
                    errors.append(error)
        return errors

    def known_tags(self) -> list[str]:
        """Every tag in use, the most used first: what the tag line completes from."""
        counts: dict[str, int] = {}
        for entry in self.entries.values():
            for tag in entry.state.tags:
                counts[tag] = counts.get(tag, 0) + 1
        return sorted(counts, key=lambda tag: (-counts[tag], tag.casefold()))

    def action_edit_tags(self) -> None:
        targets = self._targets()
        if not targets:
            self._say("No paper here.", severity="warning")
            return
        bulk = len(targets) > 1
        title = strip_control(targets[0].paper.title) if not bulk else f"{len(targets)} selected papers"

        def done(edit: TagEdit | None) -> None:
            if edit is None:
                return
            if not edit.bulk:
                self._apply("tags", targets, lambda s: s.with_changes(tags=edit.tags))
            elif edit.add or edit.remove:
                self._apply(
                    "tags", targets, lambda s: s.with_changes(tags=apply_tag_changes(s.tags, edit.add, edit.remove))
                )

        shown = () if bulk else targets[0].state.tags
        self.push_screen(TagsScreen(title, shown, self.known_tags(), bulk=bulk), done)

    def action_undo(self) -> None:
        try:
            undone = self.session.undo()
        except ReaderError as exc:
            self._say(str(exc), title="Undo failed", severity="error")
            return
        if undone is None:
            self._say("Nothing to undo.")
            return
        action = undone.action
        restored = [item.id for item in action.removed]  # back at the end of the store, and so of the list
        self._took(self.entries[pid] for pid in dict.fromkeys([*restored, *action.changes]) if pid in self.entries)
        if restored:
            self._refresh_rows()
        if undone.left:
            self._say(f"Undid: {action.description}, except {undone.describe_left()}", severity="warning")
        else:
            self._say(f"Undid: {action.description}")

    def action_delete(self) -> None:
        targets = self._targets()
        if not targets:
            self._say("No paper here.", severity="warning")
            return
        what = strip_control(targets[0].paper.title) if len(targets) == 1 else f"{len(targets)} papers"

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            current = self.paper_list.current
            ids = [e.id for e in targets]
            if current is not None and current.id in ids:
                self._gone_from_cursor = (current.id, self._next_row_not_in(set(ids)))
            try:
                removed = self.session.delete(ids, f"delete {what}")
            except ReaderError as exc:
                self._gone_from_cursor = (None, None)
                self._say(str(exc), title="Not deleted", severity="error")
                return
            self.paper_list.selected.clear()
            self._refresh_rows()
            self._say(f"Deleted {what} ({len(removed)}). Press u to undo.")

        self.push_screen(ConfirmScreen(f"Delete {what} and its note and tags?"), answered)

    def _next_row_not_in(self, gone: set[str]) -> str | None:
        """The id of the first row from the cursor on (else before it) that is not in ``gone``."""
        rows, cursor = self.paper_list.rows, self.paper_list.cursor
        after = (row.id for row in itertools.islice(rows, cursor, None) if row.id not in gone)
        before = (row.id for row in reversed(rows[:cursor]) if row.id not in gone)
        return next(after, None) or next(before, None)


__all__ = ["Entry", "PaperActions"]
