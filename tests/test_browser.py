"""The UI in headless Chromium: ask, see a cited answer, and no script from an article runs."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.model]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
EVIL = (
    " date 2024-05 Angriff auf die Anzeige <script>alert(1)</script> und <img src=x onerror=alert(2)>. "
    "Der Ministerpräsident eröffnete in Kiel den neuen Hafenterminal für Fähren."
)


SERVER_LOG: dict[str, Path] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rag serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer in {seconds} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    corpus = tmp_path_factory.mktemp("corpus")
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, corpus / seed.name)
    (corpus / "evil.txt").write_text(EVIL, encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "RAG_INDEX_DIR": str(tmp_path_factory.mktemp("idx") / "index")}
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "serve", "--port", str(port), "--seeds", str(corpus)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            _wait(f"http://127.0.0.1:{port}/", proc)
            SERVER_LOG[f"http://127.0.0.1:{port}/"] = log
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def _ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()


def test_question_gets_a_cited_answer_and_article_scripts_stay_text(server: str):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(server)
        _ask(page, "Mit wem erwartete Trump ein Gespräch?")
        page.wait_for_selector("#sources .rag-source.cited", timeout=60_000)
        chat = page.locator("#chat").inner_text()
        assert "Putin" in chat and "[1]" in chat
        assert page.locator("#sources .rag-source.cited mark").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "answer.png"), full_page=True)

        # [n] in the chat is a link: it opens, scrolls to and highlights source card n
        page.locator("#chat a.rag-ref").first.click()
        page.wait_for_selector("#sources .rag-flash", timeout=5_000)
        flashed = page.locator("#sources .rag-flash").first.get_attribute("id")
        assert flashed == "source-0-" + page.locator("#chat a.rag-ref").first.inner_text().strip("[]")

        # a blank question adds no bubble; a bad date filter is answered in German
        bubbles = page.locator("#chat .message").count()
        _ask(page, "   ")
        page.wait_for_timeout(800)
        assert page.locator("#chat .message").count() == bubbles
        page.get_by_text("Einstellungen").click()
        page.get_by_label("von (JJJJ-MM oder JJJJ-MM-TT)").fill("gestern")
        _ask(page, "Wann telefonierten Trump und Putin?")
        page.wait_for_function("document.querySelector('#chat').innerText.includes('Datumsfilter')", timeout=30_000)
        page.get_by_label("von (JJJJ-MM oder JJJJ-MM-TT)").fill("")

        _ask(page, "Was eröffnete der Ministerpräsident in Kiel?")
        page.wait_for_function("document.querySelector('#chat').innerText.includes('Kiel')", timeout=60_000)
        page.wait_for_selector("#sources .rag-turn:not([hidden]) .rag-source.cited", timeout=60_000)
        page.wait_for_timeout(500)
        sources = page.locator("#sources").inner_text()
        assert "<script>alert(1)</script>" in sources  # shown as characters
        assert page.locator("#sources script, #sources img, #chat img[src='x']").count() == 0
        # the whole article is fetched when its fold is opened, and its markup stays text there too
        fold = page.locator("#sources .rag-turn:not([hidden]) .rag-source.cited details.rag-article-toggle").first
        fold.locator("summary").click()
        page.wait_for_function(
            "[...document.querySelectorAll('#sources .rag-turn:not([hidden]) .rag-article')]"
            ".some((e) => e.innerText.includes('Hafenterminal'))",
            timeout=15_000,
        )
        assert "<img src=x onerror=alert(2)>" in fold.inner_text()
        assert page.locator("#sources script, #sources img").count() == 0
        page.screenshot(path=str(ARTIFACTS / "injection.png"), full_page=True)

        # the first answer's [n], clicked after a later question, shows the first answer's sources
        page.locator("#chat a.rag-ref").first.click()
        page.wait_for_selector("#sources .rag-flash", timeout=5_000)
        assert page.locator("#sources .rag-flash").first.get_attribute("id").startswith("source-0-")
        assert page.locator("#sources .rag-turn[data-turn='0']").is_visible()
        assert not page.locator("#sources .rag-turn[data-turn='1']").is_visible()
        browser.close()
    assert dialogs == []


def test_the_load_test_client_gets_answers_and_a_malformed_call_gets_an_error_not_a_traceback(server: str, tmp_path):
    import json

    from evals.load_test import main as load_test

    args = ["--url", server.rstrip("/"), "--concurrency", "1,2", "--requests", "4", "--out", str(tmp_path)]
    assert load_test(args) == 0
    levels = json.loads((tmp_path / "load.json").read_text())["levels"]
    assert [(level["ok"], level["errors"]) for level in levels] == [(4, 0), (4, 0)]
    request = urllib.request.Request(
        f"{server}gradio_api/call/turn",
        data=json.dumps({"data": ["Wer?", []]}).encode(),  # too few values for a chat turn
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        event = json.loads(reply.read())["event_id"]
    with urllib.request.urlopen(f"{server}gradio_api/call/turn/{event}", timeout=10) as stream:
        events = [line.decode().strip() for line in stream if line.startswith(b"event:")]
    assert events == ["event: error"]
    log = SERVER_LOG[server].read_text()
    assert "rag: refused a malformed API call: An event handler (turn) didn't receive enough input" in log
    assert "Traceback" not in log
