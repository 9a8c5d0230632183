"""``reader fetch`` against a local HTTP server serving saved API answers, never the internet.

The server answers with our own made-up files, and with the real saved answers in ../shared when present.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from reader import cli
from reader.core import config, fetch
from reader.core.importers import detect, read_file
from tests.feedserver import serving
from tests.realfiles import IMPORTERS, OUR_PAGE, REAL_PAGE, Page, if_present, real


@dataclass(frozen=True)
class Answers:
    """What the fake APIs answer: a daily-papers JSON, an arXiv Atom feed, and a saved papers page."""

    hf_json: Path
    atom: Path
    page: Page


ANSWERS = [
    pytest.param(Answers(IMPORTERS / "hf_daily_old.json", IMPORTERS / "arxiv_atom_new.xml", OUR_PAGE), id="ours"),
    *if_present(
        pytest.param(
            Answers(
                real("hf-daily-papers-api_2024-05-29.json"), real("arxiv-api-atom_2026_q_testing_s0_m10.xml"), REAL_PAGE
            ),
            id="real",
        ),
        real("hf-daily-papers-api_2024-05-29.json"),
        real("arxiv-api-atom_2026_q_testing_s0_m10.xml"),
        REAL_PAGE.path,
    ),
]


class Server:
    """Routes by query: each date (or arXiv query) names what the fake API answers."""

    def __init__(self, answers: Answers) -> None:
        self.closing = threading.Event()  # set when the test ends: a "slow" answer stops waiting
        self.hits: Counter[str] = Counter()
        self.queries: list[dict[str, list[str]]] = []
        self.bodies = {
            "2024-05-29": answers.hf_json.read_bytes(),
            "2024-06-01": answers.page.path.read_bytes(),  # the plain page through the same pipe: importable today
            "2099-01-01": b"[]",
            "all:testing": answers.atom.read_bytes(),
        }

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query)
        self.queries.append(query)
        key = (query.get("date") or query.get("search_query") or [""])[0]
        self.hits[key] += 1
        if key == "flaky" and self.hits[key] <= 2:
            return self.send(handler, 503, b"busy")
        if key == "flaky":
            key = "2024-06-01"
        if key == "slow":  # answers only once the test is over, long after the client gave up
            self.closing.wait(10.0)
            return self.send(handler, 200, b"[]")
        if key == "loop":  # a redirect to itself, for ever
            handler.send_response(302)
            handler.send_header("Location", handler.path)
            handler.send_header("Content-Length", "0")
            return handler.end_headers()
        if key == "garbled":  # says gzip, is not
            handler.send_response(200)
            handler.send_header("Content-Encoding", "gzip")
            handler.send_header("Content-Length", "12")
            handler.end_headers()
            return handler.wfile.write(b"not gzip at all"[:12])
        if key == "drip":  # a byte at a time, each well within the read timeout, never the whole answer
            return self.drip(handler)
        if parts.path not in ("/api/daily_papers", "/api/query") or key not in self.bodies:
            return self.send(handler, 404, b"not found")
        return self.send(handler, 200, self.bodies[key])

    def drip(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        try:
            handler.end_headers()
            while not self.closing.wait(0.05):
                handler.wfile.write(b" ")
                handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    @staticmethod
    def send(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(body)))
        try:
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to report


@pytest.fixture(params=ANSWERS)
def answers(request: pytest.FixtureRequest) -> Answers:
    chosen: Answers = request.param
    return chosen


@pytest.fixture
def server(answers: Answers) -> Iterator[tuple[Server, str]]:
    state = Server(answers)
    with serving(state.answer, closing=state.closing) as url:
        yield state, url


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: tuple[Server, str]) -> Path:
    """Settings pointing at the local server, no waiting between tries; returns the store path."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "READER_DB"):
        monkeypatch.delenv(name, raising=False)
    settings = tmp_path / "config.toml"
    settings.write_text(f'[fetch]\nretry_delay = 0\ntimeout = 0.3\ndir = "{tmp_path / "fetched"}"\n')
    monkeypatch.setenv("READER_CONFIG", str(settings))
    monkeypatch.setenv(fetch.HF_ENV, server[1])
    monkeypatch.setenv(fetch.ARXIV_ENV, server[1])
    return tmp_path / "library.json"


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["fetch", *args, "--db", str(db)])
    out = capsys.readouterr()
    return code, out.out, out.err


def store_bytes(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(db.parent.glob(db.stem + "*.json"))}


def test_download_gets_the_exact_bytes_and_keeps_a_copy(
    env: Path, server: tuple[Server, str], answers: Answers
) -> None:
    state = server[0]
    settings = config.load().fetch
    seen: list[tuple[int, int | None]] = []
    request = fetch.daily_papers(fetch.parse_date("2024-05-29"), fetch.base_url(settings, "huggingface"))
    payload = fetch.download(request, settings, progress=lambda done, total: seen.append((done, total)))
    expected = answers.hf_json.read_bytes()
    assert payload == expected
    assert seen[-1] == (len(expected), len(expected))
    assert state.queries == [{"date": ["2024-05-29"]}]
    kept = fetch.keep_copy(payload, request, settings)
    assert kept == env.parent / "fetched" / "hf-daily-papers_2024-05-29.json"
    assert kept.read_bytes() == expected


def test_fetch_imports_like_import_and_prints_the_summary(
    env: Path, answers: Answers, capsys: pytest.CaptureFixture[str]
) -> None:
    count = answers.page.count
    code, out, err = run(capsys, env, "--date", "2024-06-01")
    assert (code, err) == (0, ""), err
    kept = env.parent / "fetched" / "hf-daily-papers_2024-06-01.json"
    assert out.splitlines() == [f"{kept} (hf-page): {count} papers", f"{count} new, 0 updated, 0 unchanged"]
    assert cli.main(["list", "--json", "--db", str(env)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == count
    assert {tuple(r["sources"]) for r in listed} == {(str(kept),)}
    code, out, _ = run(capsys, env, "--date", "2024-06-01")
    assert (code, out.splitlines()[-1]) == (0, f"0 new, 0 updated, {count} unchanged")


@pytest.mark.parametrize(
    ("args", "file"), [(("--date", "2024-05-29"), "hf_json"), (("--arxiv", "all:testing"), "atom")]
)
def test_api_answers_import(
    env: Path, answers: Answers, capsys: pytest.CaptureFixture[str], args: tuple[str, str], file: str
) -> None:
    served: Path = getattr(answers, file)
    assert detect(served.read_text(encoding="utf-8")) == {"hf_json": "hf-api", "atom": "arxiv-atom"}[file]
    code, out, err = run(capsys, env, *args)
    assert (code, err) == (0, ""), err
    count = int(out.splitlines()[0].rsplit(": ", 1)[1].split()[0])
    assert count == len(read_file(served).papers) > 0
    assert out.splitlines()[-1] == f"{count} new, 0 updated, 0 unchanged"


def test_arxiv_request_carries_the_query(
    env: Path, server: tuple[Server, str], capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, env, "--arxiv", "all:testing", "--max", "10")
    assert server[0].queries == [{"search_query": ["all:testing"], "start": ["0"], "max_results": ["10"]}]
    assert (env.parent / "fetched" / "arxiv_all-testing_0-10.xml").is_file()


def test_offline_is_one_line_after_three_tries_and_the_store_is_untouched(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, env, "--date", "2024-06-01")[0] == 0
    before = store_bytes(env)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(fetch.HF_ENV, f"http://127.0.0.1:{port}")
    code, out, err = run(capsys, env, "--date", "2024-05-29")
    assert (code, out) == (1, "")
    assert err.startswith(f"error: could not reach 127.0.0.1:{port}: ")
    assert err.endswith(" (after 3 tries)\n")
    assert err.count("\n") == 1
    assert store_bytes(env) == before


def test_busy_server_is_retried(env: Path, server: tuple[Server, str], answers: Answers) -> None:
    settings = config.load().fetch
    request = fetch.Request(url=f"{server[1]}/api/daily_papers", params={"date": "flaky"})
    notes: list[tuple[int, str]] = []
    payload = fetch.download(request, settings, on_retry=lambda attempt, why, pause: notes.append((attempt, why)))
    assert payload == answers.page.path.read_bytes()
    assert server[0].hits["flaky"] == 3
    assert notes == [(1, "HTTP 503 Service Unavailable"), (2, "HTTP 503 Service Unavailable")]


def test_busy_server_gives_up_after_the_tries(env: Path, server: tuple[Server, str]) -> None:
    settings = config.load().fetch
    request = fetch.Request(url=f"{server[1]}/api/daily_papers", params={"date": "flaky"})
    two = config.FetchSettings(tries=2, retry_delay=0, timeout=settings.timeout, dir=settings.dir)
    with pytest.raises(fetch.FetchError) as caught:
        fetch.download(request, two)
    host = server[1].removeprefix("http://")
    assert str(caught.value) == f"could not reach {host}: HTTP 503 Service Unavailable (after 2 tries)"


def test_not_found_is_not_retried(env: Path, server: tuple[Server, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, env, "--arxiv", "no:such")
    host = server[1].removeprefix("http://")
    assert code == 1
    assert err.startswith(f"error: {host} answered HTTP 404 Not Found for {server[1]}/api/query?search_query=no")
    assert server[0].hits["no:such"] == 1
    assert not env.exists()


def test_a_silent_server_times_out(env: Path, server: tuple[Server, str]) -> None:
    settings = config.FetchSettings(tries=2, retry_delay=0, timeout=0.2)
    request = fetch.Request(url=f"{server[1]}/api/daily_papers", params={"date": "slow"})
    with pytest.raises(fetch.FetchError) as caught:
        fetch.download(request, settings)
    assert str(caught.value).endswith(": no answer within 0.2 s (after 2 tries)")
    assert server[0].hits["slow"] == 2


def test_a_day_without_papers_says_so(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, env, "--date", "2099-01-01")
    kept = env.parent / "fetched" / "hf-daily-papers_2099-01-01.json"
    assert (code, out, err) == (1, "", f"error: {kept}: no papers listed for 2099-01-01\n")
    assert not env.exists()


def test_a_bad_date_is_refused(env: Path, server: tuple[Server, str], capsys: pytest.CaptureFixture[str]) -> None:
    expected = "error: not a date: '2024-13-01' (expected YYYY-MM-DD)\n"
    assert run(capsys, env, "--date", "2024-13-01") == (1, "", expected)
    assert server[0].queries == []


def test_a_redirect_loop_and_a_garbled_answer_are_one_line(
    env: Path, server: tuple[Server, str], capsys: pytest.CaptureFixture[str]
) -> None:
    host = server[1].removeprefix("http://")
    code, out, err = run(capsys, env, "--arxiv", "loop")
    assert (code, out) == (1, "")
    assert err == (
        f"error: {host} redirected too many times (a loop?) for {server[1]}/api/query?search_query=loop"
        "&start=0&max_results=50\n"
    )
    assert server[0].hits["loop"] > 5  # followed a while, then given up: not retried from the start
    code, out, err = run(capsys, env, "--arxiv", "garbled")
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {host} sent an answer that cannot be decoded: ") and err.count("\n") == 1
    assert server[0].hits["garbled"] == 1
    assert not env.exists()


def test_a_slow_drip_stops_at_the_deadline(env: Path, server: tuple[Server, str]) -> None:
    settings = config.FetchSettings(tries=3, retry_delay=0, timeout=0.5, deadline=1.0)
    request = fetch.Request(url=f"{server[1]}/api/daily_papers", params={"date": "drip"})
    started = time.monotonic()
    with pytest.raises(fetch.FetchError) as caught:
        fetch.download(request, settings)
    took = time.monotonic() - started
    host = server[1].removeprefix("http://")
    assert str(caught.value).startswith(f"{host} sent ") and str(caught.value).endswith(
        " bytes but not the whole answer within 1 s"
    )
    assert 1.0 <= took < 1.0 + settings.timeout + 0.5  # one read past the deadline at most, never 3 x the drip
    assert server[0].hits["drip"] == 1


def test_arxiv_and_hugging_face_are_fetched_over_https(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (fetch.HF_ENV, fetch.ARXIV_ENV):
        monkeypatch.delenv(name, raising=False)
    defaults = config.FetchSettings()
    assert fetch.base_url(defaults, "arxiv") == "https://export.arxiv.org"
    assert fetch.base_url(defaults, "huggingface") == "https://huggingface.co"
    old = config.FetchSettings(arxiv_url="http://export.arxiv.org/", huggingface_url="HTTP://huggingface.co")
    assert fetch.base_url(old, "arxiv") == "https://export.arxiv.org"
    assert fetch.base_url(old, "huggingface") == "https://huggingface.co"
    assert fetch.arxiv_query("all:x", fetch.base_url(old, "arxiv")).full_url().startswith("https://export.arxiv.org/")
    mirror = config.FetchSettings(arxiv_url="http://127.0.0.1:8000")  # a local mirror stays as given
    assert fetch.base_url(mirror, "arxiv") == "http://127.0.0.1:8000"
