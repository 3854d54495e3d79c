"""The scripts of evals/ that check a built index (stop words, headline weight, load time), on a small index."""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rag.embedding import HashEmbedder
from rag.lexical import GermanAnalyzer
from rag.pipeline import Pipeline
from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str = "stopwords_check"):
    """A study script of ``evals/studies/`` as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "evals" / "studies" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("drop", [True, False])
def test_lexical_copy_scores_like_a_fresh_build(pipe: Pipeline, settings: Settings, corpus_dir: Path, drop: bool):
    check = _load()
    copy = settings.index_dir.with_name("copy")
    check.lexical_copy(settings.index_dir, copy, GermanAnalyzer(drop_stop_words=drop))
    fresh = Pipeline(
        replace(settings, index_dir=settings.index_dir.with_name("fresh"), drop_stop_words=drop),
        embedder=HashEmbedder(64),
    )
    fresh.ingest([corpus_dir])
    copied = Pipeline(replace(settings, index_dir=copy), embedder=HashEmbedder(64))
    for query in ["Der Hafen und die Pandemie", "Fernzüge zwischen München und Berlin"]:
        a, b = copied.index, fresh.index
        assert a.analyzer.name == b.analyzer.name == GermanAnalyzer(drop).name
        np.testing.assert_allclose(a.lexical_scores(query, 0.5), b.lexical_scores(query, 0.5), rtol=1e-6)
        assert [h.chunk.text for h in copied.retrieve(query, 3)] == [h.chunk.text for h in fresh.retrieve(query, 3)]
    segment = next((copy / "segments").glob("*.faiss"))
    assert os.path.samefile(segment, settings.index_dir / "segments" / segment.name)  # vectors not copied


def test_held_out_headlines_skip_the_bench_queries(pipe: Pipeline, settings: Settings, tmp_path: Path):
    check = _load()
    rows = pipe.store.articles(pipe.index.table.article_ids)
    excluded = next(iter(rows))
    queries = tmp_path / "queries.json"
    queries.write_text(json.dumps([{"query": "x", "article_id": excluded}]), encoding="utf-8")
    chosen = check.held_out(settings.index_dir, queries, 10, seed=1)
    assert chosen and excluded not in {a for a, _ in chosen}
    assert all(len(title.split()) >= 3 for _, title in chosen)


def test_load_time_reports_cold_and_warm_medians(
    pipe: Pipeline, settings: Settings, capsys: pytest.CaptureFixture[str]
):
    load_time = _load("load_time")
    assert load_time.main(["--index", str(settings.index_dir), "--repeat", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["warm", "cold"]
    assert all("2 loads" in line for line in lines)
    with pytest.raises(SystemExit):
        load_time.main(["--index", str(settings.index_dir.parent)])


def test_headline_check_prints_both_samples_for_each_weight(
    pipe: Pipeline, settings: Settings, capsys: pytest.CaptureFixture[str]
):
    check = _load("headline_check")
    choosing, confirming = check.samples(settings.index_dir, None, 1, seed=7, test_seed=11)
    assert len(choosing) == len(confirming) == 1 and choosing != confirming
    args = ["--index", str(settings.index_dir), "--n", "1", "--weights", "0,0.3"]
    assert check.main(args, embedder=HashEmbedder(64)) == 0
    rows = [line.split(" | ") for line in capsys.readouterr().out.splitlines()[2:]]
    assert [r[0] for r in rows] == ["0.0", "0.3"]
    for row in rows:  # recall@10 and MRR@10 of each sample: the headline's own article is found
        assert [float(x) for part in row[1:] for x in part.split()] == [1.0, 1.0, 1.0, 1.0]


def test_verify_check_accepts_own_paragraphs_and_rejects_siblings(capsys, tmp_path):
    import json
    import sys

    sys.path.insert(0, str(ROOT / "evals"))
    import verify_check

    assert verify_check.main(["--dataset", str(ROOT / "evals/datasets/xquad.de.json"), "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "verify.json").read_text())
    share = report["accepted_share"]
    assert share["supported"] >= 0.99 and share["reworded"] >= 0.95
    assert share["other paragraph"] <= 0.05 and share["wrong answer"] <= 0.3
    assert report["balanced_accuracy"] >= 0.90  # the target for the check
    assert 0 < report["precision"] <= 1 and 0 < report["recall"] <= 1
    assert "balanced_accuracy" in capsys.readouterr().out


def test_the_load_test_only_measures_a_server_on_this_machine(tmp_path):
    import sys

    import pytest

    sys.path.insert(0, str(ROOT / "evals"))
    import load_test

    with pytest.raises(SystemExit):
        load_test.main(["--url", "http://example.org:7860", "--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        load_test.main(["--url", "http://127.0.0.1:7860", "--requests", "0", "--out", str(tmp_path)])
