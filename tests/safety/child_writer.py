"""A separate process that changes a store and says which changes were saved.

Run by the safety tests, never imported by them. It prints one line per
change, after ``Store`` returned (the change is acknowledged), and flushes,
so the parent knows exactly which changes it may expect after a SIGKILL.

    child_writer.py DB notes START STOP   # change i sets paper (i % N)'s note to "change i";
                                          # every 40th change also imports a new paper
    child_writer.py DB marks START STOP   # marks papers START..STOP-1 (in id order) read
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.core import library
from reader.core.importers import ParsedFile
from reader.core.models import ParsedPaper
from reader.core.store import Store

IMPORT_EVERY = 40


def imported_title(number: int) -> str:
    return f"Crash-loop import number {number}"


def main() -> int:
    db, mode, start, stop = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    store = Store(db)
    ids = sorted(entry.id for entry in store.entries() if not entry.paper.title.startswith("Crash-loop"))
    print("ready", flush=True)
    for number in range(start, stop):
        if mode == "notes":
            store.set_state([ids[number % len(ids)]], note=f"change {number}")
            if number % IMPORT_EVERY == 0:
                paper = ParsedPaper(title=imported_title(number), abstract="Made up for the crash loop.")
                library.import_parsed(store, [ParsedFile(db, "test", [paper])])
        else:
            store.set_state([ids[number]], status="read")
        print(number, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
