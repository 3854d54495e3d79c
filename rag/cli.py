"""The ``rag`` command: ingest, ask, serve, eval. Thin: parse, call the pipeline, format."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from rag.embedding import EMBEDDER_HELP
from rag.errors import RagError

EXIT_OK, EXIT_ERROR, EXIT_SKIPPED = 0, 1, 3


def _llm_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--llm",
        metavar="SPEC",
        help="who writes answers: none (default: quotes only), openai:MODEL@BASE_URL, ollama:MODEL[@URL], "
        "local[:PATH.gguf] (or $RAG_LLM)",
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index-dir", type=Path, help="index folder (default: index/, or $RAG_INDEX_DIR)")
    parser.add_argument("--embedder", help=EMBEDDER_HELP)
    parser.add_argument(
        "--store",
        metavar="URI",
        help="where the index lives: the files in --index-dir (default), milvus:PATH.db (Milvus Lite) or "
        "milvus:http://HOST:19530 (a Milvus server; token from $MILVUS_TOKEN) (or $RAG_STORE)",
    )


def _question_options(parser: argparse.ArgumentParser, json_help: str) -> None:
    parser.add_argument("--k", type=int, help="number of passages to read (default 5)")
    parser.add_argument("--retriever", choices=["hybrid", "dense", "bm25"], help="default hybrid")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="only articles from this date on")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="only articles up to this date")
    parser.add_argument(
        "--reference-date",
        metavar="YYYY-MM-DD",
        help="what 'gestern', 'letzte Woche' in a question count from (default: the newest article's date)",
    )
    parser.add_argument("--json", action="store_true", help=json_help)
    _llm_option(parser)
    _common(parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", description="Answer questions about German news articles, citing the passages."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = sub.add_parser("ingest", help="add articles from files or folders to the index")
    ingest.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help=".txt, .md, .jsonl or .jsonl.gz, or a folder"
    )
    ingest.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="PART=KEY",
        help="JSON Lines key for text, title, date, source or url, e.g. --field text=article (repeatable)",
    )
    ingest.add_argument(
        "--no-wait", action="store_true", help="fail at once if another ingest is writing the index (default: wait)"
    )
    ingest.add_argument("--chunk-chars", type=int, help="maximum chunk length in characters (default 800)")
    ingest.add_argument("--chunk-overlap", type=int, help="sentences repeated between chunks (default 1)")
    ingest.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="embed on Ray: alone, a Ray started on this machine; with HEAD:6379, that cluster (or $RAG_RAY)",
    )
    _common(ingest)

    ask = sub.add_parser("ask", help="answer one question from the index")
    ask.add_argument("question")
    _question_options(ask, "print answer, citations, passages and timings as JSON")

    chat = sub.add_parser(
        "chat", help="a conversation: follow-ups such as 'Und wann?' are read with the questions before"
    )
    _question_options(chat, "read one question per line from standard input, write one JSON object per line")

    serve = sub.add_parser("serve", help="open the chat UI (builds the index from seeds/ if there is none)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--seeds", type=Path, help="corpus to build a missing index from (default: seeds/)")
    _llm_option(serve)
    _common(serve)

    check = sub.add_parser("check", help="verify the index: docstore integrity and every segment file's checksum")
    _common(check)
    repair = sub.add_parser("repair", help="rebuild damaged or missing segment files from the stored articles")
    _common(repair)

    from rag.evaluation import add_eval_arguments

    add_eval_arguments(sub.add_parser("eval", help="measure retrieval and answer quality on a QA dataset"))
    return parser


def _settings(args: argparse.Namespace) -> Any:
    from rag.settings import Settings

    return Settings.from_env(
        index_dir=args.index_dir,
        store=getattr(args, "store", None),
        embedder=args.embedder,
        chunk_chars=getattr(args, "chunk_chars", None),
        chunk_overlap=getattr(args, "chunk_overlap", None),
        k=getattr(args, "k", None),
        retriever=getattr(args, "retriever", None),
        reference_date=getattr(args, "reference_date", None),
        llm=getattr(args, "llm", None),
        ray=getattr(args, "ray", None),
    )


def run_ingest(args: argparse.Namespace) -> int:
    from rag.corpus import FieldMap
    from rag.pipeline import Pipeline

    try:
        fields = FieldMap.parse(args.field)
    except ValueError as err:
        raise RagError(str(err)) from None
    explicit = args.chunk_chars is not None or args.chunk_overlap is not None
    pipe = Pipeline(_settings(args), explicit_chunking=explicit)
    with ProgressBar("ingesting", "article") as bar:
        report = pipe.ingest(args.paths, fields, progress=bar.update, wait=not args.no_wait)
    for skipped in report.skipped:
        print(f"rag: {skipped}", file=sys.stderr)
    print(f"{report.summary()} -> {pipe.where}")
    return EXIT_SKIPPED if report.skipped else EXIT_OK


def run_ask(args: argparse.Namespace) -> int:
    from rag.pipeline import Pipeline
    from rag.retrieval import DateRange

    pipe = Pipeline(_settings(args))
    filters = DateRange.parse(args.date_from, args.date_to)
    answer = (
        _ask_live(pipe, args.question, None, filters) if not args.json else pipe.ask(args.question, filters=filters)
    )
    if args.json:
        from rag.citations import answer_to_dict

        print(json.dumps(answer_to_dict(args.question, answer), ensure_ascii=False, indent=2))
        return EXIT_OK
    _print_answer(answer)
    return EXIT_OK


def _ask_live(pipe: Any, question: str, conversation: Any, filters: Any) -> Any:
    """Ask, printing a language model's text as it streams when stdout is a terminal; returns the final
    answer (printed by the caller, checked: the streamed text is the model's raw words)."""
    streamed = ""
    final = None
    for answer in pipe.ask_stream(question, conversation, filters=filters):
        final = answer
        if answer.partial and answer.generator != "extractive" and sys.stdout.isatty():
            print(answer.text[len(streamed) :], end="", flush=True)
            streamed = answer.text
    if streamed:
        print("\n--- geprüft ---")
    return final


def _print_answer(answer: Any) -> None:
    from rag.citations import copies_label, date_note, source_label

    if date_note(answer):
        print(date_note(answer))
    print(answer.text)
    if answer.note:
        print(f"Hinweis: {answer.note}")
    for number, hit in enumerate(answer.passages, start=1):
        cited = "*" if any(c.number == number for c in answer.citations) else " "
        copies = f"; {copies_label(hit)}" if hit.also else ""
        print(f"{cited}[{number}] {source_label(hit.article)}{copies}")


def run_chat(args: argparse.Namespace) -> int:
    """A conversation on standard input: interactive on a terminal, JSON Lines with ``--json``."""
    from rag.answer.conversation import Conversation
    from rag.citations import answer_to_dict
    from rag.pipeline import Pipeline
    from rag.retrieval import DateRange

    pipe = Pipeline(_settings(args))
    filters = DateRange.parse(args.date_from, args.date_to)
    pipe.ready()  # a missing or damaged index is reported before the first question
    conversation = Conversation()
    interactive = not args.json and sys.stdin.isatty()
    if interactive:
        print("Fragen zu den Artikeln; Folgefragen beziehen sich auf das Gespräch. Ende mit Strg-D.", file=sys.stderr)
    while True:
        if interactive:
            try:
                line = input("Frage> ")
            except EOFError:
                print(file=sys.stderr)
                return EXIT_OK
        else:
            line = sys.stdin.readline()
            if not line:
                return EXIT_OK
        if not line.strip():
            continue
        try:
            answer = (
                pipe.ask(line, conversation, filters=filters)
                if args.json
                else _ask_live(pipe, line, conversation, filters)
            )
        except RagError as err:
            if args.json:
                print(json.dumps({"question": line.strip(), "error": str(err)}, ensure_ascii=False), flush=True)
            else:
                print(f"rag: error: {err}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(answer_to_dict(line.strip(), answer), ensure_ascii=False), flush=True)
        else:
            _print_answer(answer)
            print()


def run_check(args: argparse.Namespace) -> int:
    """Verify an index: its manifest, the docstore's SQLite integrity, every segment file's bytes."""
    import sqlite3

    from rag.stores.files import Store

    settings = _settings(args)
    if settings.store:
        raise RagError(
            f"rag check and rag repair read the project's own index files; {settings.store} is kept by Milvus"
        )
    store = Store(settings.index_dir)
    store.read_manifest()  # names a missing or damaged manifest
    problems = []
    try:
        with closing(store.connect()) as db:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as err:
        verdict = str(err)
    if verdict != "ok":
        problems.append(f"{store.db_path}: {verdict}")
    else:
        problems += [problem for _, problem in store.segment_problems(full=True)]
    for problem in problems:
        print(f"rag: damaged: {problem}", file=sys.stderr)
    if problems:
        print(f"rag: {store.dir} is damaged; rebuild it from the original files into a new folder", file=sys.stderr)
        return EXIT_ERROR
    articles, chunks = store.counts()
    unchecked = store.unchecked_segments()
    note = f"; {unchecked} segment(s) from before checksums: only their presence was checked" if unchecked else ""
    print(f"{store.dir}: ok ({articles} articles, {chunks} chunks, every segment file as written{note})")
    return EXIT_OK


def run_repair(args: argparse.Namespace) -> int:
    from rag.pipeline import Pipeline

    settings = _settings(args)
    if settings.store:
        raise RagError(
            f"rag check and rag repair read the project's own index files; {settings.store} is kept by Milvus"
        )
    pipe = Pipeline(settings)
    repaired = pipe.repair()
    if repaired:
        print(f"{pipe.store.dir}: rebuilt {len(repaired)} segment(s) from the stored articles: {', '.join(repaired)}")
    else:
        print(f"{pipe.store.dir}: nothing to repair")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    from rag.ui import serve

    serve(_settings(args), host=args.host, port=args.port, seeds=args.seeds)
    return EXIT_OK


class ProgressBar:
    """A tqdm bar fed by ``update(done, total)`` callbacks; silent when stderr is not a terminal."""

    def __init__(self, desc: str, unit: str) -> None:
        self.desc, self.unit = desc, unit
        self._bar: Any = None

    def __enter__(self) -> ProgressBar:
        return self

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=self.desc, unit=self.unit, disable=None)
        self._bar.update(done - self._bar.n)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rag`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    runners = {
        "ingest": run_ingest,
        "ask": run_ask,
        "chat": run_chat,
        "serve": run_serve,
        "check": run_check,
        "repair": run_repair,
    }
    try:
        if args.command == "eval":
            from rag.evaluation import run_eval_command

            return run_eval_command(args)
        return runners[args.command](args)
    except RagError as err:
        print(f"rag: error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except sqlite3.DatabaseError as err:  # the docstore itself is damaged (or not SQLite at all)
        where = getattr(args, "index_dir", None) or "the index"
        print(
            f"rag: error: the docstore of {where} cannot be read ({err}); run 'rag check' and rebuild", file=sys.stderr
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("rag: interrupted; the index is as it was after the last completed batch", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
