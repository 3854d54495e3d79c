"""The benchmark script end to end on a small synthetic corpus with the fake embedder (no model, no network)."""

from __future__ import annotations

import gzip
import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

from rag.stores.files import Store

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "Hafen",
    "Schule",
    "Bahn",
    "Senat",
    "Klinik",
    "Impfung",
    "Regierung",
    "Stadt",
    "Markt",
    "Polizei",
    "Gericht",
    "Wetter",
    "Ernte",
    "Theater",
    "Museum",
    "Brücke",
    "Flughafen",
    "Kanzlerin",
    "Minister",
    "Verband",
    "Gewerkschaft",
    "Landtag",
    "Fahrrad",
    "Strom",
    "Wasser",
]
ISSUE_KEYS = {
    "articles",
    "chunks",
    "ingest_s",
    "encode_s",
    "ingest_over_encode",
    "incremental_100_s",
    "alone_100_s",
    "load_s",
    "index_mb",
    "rss_mb",
    "retrieve_ms_p50",
    "retrieve_ms_p95",
    "answer_ms_p50",
    "known_item_recall@10",
    "known_item_mrr@10",
    "baseline",
}
BASELINE_KEYS = ISSUE_KEYS - {"articles", "baseline"}


def _load_bench():
    sys.path.insert(0, str(ROOT / "evals"))
    spec = importlib.util.spec_from_file_location("bench", ROOT / "evals" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _corpus(path: Path, n: int) -> None:
    """``n`` articles; each headline carries a word found in no other article ("Nummer3f")."""
    rng = random.Random(7)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for i in range(n):
            sentences = [" ".join(rng.choices(WORDS, k=9)) + "." for _ in range(rng.randint(3, 12))]
            record = {
                "header": f"Bericht Nummer{i:x} über {rng.choice(WORDS)}",
                "article": " ".join(sentences),
                "date": f"2020-0{1 + i % 9}-1{i % 10}T10:00:00+02:00",
                "source": "test",
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def test_bench_writes_the_issue_schema_for_both_pipelines(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bench = _load_bench()
    data = tmp_path / "news.jsonl.gz"
    _corpus(data, 140)
    out, work = tmp_path / "out", tmp_path / "work"
    argv = ["--articles", "30", "--queries", "8", "--embedder", "hash-64", "--data", str(data)]
    assert bench.main([*argv, "--out", str(out), "--work", str(work)]) == 0

    report = json.loads((out / "bench.json").read_text())
    assert report["embedder"] == "hash-64" and "cores" in report["machine"]
    (size,) = report["sizes"]
    assert size.keys() >= ISSUE_KEYS and size["baseline"].keys() >= BASELINE_KEYS
    assert size["articles"] == 30
    # the chunk counts are what the indexes hold: the 30 articles, then the 100 held back added to them
    alone = Store(work / "ours-alone-30").counts()
    assert alone[0] == 100 and Store(work / "ours-30").counts() == (130, size["chunks"] + alone[1])
    # the ratio is the two timings it is made of
    assert size["ingest_over_encode"] == pytest.approx(size["ingest_s"] / size["encode_s"])
    assert size["ours_over_baseline"]["retrieve_ms_p50"] == pytest.approx(
        size["retrieve_ms_p50"] / size["baseline"]["retrieve_ms_p50"]
    )
    # each headline holds a word of its own, so BM25 ranks its article first and both fusions keep it
    # in the top 10; the fake embedder's dense side may push it below first place, so MRR is only bounded
    for values in (size, size["baseline"]):
        assert values["known_item_recall@10"] == 1.0 and 0.1 <= values["known_item_mrr@10"] <= 1.0
        assert values["retrieve_ms_p50"] <= values["retrieve_ms_p95"]
        assert values["incremental_100_s"] > 0 and values["alone_100_s"] > 0
    md = (out / "bench.md").read_text()
    assert "| 30 | ours |" in md and "| 30 | LangChain |" in md and "ours / LangChain" in md
    assert (out / "bench_latency.png").stat().st_size > 0 and (out / "bench_ingest.png").stat().st_size > 0

    # the held-out check asks other headlines of the same indexes; each holds a word of its own too
    spec = importlib.util.spec_from_file_location("heldout", ROOT / "evals" / "studies" / "heldout_known_item.py")
    heldout = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(heldout)
    assert heldout.main(["--work", str(work), "--articles", "30", "--n", "20", "--embedder", "hash-64"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "20 held-out headlines at 30 articles" in lines
    assert "ours: known-item recall@10 1.000" in "\n".join(
        lines
    ) and "LangChain: known-item recall@10 1.000" in "\n".join(lines)


def test_bench_skips_cleanly_without_the_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bench = _load_bench()
    missing = tmp_path / "nowhere.jsonl.gz"
    assert bench.main(["--data", str(missing), "--out", str(tmp_path / "out")]) == 0
    assert f"bench skipped: {missing} is not there" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_bench_refuses_a_size_larger_than_the_corpus(tmp_path: Path):
    bench = _load_bench()
    data = tmp_path / "news.jsonl.gz"
    _corpus(data, 120)
    with pytest.raises(SystemExit, match="between 1 and 20"):
        bench.main(["--articles", "500", "--data", str(data), "--work", str(tmp_path / "w"), "--embedder", "hash-64"])


def test_bench_runs_the_own_pipeline_on_milvus_lite_beside_the_own_files(tmp_path: Path):
    pytest.importorskip("milvus_lite", reason="the [scale] extra installs Milvus Lite")
    from rag.pipeline import Pipeline
    from rag.settings import Settings

    bench = _load_bench()
    data = tmp_path / "news.jsonl.gz"
    _corpus(data, 130)
    out, work, lite = tmp_path / "out", tmp_path / "work", tmp_path / "lite" / "bench.db"
    argv = ["--articles", "20", "--queries", "6", "--embedder", "hash-64", "--data", str(data), "--no-baseline"]
    assert bench.main([*argv, "--store", f"milvus:{lite}", "--out", str(out), "--work", str(work)]) == 0

    report = json.loads((out / "bench.json").read_text())
    (size,) = report["sizes"]
    assert report["store"] == f"milvus:{lite}" and "baseline" not in size
    store = size["store"]
    assert store.keys() >= BASELINE_KEYS
    # one Lite file per index, beside the one named: the 20 articles plus the 100 added, and the 100 alone
    for name, articles in (("bench-20.db", 120), ("bench-alone-20.db", 100)):
        settings = Settings(index_dir=tmp_path / "unused", embedder="hash-64", store=f"milvus:{lite.parent / name}")
        pipe = Pipeline(settings)
        assert pipe.milvus is not None and pipe.milvus.counts()[0] == articles
        pipe.milvus.close()
    # the same articles and chunking in either store; each headline holds a word of its own, found in both
    assert store["chunks"] == size["chunks"] and store["index_mb"] > 0
    assert store["known_item_recall@10"] == size["known_item_recall@10"] == 1.0
    assert size["store_over_ours"]["retrieve_ms_p50"] == pytest.approx(
        store["retrieve_ms_p50"] / size["retrieve_ms_p50"]
    )
    md = (out / "bench.md").read_text()
    assert "| 20 | ours on Milvus Lite |" in md and "| 20 | Milvus Lite / own files |" in md


def test_bench_refuses_a_store_that_is_not_milvus(tmp_path: Path):
    bench = _load_bench()
    data = tmp_path / "news.jsonl.gz"
    _corpus(data, 120)
    argv = ["--articles", "10", "--data", str(data), "--work", str(tmp_path / "w"), "--embedder", "hash-64"]
    with pytest.raises(SystemExit, match=r"--store takes milvus:PATH\.db"):
        bench.main([*argv, "--store", "postgres://db"])
