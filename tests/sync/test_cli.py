"""``reader sync`` as a user types it: the two commands of the README, status, and mistakes as one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.safety.conftest import clean_env

FIXTURE = Path(__file__).parent.parent / "fixtures" / "hf_page.txt"


def reader(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", "--db", str(db), *args],
                          capture_output=True, text=True, env=clean_env(), timeout=120)


def test_the_two_commands_of_the_readme_set_up_two_machines(tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop" / "library.json", tmp_path / "desktop" / "library.json"
    laptop.parent.mkdir()
    desktop.parent.mkdir()
    remote = tmp_path / "drive" / "papers.git"  # a folder not there yet: made empty
    (tmp_path / "drive").mkdir()
    assert reader(laptop, "import", str(FIXTURE)).returncode == 0
    done = reader(laptop, "sync", "init", str(remote))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"synced with {remote}: sent 60 new papers")
    done = reader(desktop, "sync", "init", str(remote))
    assert done.returncode == 0 and "received 60 new papers" in done.stdout, done.stderr
    paper = reader(desktop, "list").stdout.split()[1]
    assert reader(desktop, "note", paper, "read on the desktop").returncode == 0
    assert "sent 1 reading state" in reader(desktop, "sync").stdout
    status = reader(laptop, "sync", "status")
    assert status.returncode == 0 and "to receive:  1 reading state" in status.stdout, status.stdout
    assert "received 1 reading state" in reader(laptop, "sync").stdout
    assert "read on the desktop" in reader(laptop, "show", paper).stdout
    offline = reader(laptop, "sync", "status", "--offline")
    assert "to send:     nothing" in offline.stdout and "to receive:  nothing" in offline.stdout


def test_mistakes_are_one_line(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    assert reader(db, "import", str(FIXTURE)).returncode == 0
    not_set_up = reader(db, "sync")
    assert not_set_up.returncode == 1 and not_set_up.stderr.count("\n") == 1
    assert "run 'reader sync init REMOTE'" in not_set_up.stderr
    for args in (["sync", "status", "somewhere"], ["sync", "elsewhere"], ["sync", "--offline"]):
        wrong = reader(db, *args)
        assert wrong.returncode == 2 and wrong.stderr.startswith("error: ") and wrong.stderr.count("\n") == 1, args
    nowhere = reader(db, "sync", "init", str(tmp_path / "no" / "such" / "folder.git"))
    assert nowhere.returncode == 1 and nowhere.stderr.count("\n") == 1 and "Traceback" not in nowhere.stderr
    assert not (tmp_path / "library.json.sync").exists()  # nothing left half set up
