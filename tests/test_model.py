"""End to end with the real bundled models (marked ``model``: slower, still run in CI)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.embedding import make_embedder
from rag.pipeline import Pipeline
from rag.settings import Settings
from tests.conftest import SEEDS

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_pipe(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    pipe = Pipeline(Settings(index_dir=tmp_path_factory.mktemp("seed") / "index"))
    report = pipe.ingest([SEEDS])
    assert report.added == 2 and not report.skipped
    return pipe


def _seed_id(prefix: str) -> str:
    from rag.corpus import load_path

    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return next(iter(load_path(path))).id  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("question", "seed"),
    [
        ("Mit wem erwartete Trump ein Gespräch?", "000"),
        ("Wo trafen sich russische und US-amerikanische Diplomaten?", "004"),
    ],
)
def test_default_model_answers_from_the_right_seed_article(seed_pipe: Pipeline, question: str, seed: str):
    answer = seed_pipe.ask(question)
    assert not answer.declined
    assert {c.article_id for c in answer.citations} == {_seed_id(seed)}
    assert "[1]" in answer.text or "[2]" in answer.text


def test_default_model_declines_what_the_seeds_do_not_say(seed_pipe: Pipeline):
    answer = seed_pipe.ask("Wie hoch war die Inflation in Japan im Jahr 1990?")
    assert answer.declined and answer.citations == [] and answer.passages


def test_use_embedder_is_multilingual_and_normalised():
    use = make_embedder("use-multilingual")
    rows = use.embed(["Trump telefoniert mit Putin.", "Trump calls Putin on the phone.", "Das Wetter ist schön."])
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert rows[0] @ rows[1] > rows[0] @ rows[2]


def test_sentence_transformers_backend_loads_bundled_minilm_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    embedder = make_embedder("minilm")
    assert embedder.dim == 384
    pipe = Pipeline(Settings(index_dir=tmp_path / "index", embedder="minilm"), embedder=embedder)
    pipe.ingest([SEEDS])
    assert pipe.retrieve("Istanbul diplomats", 1, "dense")[0].article.id == _seed_id("004")
