"""The Gradio chat: questions on the left, cited sources on the right, evaluation in its own tab.

Only glue lives here; what is shown is built by ``rag.citations`` and tested there.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rag.answer.conversation import Conversation
from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.retrieval import DateRange
from rag.settings import RETRIEVERS, Settings

CSS = """
#sources { max-height: 78vh; overflow-y: auto; padding-right: 4px; }
.rag-source { display: block; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 12px; margin-bottom: 10px; }
.rag-source.cited { border-color: #0969da; }
.rag-source > summary { cursor: pointer; }
.rag-passage-start { font-weight: normal; color: #57606a; font-size: 0.9em; margin-top: 2px; }
.rag-source.rag-flash { box-shadow: 0 0 0 3px #fbbf24; transition: box-shadow 0.3s; }
.rag-source-meta { color: #57606a; font-size: 0.85em; margin: 2px 0 6px; }
.rag-copies { color: #57606a; font-size: 0.85em; margin: -4px 0 6px; }
.rag-passage { margin: 0; padding-left: 10px; border-left: 3px solid #d0d7de; white-space: pre-wrap; }
.rag-article { white-space: pre-wrap; max-height: 320px; overflow-y: auto; font-size: 0.9em; }
.rag-source mark { background: #fff3b0; padding: 0 1px; }
a.rag-ref { cursor: pointer; text-decoration: underline; }
"""
# The chat shows answers as plain text (article text is never rendered as markup); this script turns
# each "[n]" in the chat into a link that opens, scrolls to and briefly highlights source card n.
# The chat shows answers as plain text (article text is never rendered as markup); this script turns
# each "[n]" of the k-th answer into a link that shows answer k's sources and opens, scrolls to and
# briefly highlights its card n. Answers are counted as the server counts turns: every bot message
# except error messages, which start with "⚠️".
HEAD = r"""
<script>
(() => {
  const REF = /\[(\d{1,2})\]/g;
  function linkify(message, turn) {
    const walker = document.createTreeWalker(message, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (REF.test(node.nodeValue) && !node.parentElement.closest("a.rag-ref")) nodes.push(node);
      REF.lastIndex = 0;
    }
    for (const node of nodes) {
      const frag = document.createDocumentFragment();
      let last = 0;
      node.nodeValue.replace(REF, (m, n, at) => {
        frag.append(node.nodeValue.slice(last, at));
        const a = document.createElement("a");
        a.className = "rag-ref"; a.dataset.source = n; a.dataset.turn = turn;
        a.href = "#source-" + turn + "-" + n; a.textContent = m;
        frag.append(a);
        last = at + m.length;
      });
      frag.append(node.nodeValue.slice(last));
      node.replaceWith(frag);
    }
  }
  document.addEventListener("click", (event) => {
    const ref = event.target.closest && event.target.closest("a.rag-ref");
    if (!ref) return;
    event.preventDefault();
    event.stopPropagation();
    document.querySelectorAll("#sources .rag-turn").forEach((section) => {
      section.hidden = section.dataset.turn !== ref.dataset.turn;
    });
    const card = document.getElementById("source-" + ref.dataset.turn + "-" + ref.dataset.source);
    if (!card) return;
    if (card.tagName === "DETAILS") card.open = true;
    card.scrollIntoView({ behavior: "smooth", block: "start" });
    card.classList.add("rag-flash");
    setTimeout(() => card.classList.remove("rag-flash"), 1600);
  }, true);
  // a source card's whole article is fetched when its fold is first opened (Gradio's REST API: a POST
  // names the call, its event stream brings the server's HTML, which escapes all article text)
  async function loadArticle(box) {
    box.dataset.loaded = "1";
    try {
      const base = new URL("gradio_api/call/article", window.location.href);
      const call = await fetch(base, { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ data: [box.dataset.article, box.dataset.spans] }) });
      const { event_id } = await call.json();
      const stream = await (await fetch(base + "/" + event_id)).text();
      const done = stream.match(/event: complete\ndata: (.*)/);
      box.innerHTML = done ? JSON.parse(done[1])[0] : "Der Artikel konnte nicht geladen werden.";
    } catch (err) {
      box.textContent = "Der Artikel konnte nicht geladen werden.";
      box.dataset.loaded = "";
    }
  }
  document.addEventListener("toggle", (event) => {
    const fold = event.target;
    if (!(fold instanceof HTMLDetailsElement) || !fold.open || !fold.classList.contains("rag-article-toggle")) return;
    const box = fold.querySelector(".rag-article");
    if (box && !box.dataset.loaded) loadArticle(box);
  }, true);
  new MutationObserver(() => {
    const chat = document.getElementById("chat");
    if (!chat) return;
    let turn = 0;
    chat.querySelectorAll(".message.bot").forEach((message) => {
      if (message.innerText.trim().startsWith("⚠️")) return;
      linkify(message, turn);
      turn += 1;
    });
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
})();
</script>
"""
FALLBACK_EXAMPLES = ["Mit wem erwartete Trump ein Gespräch?", "Wo trafen sich russische und US-Diplomaten?"]


def default_seeds() -> Path:
    """``seeds/`` in the working folder, else the one beside the package in a source checkout."""
    here = Path("seeds")
    return here if here.is_dir() else Path(__file__).resolve().parent.parent / "seeds"


def ensure_index(pipe: Pipeline, seeds: Path | None) -> None:
    """Build the index from the seed corpus when there is none yet; check it otherwise."""
    if pipe.has_index():
        pipe.check_index()
        return
    source = seeds or default_seeds()
    print(f"rag: no index in {pipe.where}; building it from {source}", file=sys.stderr)
    report = pipe.ingest([source])
    for skipped in report.skipped:
        print(f"rag: {skipped}", file=sys.stderr)
    print(f"rag: {report.summary()}", file=sys.stderr)


ERROR_MARK = "⚠️"  # starts every error message in the chat
FORGOTTEN = "Hinweis: Das Gespräch davor ist auf dem Server nicht mehr gespeichert; diese Frage wurde für sich gelesen."


def german_message(err: Exception) -> str:
    """What the German UI says for an error: the error's German text, or a German frame around it."""
    german = getattr(err, "german", None)
    if german:
        return f"{ERROR_MARK} {german}"
    if isinstance(err, RagError):
        return f"{ERROR_MARK} Fehler: {err}"
    return (
        f"{ERROR_MARK} Interner Fehler; die Frage konnte nicht beantwortet werden. Details stehen im Server-Protokoll."
    )


QUOTES_ONLY = "Nur Zitate (ohne Sprachmodell)"


def respond(
    pipe: Pipeline,
    message: str,
    chat: list[dict[str, Any]],
    conversation: Conversation,
    k: float,
    retriever: str,
    date_from: str,
    date_to: str,
    writer: str = "",
) -> Iterator[tuple[str, list[dict[str, Any]], Conversation, str]]:
    """One chat turn, shown as it grows (with a language model: the quoted answer at once, then the
    model's text as it streams, then the checked answer); a blank question changes nothing, errors
    become a German message, never a traceback."""
    from rag.citations import answer_chat_text, conversation_sources_html, sources_html

    if not (message or "").strip():
        yield "", chat, conversation, gr_skip()
        return
    forgotten = not conversation.turns and any(
        m.get("role") == "assistant" and not str(m.get("content", "")).startswith(ERROR_MARK) for m in chat
    )  # the page shows answers the server no longer keeps (a restart, or more than RAG_SERVE_SESSIONS readers since)
    chat = [*chat, {"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
    try:
        filters = DateRange.parse(date_from, date_to)
        quotes_only = writer == QUOTES_ONLY
        stream = pipe.ask_stream(message, conversation, int(k), retriever, filters, quotes_only=quotes_only)
        for answer in stream:
            shown = answer_chat_text(answer)
            chat[-1] = {"role": "assistant", "content": f"{FORGOTTEN}\n\n{shown}" if forgotten else shown}
            if answer.partial:
                yield "", chat, conversation, sources_html(answer, len(conversation.turns))
    except Exception as err:  # every failure becomes a message in the chat
        if not isinstance(err, RagError):
            print(f"rag: error answering {message!r}: {err!r}", file=sys.stderr)
        chat[-1] = {"role": "assistant", "content": german_message(err)}
    yield "", chat, conversation, conversation_sources_html([t.answer for t in conversation.turns])


def gr_skip() -> Any:
    """Leave an output as it is."""
    import gradio as gr

    return gr.skip()


def example_questions(pipe: Pipeline, limit: int = 3) -> list[str]:
    """Questions the loaded index can answer, from its newest articles: who said something, a summary."""
    from rag.answer.examples import questions_for

    found = questions_for(pipe.recent_articles(20), limit) if pipe.has_index() else []
    return found or FALLBACK_EXAMPLES


def build_app(pipe: Pipeline) -> Any:
    """The Blocks app; ``pipe`` must already have an index."""
    import gradio as gr

    from rag.citations import sources_html

    with gr.Blocks(title="Nachrichten-Assistent") as app:
        gr.Markdown("## Nachrichten-Assistent\nFragen zu den Artikeln; jede Antwort zitiert ihre Quellen.")
        with gr.Tab("Fragen"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(
                        label="Gespräch",
                        height=480,
                        elem_id="chat",
                        render_markdown=False,
                        latex_delimiters=[],
                        buttons=["copy"],
                    )
                    with gr.Row():
                        box = gr.Textbox(
                            placeholder="Frage stellen, z. B. „Mit wem erwartete Trump ein Gespräch?“",
                            show_label=False,
                            scale=5,
                            elem_id="question",
                        )
                        send = gr.Button("Fragen", variant="primary", scale=1, elem_id="send")
                    clear = gr.Button("Neues Gespräch", size="sm")
                    gr.Examples(example_questions(pipe), inputs=box, label="Beispiele aus den Artikeln")
                    with gr.Accordion("Einstellungen", open=False):
                        k = gr.Slider(1, 20, value=pipe.settings.k, step=1, label="Passagen (k)")
                        retriever = gr.Radio(list(RETRIEVERS), value=pipe.settings.retriever, label="Suche")
                        with gr.Row():
                            date_from = gr.Textbox(label="von (JJJJ-MM oder JJJJ-MM-TT)")
                            date_to = gr.Textbox(label="bis")
                        # the model the server was started with, or none: a page never names a server of its own
                        writers = [QUOTES_ONLY] + ([pipe.settings.llm] if pipe.settings.llm != "none" else [])
                        writer = gr.Radio(writers, value=writers[-1], label="Antworten schreibt",
                                          visible=len(writers) > 1)  # fmt: skip
                with gr.Column(scale=2):
                    sources = gr.HTML(sources_html(None), elem_id="sources")
            conversation = gr.State(Conversation())
            inputs = [box, chat, conversation, k, retriever, date_from, date_to, writer]
            outputs = [box, chat, conversation, sources]

            def turn(*values: Any) -> Iterator[tuple[str, list[dict[str, Any]], Conversation, str]]:
                yield from respond(pipe, *values)

            box.submit(turn, inputs, outputs)
            send.click(turn, inputs, outputs)

            def article(article_id: str, spans: str) -> str:
                """The whole article of an opened source card (the page's script asks for it)."""
                from rag.citations import article_card_html

                found = pipe.articles([str(article_id)[:64]]) if article_id else {}
                return article_card_html(found.get(str(article_id)[:64]), str(spans or ""))

            gr.api(article, api_name="article")
            clear.click(lambda: ([], Conversation(), sources_html(None)), None, [chat, conversation, sources])
        with gr.Tab("Evaluation"):
            from rag.evaluation_ui import build_eval_tab

            build_eval_tab(pipe.settings)
    _quiet_bad_calls(app)
    return app


def _quiet_bad_calls(app: Any) -> None:
    """A malformed API call (too few values for the chat turn) gets an error reply and one log line, not
    a traceback in the server's log: Gradio prints tracebacks for every exception but its own ``gr.Error``."""
    import gradio as gr

    check = app.validate_inputs

    def validate(block_fn: Any, inputs: list[Any]) -> None:
        try:
            check(block_fn, inputs)
        except ValueError as err:
            first = str(err).splitlines()[0]
            print(f"rag: refused a malformed API call: {first}", file=sys.stderr)
            raise gr.Error(first, print_exception=False) from None

    app.validate_inputs = validate


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, seeds: Path | None = None) -> None:
    """Build the index if needed, warm the model up, and serve the UI on ``host:port``."""
    pipe = Pipeline(settings)
    ensure_index(pipe, seeds)
    pipe.ask("Aufwärmen")  # loads the index and the model now, not on the first user's question
    app = build_app(pipe)
    print(f"rag: serving on http://{host}:{port}", file=sys.stderr)
    app.queue(default_concurrency_limit=settings.serve_workers)  # Gradio's default is one request at a time
    app.launch(
        server_name=host,
        server_port=port,
        css=CSS,
        head=HEAD,
        show_error=False,
        state_session_capacity=settings.serve_sessions,  # Gradio keeps 10,000 by default: ~1.8 GB of answers
    )
