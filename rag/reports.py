"""Evaluation outputs: the JSON report, a Markdown table, a recall@k plot and per-question rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COLUMNS = [
    ("retrieval", "recall@1"),
    ("retrieval", "recall@5"),
    ("retrieval", "recall@10"),
    ("retrieval", "mrr@10"),
    ("retrieval", "ndcg@10"),
    ("answer", "answer_has_gold"),
    ("answer", "citation_precision"),
    ("answer", "false_refusal_rate"),
    ("answer", "unanswerable_decline_rate"),
    ("latency", "retrieve_ms_p50"),
    ("latency", "retrieve_ms_p95"),
    ("answer", "answer_ms_p50"),
]


def markdown_table(report: dict[str, Any]) -> str:
    """One row per retriever, one column per metric."""
    head = f"Dataset `{report['dataset']}`, {report['n_questions']} questions\n\n"
    lines = ["| retriever | " + " | ".join(name for _, name in COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for run in report["runs"]:
        cells = [_fmt(run[group][name]) for group, name in COLUMNS]
        lines.append(f"| {run['retriever']} | " + " | ".join(cells) + " |")
    written = [run for run in report["runs"] if "llm" in run]
    if written:  # answers written by a language model: their checked citations and timings
        names = [k for k in written[0]["llm"] if k != "model"]
        lines += ["", "| retriever | model | " + " | ".join(names) + " |", "|---" * (len(names) + 2) + "|"]
        for run in written:
            cells = ["–" if run["llm"][k] is None else _fmt(run["llm"][k]) for k in names]
            lines.append(f"| {run['retriever']} | {run['llm']['model']} | " + " | ".join(cells) + " |")
    return head + "\n".join(lines)


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def recall_curve(rows: list[dict[str, Any]], retriever: str, max_k: int = 10) -> list[float]:
    """Document recall@k for k = 1..max_k from the per-question rows of one retriever."""
    ranks = [r["gold_rank"] for r in rows if r["retriever"] == retriever]
    return [sum(1 for x in ranks if x is not None and x <= k) / len(ranks) for k in range(1, max_k + 1)]


def plot_recall(report: dict[str, Any], rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
    ks = list(range(1, 11))
    for run in report["runs"]:
        ax.plot(ks, recall_curve(rows, run["retriever"]), marker="o", label=run["retriever"])
    ax.set(xlabel="k (documents)", ylabel="recall@k", title=f"{report['dataset']}: recall@k", xticks=ks)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_reports(report: dict[str, Any], rows: list[dict[str, Any]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "report.md").write_text(markdown_table(report) + "\n", encoding="utf-8")
    with (out / "questions.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    plot_recall(report, rows, out / "recall_at_k.png")
