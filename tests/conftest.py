"""Shared fixtures: a tiny German corpus, the fake embedder, and an index in ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.embedding import HashEmbedder
from rag.pipeline import Pipeline
from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

TINY = {
    "berlin.txt": " date 2021-03 Der Berliner Senat öffnet die Grundschulen ab dem 9. März wieder. "
    "Die Präsenzpflicht bleibt ausgesetzt, sagte Bildungssenatorin Scheeres.\n\n"
    "Kitas kehren in den Regelbetrieb zurück. Eltern sollen ihre Kinder testen lassen.",
    "hamburg.txt": " date 2020-04 Der Hamburger Hafen meldet weniger Containerumschlag. "
    "Wegen der Pandemie kamen im April deutlich weniger Schiffe aus China.\n\n"
    "Die Hafenwirtschaft rechnet mit Kurzarbeit für mehrere tausend Beschäftigte.",
    "bahn.md": "# Bahn streicht Fernzüge\n\nDie Deutsche Bahn streicht wegen geringer Nachfrage Fernzüge "
    "zwischen München und Berlin. Fahrgäste erhalten ihr Geld zurück.",
}


@pytest.fixture(autouse=True)
def _isolated_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the project's own index/ folder."""
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in TINY.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", embedder="hash-64", chunk_chars=160, chunk_overlap=1)


@pytest.fixture
def pipe(settings: Settings, corpus_dir: Path) -> Pipeline:
    pipeline = Pipeline(settings, embedder=HashEmbedder(64))
    report = pipeline.ingest([corpus_dir])
    assert report.added == 3 and not report.skipped
    return pipeline
