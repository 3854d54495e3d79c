"""The UI's Evaluation tab: pick or upload a dataset, run it with a progress bar, read the results."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rag.errors import RagError
from rag.settings import RETRIEVERS, Settings

DATASET_DIR = Path("evals/datasets")


def dataset_choices(folder: Path = DATASET_DIR) -> list[str]:
    """Dataset files shipped in ``evals/datasets`` (SQuAD JSON or JSON Lines)."""
    if not folder.is_dir():
        return []
    return sorted(str(p) for p in folder.iterdir() if p.suffix in (".json", ".jsonl"))


def failed_rows(rows: list[dict[str, Any]], limit: int = 200) -> list[list[str]]:
    """Questions whose gold document was not retrieved within k, with what was retrieved instead."""
    out = []
    for row in rows:
        if row["hit"]:
            continue
        retrieved = "; ".join(f"{r['rank']}. {r['title']}" for r in row["retrieved"][:5])
        rank = row["gold_rank"] if row["gold_rank"] is not None else "–"
        out.append([row["retriever"], row["question"], " | ".join(row["gold_answers"][:2]), str(rank), retrieved])
    return out[:limit]


def run_from_ui(
    settings: Settings,
    choice: str | None,
    upload: str | None,
    retrievers: list[str],
    limit: float | None,
    progress: Any = None,
) -> tuple[str, str | None, list[list[str]]]:
    """Run an evaluation for the tab; returns the Markdown table, the plot's path and the failures."""
    from rag.evaluation import load_dataset, run_eval
    from rag.reports import markdown_table, write_reports

    path = Path(upload) if upload else Path(choice) if choice else None
    if path is None:
        raise RagError("pick a dataset or upload one")
    if not retrievers:
        raise RagError("pick at least one retriever")
    dataset = load_dataset(path, int(limit) if limit else None)

    def tick(done: int, total: int, retriever: str) -> None:
        if progress is not None:
            progress((done, total), desc=f"{retriever}: question {done} of {total}")

    report, rows = run_eval(dataset, settings, retrievers, 10, tick)
    out = _fresh_report_dir()
    write_reports(report, rows, out)
    return markdown_table(report), str(out / "recall_at_k.png"), failed_rows(rows)


_REPORT_DIRS: list[Path] = []


def _remove_report_dirs() -> None:
    while _REPORT_DIRS:
        shutil.rmtree(_REPORT_DIRS.pop(), ignore_errors=True)


atexit.register(_remove_report_dirs)


def _fresh_report_dir() -> Path:
    """A temporary folder for one run's report; the previous run's is removed, and the last at exit."""
    _remove_report_dirs()
    out = Path(tempfile.mkdtemp(prefix="rag-eval-ui-"))
    _REPORT_DIRS.append(out)
    return out


def build_eval_tab(settings: Settings) -> None:
    import gradio as gr

    gr.Markdown("Misst Suche und Antworten auf einem Datensatz mit Fragen und Goldantworten.")
    with gr.Row():
        choices = dataset_choices()
        choice = gr.Dropdown(choices, value=choices[0] if choices else None, label="Datensatz (evals/datasets)")
        upload = gr.File(label="oder eigenen hochladen (.json SQuAD, .jsonl)", file_types=[".json", ".jsonl"])
    with gr.Row():
        retrievers = gr.CheckboxGroup(list(RETRIEVERS), value=list(RETRIEVERS), label="Retriever")
        limit = gr.Number(value=100, precision=0, label="nur die ersten N Fragen (leer: alle)")
    run = gr.Button("Evaluation starten", variant="primary")
    table = gr.Markdown()
    plot = gr.Image(label="recall@k", type="filepath")
    failures = gr.Dataframe(
        headers=["Retriever", "Frage", "Goldantwort", "Rang des Golddokuments", "Gefunden (Top 5)"],
        label="Verfehlte Fragen",
        wrap=True,
    )

    def go(
        choice_v: str | None,
        upload_v: str | None,
        retrievers_v: list[str],
        limit_v: float | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects its tracker through this default
    ) -> tuple[str, str | None, list[list[str]]]:
        try:
            return run_from_ui(settings, choice_v, upload_v, retrievers_v, limit_v, progress)
        except RagError as err:
            return f"⚠️ {err}", None, []

    run.click(go, [choice, upload, retrievers, limit], [table, plot, failures])
