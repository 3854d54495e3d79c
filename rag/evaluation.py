"""``rag eval``: measure retrieval and answer quality of every retriever on a labelled dataset.

Datasets are SQuAD v1.1 JSON (each paragraph becomes one document, indexed into a temporary index
with the same pipeline the assistant uses) or JSON Lines of ``{"question", "answers",
"gold_article_ids"}`` asked against an existing index.
"""

from __future__ import annotations

import argparse
import json
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rag import metrics
from rag.answer import Answer
from rag.answer.check import unsupported
from rag.answer.llm import LLMGenerator
from rag.corpus import Article, article_id
from rag.embedding import EMBEDDER_HELP
from rag.errors import DatasetError
from rag.pipeline import Pipeline
from rag.settings import Settings
from rag.stores.milvus import location

CUTOFFS = (1, 5, 10)
# extra passages retrieved so that, with a question's gold document taken out, k others remain
_GOLD_MARGIN = 10
Progress = Callable[[int, int, str], None]  # (done, total, retriever)


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    answers: list[str]
    gold: set[str]


@dataclass(frozen=True)
class Dataset:
    """Questions with gold documents; ``documents`` is None when the questions target an existing index."""

    name: str
    questions: list[EvalQuestion]
    documents: list[Article] | None


def load_dataset(path: Path, limit: int | None = None) -> Dataset:
    """Read SQuAD v1.1 JSON or JSON Lines; raise ``DatasetError`` naming the file and question."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such dataset file")
    if path.suffix == ".jsonl":
        return _load_jsonl(path, limit)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DatasetError(f"{path}: not valid JSON ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise DatasetError(f"{path}: expected SQuAD v1.1 JSON with a top-level 'data' list")
    documents: dict[str, Article] = {}
    questions: list[EvalQuestion] = []
    for a_no, entry in enumerate(data["data"]):
        title = str(entry.get("title", f"article {a_no}")).replace("_", " ")
        for p_no, para in enumerate(entry.get("paragraphs", [])):
            context = para.get("context")
            if not isinstance(context, str) or not context.strip():
                raise DatasetError(f"{path}: paragraph {p_no} of {title!r} has no 'context' text")
            doc_id = article_id(context)
            documents.setdefault(doc_id, Article(doc_id, title, context, source=path.name, path=f"{title}#{p_no}"))
            for qa in para.get("qas", []):
                qid = str(qa.get("id", f"{title}#{p_no}#{len(questions)}"))
                answers = [a.get("text", "") for a in qa.get("answers", []) if isinstance(a, dict)]
                if not str(qa.get("question", "")).strip() or not answers:
                    raise DatasetError(f"{path}: question {qid} needs a 'question' and at least one answer")
                questions.append(EvalQuestion(qid, qa["question"], answers, {doc_id}))
    if not questions:
        raise DatasetError(f"{path}: no questions found")
    questions = questions[:limit] if limit else questions
    return Dataset(path.stem, questions, list(documents.values()))


def _load_jsonl(path: Path, limit: int | None) -> Dataset:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise DatasetError(f"{path}: line {number} is not valid JSON ({err.msg})") from None
        gold = row.get("gold_article_ids") if isinstance(row, dict) else None
        if not isinstance(row, dict) or not str(row.get("question", "")).strip() or not gold:
            raise DatasetError(f"{path}: line {number} needs 'question' and a non-empty 'gold_article_ids' list")
        answers = row.get("answers") or []
        questions.append(EvalQuestion(str(row.get("id", number)), row["question"], list(answers), set(gold)))
    if not questions:
        raise DatasetError(f"{path}: no questions found")
    return Dataset(path.stem, questions[:limit] if limit else questions, None)


def evaluate_retriever(
    pipe: Pipeline, dataset: Dataset, retriever: str, k: int, progress: Progress | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One run: the report entry for ``retriever`` and the per-question rows."""
    depth = max(k, max(CUTOFFS))
    sums: dict[str, float] = {}
    retrieve_ms: list[float] = []
    answer_ms: list[float] = []
    precisions: list[float] = []
    has_gold = refusals = 0.0
    rows = []
    declined_unanswerable = 0.0
    written = _Written(pipe.generator) if isinstance(pipe.generator, LLMGenerator) else None
    for done, q in enumerate(dataset.questions, start=1):
        started = time.perf_counter()
        question = pipe.check_question(q.question)  # cleaned as a user's question is
        hits = pipe.retrieve(question, depth + _GOLD_MARGIN, retriever)
        retrieved = time.perf_counter()
        if written is None:
            answer = pipe.generator.generate(question, hits[: pipe.settings.k])
        else:
            answer = written.ask(question, hits[: pipe.settings.k], started)
        retrieve_ms.append((retrieved - started) * 1000)
        answer_ms.append((time.perf_counter() - started) * 1000)
        # the same question with its gold document out of reach: no passage can answer it (not asked of a
        # language model: on a CPU that would double a run that already takes many seconds a question)
        declined_without_gold = None
        if written is None:
            without_gold = [h for h in hits if h.article.id not in q.gold][: pipe.settings.k]
            declined_without_gold = pipe.generator.generate(question, without_gold).declined
            declined_unanswerable += declined_without_gold
        hits = hits[:depth]
        ranking = metrics.document_ranking(h.article.id for h in hits)
        for name, value in metrics.retrieval_metrics(ranking, q.gold).items():
            sums[name] = sums.get(name, 0.0) + value
        found = 0.0 if answer.declined else metrics.has_gold(answer.text, q.answers)
        has_gold += found
        refusals += answer.declined
        cited = [answer.passages[c.number - 1].article.id for c in _distinct_numbers(answer.citations)]
        precision = metrics.citation_precision(cited, q.gold)
        if precision is not None:
            precisions.append(precision)
        rank = next((i for i, doc in enumerate(ranking, start=1) if doc in q.gold), None)
        rows.append(
            {
                "retriever": retriever,
                "id": q.id,
                "question": q.question,
                "gold_answers": q.answers,
                "gold_ids": sorted(q.gold),
                "gold_rank": rank,
                "retrieved": [{"rank": i, "id": doc, "title": _title(hits, doc)} for i, doc in enumerate(ranking, 1)],
                "answer": answer.text,
                "declined": answer.declined,
                "declined_without_gold": declined_without_gold,
                "answer_has_gold": bool(found),
                "hit": rank is not None and rank <= k,
            }
        )
        if progress:
            progress(done, len(dataset.questions), retriever)
    n = len(dataset.questions)
    s = pipe.settings
    run = {
        "retriever": retriever,
        "settings": {
            "embedder": pipe.embedder.name,
            "chunk_chars": s.chunk_chars,
            "chunk_overlap": s.chunk_overlap,
            "title_in_index": s.title_in_index,
            "analyzer": pipe.analyzer.name,
            "k": k,
            "answer_passages": s.k,
            "fusion": (
                f"minmax score fusion, dense weight {s.hybrid_weight} ({s.english_hybrid_weight} for English "
                f"questions), {s.candidates} candidates each; lexical: "
                f"best-sentence share {s.sentence_weight}, headline weight {s.headline_weight}"
            )
            if retriever == "hybrid"
            else None,
        },
        "retrieval": {name: round(total / n, 4) for name, total in sums.items()},
        "answer": {
            "answer_has_gold": round(has_gold / n, 4),
            "citation_precision": round(sum(precisions) / len(precisions), 4) if precisions else 0.0,
            "false_refusal_rate": round(refusals / n, 4),
            "unanswerable_decline_rate": round(declined_unanswerable / n, 4) if written is None else None,
            "answer_ms_p50": round(metrics.percentile(answer_ms, 50), 2),
        },
        "latency": {
            "retrieve_ms_p50": round(metrics.percentile(retrieve_ms, 50), 2),
            "retrieve_ms_p95": round(metrics.percentile(retrieve_ms, 95), 2),
            "answer_ms_p50": round(metrics.percentile(answer_ms, 50), 2),
        },
    }
    if written is not None:
        run["llm"] = written.summary(written.generator.name)
    return run, rows


class _Written:
    """Asks a language model through its stream and keeps what ALCE-style citation metrics and timings need."""

    def __init__(self, generator: LLMGenerator) -> None:
        self.generator = generator
        self.first_words_ms: list[float] = []  # the reader's first useful words: the quoted answer
        self.first_token_ms: list[float] = []
        self.whole_ms: list[float] = []
        self.sentences = self.supported = self.cited_pairs = self.supporting_pairs = 0
        self.fallbacks = 0

    def ask(self, question: str, hits: list[Any], started: float) -> Answer:
        generator = self.generator
        shown = first = None
        answer = None
        for answer in generator.stream(question, hits):
            if shown is None:  # the first answer on screen: the quoted one, before the model has read anything
                shown = (time.perf_counter() - started) * 1000
                self.first_words_ms.append(shown)
            if first is None and answer.generator != "extractive" and answer.partial:
                first = (time.perf_counter() - started) * 1000
        assert answer is not None
        self.whole_ms.append((time.perf_counter() - started) * 1000)
        if first is not None:
            self.first_token_ms.append(first)
        if answer.generator == "extractive":
            self.fallbacks += 1
            return answer
        passages = [h.chunk.text for h in hits]
        for sentence in answer.verification:
            self.sentences += 1
            self.supported += sentence.supported
            for n in sentence.cited:  # precision: does this one citation, alone, support its sentence?
                self.cited_pairs += 1
                self.supporting_pairs += not unsupported(sentence.text, [passages[n - 1]], generator.analyzer)
        return answer

    def summary(self, name: str) -> dict[str, Any]:
        def p50(values: list[float]) -> float | None:
            return round(metrics.percentile(values, 50), 1) if values else None

        return {
            "model": name,
            "citation_recall": round(self.supported / self.sentences, 4) if self.sentences else None,
            "citation_precision": round(self.supporting_pairs / self.cited_pairs, 4) if self.cited_pairs else None,
            "answer_sentences": self.sentences,
            "fallbacks": self.fallbacks,
            "first_words_ms_p50": p50(self.first_words_ms),
            "first_token_ms_p50": p50(self.first_token_ms),
            "whole_answer_ms_p50": p50(self.whole_ms),
        }


def _distinct_numbers(citations: list[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for c in citations:
        seen.setdefault(c.number, c)
    return list(seen.values())


def _title(hits: list[Any], doc: str) -> str:
    return next(h.article.title for h in hits if h.article.id == doc)


def run_eval(
    dataset: Dataset,
    settings: Settings,
    retrievers: list[str],
    k: int = 10,
    progress: Progress | None = None,
    embedder: Any = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Evaluate every retriever; SQuAD-style datasets get a fresh temporary index."""
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        if dataset.documents is not None:
            settings = replace(settings, index_dir=Path(tmp) / "index", store=_scratch_store(settings.store, tmp))
        pipe = Pipeline(settings, embedder=embedder)
        try:
            if dataset.documents is not None:
                pipe.ingest_items(dataset.documents)
            runs, rows = [], []
            for name in retrievers:
                run, per_question = evaluate_retriever(pipe, dataset, name, k, progress)
                runs.append(run)
                rows.extend(per_question)
        finally:
            if pipe.milvus is not None and dataset.documents is not None:
                pipe.milvus.drop()  # the dataset's own index, on a server or in the temporary folder
                pipe.milvus.close()
    return {"dataset": dataset.name, "n_questions": len(dataset.questions), "runs": runs}, rows


def _scratch_store(store: str, tmp: str) -> str:
    """Where a dataset's own index goes: the default files in ``tmp``; with a Milvus store, a Lite file in
    ``tmp`` or, on a server, collections of their own (dropped afterwards)."""
    if not store:
        return ""
    if location(store).startswith(("http://", "https://", "tcp://", "unix:")):
        return f"{store.split('#', 1)[0]}#rag_eval_{secrets.token_hex(4)}"
    return f"milvus:{tmp}/eval.db"


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", type=Path, required=True, help="SQuAD v1.1 JSON, or JSON Lines of questions")
    parser.add_argument("--retrievers", default="bm25,dense,hybrid", help="comma-separated (default bm25,dense,hybrid)")
    parser.add_argument("--k", type=int, default=10, help="passages retrieved per question (default 10)")
    parser.add_argument("--out", type=Path, help="report folder (default evals/reports/DATASET)")
    parser.add_argument("--limit", type=int, help="only the first N questions, for a quick run")
    parser.add_argument("--chunk-chars", type=int, help="maximum chunk length in characters")
    parser.add_argument("--chunk-overlap", type=int, help="sentences repeated between chunks")
    parser.add_argument("--hybrid-weight", type=float, help="dense share of the fused score (default 0.5)")
    parser.add_argument("--index-dir", type=Path, help="index to ask (JSON Lines datasets only)")
    parser.add_argument("--embedder", help=EMBEDDER_HELP)
    parser.add_argument("--store", metavar="URI", help="the index's store (default: files; milvus:PATH.db, milvus:URL)")
    parser.add_argument("--llm", metavar="SPEC", help="who writes the answers (default none; see rag ask --help)")


def run_eval_command(args: argparse.Namespace) -> int:
    from rag.cli import ProgressBar
    from rag.reports import write_reports
    from rag.settings import RETRIEVERS

    retrievers = [r.strip() for r in args.retrievers.split(",") if r.strip()]
    unknown = [r for r in retrievers if r not in RETRIEVERS]
    if unknown or not retrievers:
        raise DatasetError(f"unknown retrievers {unknown}; choose from {', '.join(RETRIEVERS)}")
    if args.k < 1 or (args.limit is not None and args.limit < 1):
        raise DatasetError(f"--k and --limit must be >= 1, got {args.k} and {args.limit}")
    settings = Settings.from_env(
        index_dir=args.index_dir,
        store=args.store,
        embedder=args.embedder,
        chunk_chars=args.chunk_chars,
        chunk_overlap=args.chunk_overlap,
        hybrid_weight=args.hybrid_weight,
        llm=args.llm,
    )
    dataset = load_dataset(args.dataset, args.limit)
    bars: dict[str, ProgressBar] = {}

    def progress(done: int, total: int, retriever: str) -> None:
        bars.setdefault(retriever, ProgressBar(f"eval {retriever}", "question")).update(done, total)

    report, rows = run_eval(dataset, settings, retrievers, args.k, progress)
    for bar in bars.values():
        bar.__exit__()
    out = args.out or Path("evals/reports") / dataset.name
    write_reports(report, rows, out)
    from rag.reports import markdown_table

    print(markdown_table(report))
    print(f"\nreports in {out}/: report.json, report.md, recall_at_k.png, questions.jsonl")
    return 0
