"""The app's ways out: copy or open a paper's links, and export what is shown."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from pathlib import Path

from textual import work

from reader.core import config, export, library
from reader.core.clipboard import copy_system
from reader.core.models import Paper
from reader.core.paperlinks import Target, arxiv_page, best, is_web, pdf
from reader.tui import messages
from reader.tui.base import AppBase
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.export import ExportChoice, ExportScreen
from reader.tui.widgets.detail import DetailPane

_CONSOLE_BROWSERS = {"www-browser", "lynx", "links", "elinks", "w3m"}


class Opening(AppBase):
    """Copy and open links; the export dialog."""

    settings: config.Settings
    export_dir: Path
    exporting: int

    # -- links ------------------------------------------------------------------------

    def _current_link(self, verb: str) -> str | None:
        """The current paper's repository (else its best link), or None after saying so."""
        entry = self._current_or_say()
        if entry is None:
            return None
        url = best(entry.paper)
        if url is None:
            self._say(f"This paper has no web link to {verb}.", severity="warning")
        return url

    def action_copy_link(self) -> None:
        url = self._current_link("copy")
        if url is not None:
            self._copy(url)

    @work(thread=True, group="clipboard", exit_on_error=False)
    def _copy(self, url: str) -> None:
        self.post_message(messages.Copied(url, *copy_system(url)))

    def on_copied(self, message: messages.Copied) -> None:
        url, copied, detail = message.url, message.copied, message.detail
        if copied:
            self._say(url, title="Copied to the system clipboard")
            return
        self.copy_to_clipboard(url)
        self._say(
            f"{url}\n(no system clipboard: {detail}; sent to the terminal with OSC 52)",
            title="Copied to the terminal clipboard",
        )

    def action_open_link(self) -> None:
        url = self._current_link("open")
        if url is not None:
            self._open(url)

    def action_open_arxiv(self) -> None:
        self._open_target(arxiv_page)

    def action_open_pdf(self) -> None:
        self._open_target(pdf)

    def _open_target(self, choose: Callable[[Paper], Target | None]) -> None:
        entry = self._current_or_say()
        if entry is None:
            return
        target: Target | None = choose(entry.paper)
        if target is None:
            self._say("This paper has no arXiv id, Hugging Face page or title to look for.", severity="warning")
            return
        self._open(target.url, target.what)

    def on_detail_pane_link_clicked(self, message: DetailPane.LinkClicked) -> None:
        self._open(message.url)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open(self, url: str, what: str = "") -> None:
        if not is_web(url):
            self.post_message(messages.Notice(f"Not a web link, not opened: {url}", "warning"))
            return
        try:
            browser = webbrowser.get()
            if isinstance(browser, webbrowser.GenericBrowser) and browser.name in _CONSOLE_BROWSERS:
                raise webbrowser.Error("only a text-mode browser")
            opened = browser.open(url)
        except webbrowser.Error as exc:
            self.post_message(messages.Notice(f"No browser to open it ({exc}). The link: {url}", "warning"))
            return
        said = f"Opening {url}" + (f" ({what})" if what else "")
        self.post_message(messages.Notice(said if opened else f"The browser did not open. The link: {url}"))

    def on_notice(self, message: messages.Notice) -> None:
        self._say(message.text, severity=message.severity)

    # -- export -------------------------------------------------------------------------

    def action_export(self) -> None:
        """Ask for the format and the file (prefilled); a file that exists is replaced only when confirmed."""
        chosen = self._targets() if self.paper_list.selected else list(self.paper_list.rows)
        what = f"{len(chosen)} selected paper{'s' if len(chosen) != 1 else ''}" if self.paper_list.selected else (
            f"the {len(chosen)} paper{'s' if len(chosen) != 1 else ''} shown"
        )
        ids = [entry.id for entry in chosen]
        fmt = self.settings.export.format

        def chosen_target(choice: ExportChoice | None) -> None:
            if choice is None:
                return
            if not choice.path.exists():
                self._start_export(ids, choice, replace=False)
                return

            def answered(yes: bool | None) -> None:
                if yes:
                    self._start_export(ids, choice, replace=True)
                else:
                    self._say("Nothing exported: the file was left as it is.")

            self.push_screen(ConfirmScreen(f"{choice.path} exists. Replace it with {what}?"), answered)

        self.push_screen(ExportScreen(what, len(ids), self.export_dir, fmt), chosen_target)

    def _start_export(self, ids: list[str], choice: ExportChoice, *, replace: bool) -> None:
        self.exporting += 1
        self._show_status()
        self._export(ids, choice, replace)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, ids: list[str], choice: ExportChoice, replace: bool) -> None:
        latest = {entry.id: entry for entry in self.session.store.entries()}  # another window may have written
        entries = [latest[pid] for pid in ids if pid in latest]
        template_path = self.settings.export.template_path()
        template = (
            export.PaperTemplate.from_file(template_path) if template_path and choice.format == "markdown" else None
        )
        written = library.write_export(entries, choice.format, choice.path, template=template, replace=replace)
        self.post_message(messages.Exported(len(entries), str(written.absolute())))

    def on_exported(self, message: messages.Exported) -> None:
        self._say(f"{message.count} papers written to {message.path}", title="Exported")
