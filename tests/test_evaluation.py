from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.cli import main
from rag.errors import DatasetError
from rag.evaluation import load_dataset
from rag.evaluation_ui import failed_rows
from rag.reports import recall_curve
from tests.conftest import ROOT

XQUAD = ROOT / "evals" / "datasets" / "xquad.de.json"


def test_xquad_ships_with_its_licence_and_loads_fully():
    assert (XQUAD.parent / "LICENSE-CC-BY-SA4.0.txt").is_file()
    data = load_dataset(XQUAD)
    assert len(data.questions) == 1190 and len(data.documents or []) == 240


def test_eval_on_a_ten_question_slice_writes_consistent_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "report"
    code = main(
        [
            "eval",
            "--dataset",
            str(XQUAD),
            "--limit",
            "10",
            "--embedder",
            "hash-64",
            "--retrievers",
            "bm25,hybrid",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["dataset"] == "xquad.de" and report["n_questions"] == 10
    assert [r["retriever"] for r in report["runs"]] == ["bm25", "hybrid"]
    rows = [json.loads(line) for line in (out / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 20
    for run in report["runs"]:
        assert set(run["retrieval"]) == {"recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"}
        assert set(run["answer"]) == {
            "answer_has_gold",
            "citation_precision",
            "false_refusal_rate",
            "unanswerable_decline_rate",
            "answer_ms_p50",
        }
        assert set(run["latency"]) == {"retrieve_ms_p50", "retrieve_ms_p95", "answer_ms_p50"}
        assert run["settings"]["embedder"] == "hash-64" and run["settings"]["k"] == 10
        assert run["settings"]["analyzer"] == "snowball-german"
        assert ("headline weight 0.3" in (run["settings"]["fusion"] or "")) == (run["retriever"] == "hybrid")
        mine = [r for r in rows if r["retriever"] == run["retriever"]]
        ranks = [r["gold_rank"] for r in mine]
        # the report's numbers follow from the per-question rows
        assert run["retrieval"]["recall@1"] == pytest.approx(sum(x == 1 for x in ranks) / 10, abs=1e-4)
        assert run["retrieval"]["recall@5"] == pytest.approx(
            sum(x is not None and x <= 5 for x in ranks) / 10, abs=1e-4
        )
        assert run["retrieval"]["mrr@10"] == pytest.approx(sum(1 / x for x in ranks if x) / 10, abs=1e-4)
        assert run["answer"]["false_refusal_rate"] == pytest.approx(sum(r["declined"] for r in mine) / 10, abs=1e-4)
        assert run["answer"]["unanswerable_decline_rate"] == pytest.approx(
            sum(r["declined_without_gold"] for r in mine) / 10, abs=1e-4
        )
        assert recall_curve(rows, run["retriever"])[0] == pytest.approx(run["retrieval"]["recall@1"], abs=1e-4)
        assert run["retrieval"]["recall@1"] <= run["retrieval"]["recall@5"] <= run["retrieval"]["recall@10"]
    assert (out / "recall_at_k.png").read_bytes()[:4] == b"\x89PNG"
    assert "| bm25 |" in (out / "report.md").read_text(encoding="utf-8")
    assert "| hybrid |" in capsys.readouterr().out
    assert all(r[0] in ("bm25", "hybrid") for r in failed_rows(rows))


def test_jsonl_questions_run_against_an_existing_index(pipe, tmp_path: Path):  # type: ignore[no-untyped-def]
    hamburg = next(h.article.id for h in pipe.retrieve("Hafen", 1, "bm25"))
    data = tmp_path / "own.jsonl"
    data.write_text(
        json.dumps(
            {"question": "Was meldet der Hafen?", "answers": ["Containerumschlag"], "gold_article_ids": [hamburg]}
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = main(
        [
            "eval",
            "--dataset",
            str(data),
            "--index-dir",
            str(pipe.store.dir),
            "--embedder",
            "hash-64",
            "--retrievers",
            "bm25",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    run = json.loads((out / "report.json").read_text(encoding="utf-8"))["runs"][0]
    assert run["retrieval"]["recall@1"] == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{nope", "not valid JSON"),
        (
            '{"data": [{"title": "T", "paragraphs": [{"context": "Text.", "qas": [{"id": "q7", "question": "Wer?", '
            '"answers": []}]}]}]}',
            "question q7 needs",
        ),
        ('{"version": 1}', "top-level 'data' list"),
    ],
)
def test_malformed_squad_names_the_problem(tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=message) as info:
        load_dataset(path)
    assert str(path) in str(info.value)


def test_malformed_jsonl_names_the_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "a", "gold_article_ids": ["x"]}\n{"question": "b"}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="line 2 needs"):
        load_dataset(path)


def test_evaluation_tab_runner_returns_table_plot_and_failures(tmp_path: Path):
    from rag.evaluation_ui import dataset_choices, run_from_ui
    from rag.settings import Settings

    choices = dataset_choices(ROOT / "evals" / "datasets")
    assert [Path(c).name for c in choices] == ["xquad.de.json", "xquad.en-de.json"]  # German first: the default
    seen: list[tuple[int, int]] = []
    table, plot, failures = run_from_ui(
        Settings(index_dir=tmp_path / "unused", embedder="hash-64"),
        str(XQUAD),
        None,
        ["bm25"],
        5,
        lambda fraction, desc: seen.append(fraction),
    )
    assert "| bm25 |" in table and Path(plot or "").is_file()
    assert seen[-1] == (5, 5)
    assert all(row[0] == "bm25" and len(row) == 5 for row in failures)


def test_the_evaluation_tab_keeps_only_its_latest_report_folder():
    from rag.evaluation_ui import _fresh_report_dir

    first = _fresh_report_dir()
    second = _fresh_report_dir()
    assert not first.exists() and second.is_dir()
