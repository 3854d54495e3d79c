"""The Gradio chat: questions on the left, cited sources on the right, evaluation in its own tab.

Only glue lives here; what is shown is built by ``rag.citations`` and tested there.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.retrieval import DateRange
from rag.settings import RETRIEVERS, Settings

CSS = """
.rag-source { border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 12px; margin-bottom: 10px; }
.rag-source.cited { border-color: #0969da; }
.rag-source-meta { color: #57606a; font-size: 0.85em; margin: 2px 0 6px; }
.rag-passage { margin: 0; padding-left: 10px; border-left: 3px solid #d0d7de; white-space: pre-wrap; }
.rag-article { white-space: pre-wrap; max-height: 320px; overflow-y: auto; font-size: 0.9em; }
.rag-source mark { background: #fff3b0; padding: 0 1px; }
"""
EXAMPLES = ["Mit wem erwartete Trump ein Gespräch?", "Wo trafen sich russische und US-Diplomaten?"]


def default_seeds() -> Path:
    """``seeds/`` in the working folder, else the one beside the package in a source checkout."""
    here = Path("seeds")
    return here if here.is_dir() else Path(__file__).resolve().parent.parent / "seeds"


def ensure_index(pipe: Pipeline, seeds: Path | None) -> None:
    """Build the index from the seed corpus when there is none yet; check it otherwise."""
    if pipe.store.exists():
        pipe.check_index()
        return
    source = seeds or default_seeds()
    print(f"rag: no index in {pipe.store.dir}; building it from {source}", file=sys.stderr)
    report = pipe.ingest([source])
    for skipped in report.skipped:
        print(f"rag: {skipped}", file=sys.stderr)
    print(f"rag: {report.summary()}", file=sys.stderr)


def respond(
    pipe: Pipeline,
    message: str,
    chat: list[dict[str, Any]],
    asked: list[str],
    k: float,
    retriever: str,
    date_from: str,
    date_to: str,
) -> tuple[str, list[dict[str, Any]], list[str], str]:
    """One chat turn; errors become a message in the chat, never a traceback."""
    from rag.citations import answer_markdown, sources_html

    chat = [*chat, {"role": "user", "content": message}]
    try:
        answer = pipe.ask(
            message, history=asked, k=int(k), retriever=retriever, filters=DateRange.parse(date_from, date_to)
        )
    except RagError as err:
        chat.append({"role": "assistant", "content": f"⚠️ {err}"})
        return "", chat, asked, sources_html(None)
    chat.append({"role": "assistant", "content": answer_markdown(answer)})
    return "", chat, [*asked, message.strip()], sources_html(answer)


def build_app(pipe: Pipeline) -> Any:
    """The Blocks app; ``pipe`` must already have an index."""
    import gradio as gr

    from rag.citations import sources_html

    with gr.Blocks(title="Nachrichten-Assistent") as app:
        gr.Markdown("## Nachrichten-Assistent\nFragen zu den Artikeln; jede Antwort zitiert ihre Quellen.")
        with gr.Tab("Fragen"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="Gespräch", height=480, elem_id="chat")
                    with gr.Row():
                        box = gr.Textbox(
                            placeholder="Frage stellen, z. B. „Mit wem erwartete Trump ein Gespräch?“",
                            show_label=False,
                            scale=5,
                            elem_id="question",
                        )
                        send = gr.Button("Fragen", variant="primary", scale=1, elem_id="send")
                    clear = gr.Button("Neues Gespräch", size="sm")
                    gr.Examples(EXAMPLES, inputs=box)
                    with gr.Accordion("Einstellungen", open=False):
                        k = gr.Slider(1, 20, value=pipe.settings.k, step=1, label="Passagen (k)")
                        retriever = gr.Radio(list(RETRIEVERS), value=pipe.settings.retriever, label="Suche")
                        with gr.Row():
                            date_from = gr.Textbox(label="von (YYYY-MM oder YYYY-MM-DD)")
                            date_to = gr.Textbox(label="bis")
                with gr.Column(scale=2):
                    sources = gr.HTML(sources_html(None), elem_id="sources")
            asked = gr.State([])
            inputs = [box, chat, asked, k, retriever, date_from, date_to]
            outputs = [box, chat, asked, sources]

            def turn(*values: Any) -> tuple[str, list[dict[str, Any]], list[str], str]:
                return respond(pipe, *values)

            box.submit(turn, inputs, outputs)
            send.click(turn, inputs, outputs)
            clear.click(lambda: ([], [], sources_html(None)), None, [chat, asked, sources])
        with gr.Tab("Evaluation"):
            from rag.evaluation_ui import build_eval_tab

            build_eval_tab(pipe.settings)
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, seeds: Path | None = None) -> None:
    """Build the index if needed, warm the model up, and serve the UI on ``host:port``."""
    pipe = Pipeline(settings)
    ensure_index(pipe, seeds)
    pipe.ask("Aufwärmen")  # loads the index and the model now, not on the first user's question
    app = build_app(pipe)
    print(f"rag: serving on http://{host}:{port}", file=sys.stderr)
    app.launch(server_name=host, server_port=port, css=CSS, show_error=False)
