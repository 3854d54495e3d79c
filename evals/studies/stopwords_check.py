"""Should the BM25 index keep German stop words? Known-item search on held-out headlines of a built index.

    python evals/studies/stopwords_check.py --index WORK/ours-27937 --exclude WORK/queries-27937.json

``WORK`` is an ``evals/bench.py --work`` folder. For each analyzer the index's chunks are tokenised
again into a copy that shares the index's vector files (hard links: nothing is re-embedded), then
``--n`` headlines of articles that are not among the bench's queries (unique headlines of three
words or more, as in the bench) are asked with the hybrid retriever. Prints known-item recall@10
and MRR@10 per analyzer; the copies are deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # evals/: bench.py
sys.path.insert(0, str(Path(__file__).resolve().parent))  # evals/studies/

from bench import article_ranking, names_one_article

from rag import metrics
from rag.chunking import Chunk
from rag.embedding import Embedder, make_embedder
from rag.lexical import GermanAnalyzer, Vocabulary
from rag.pipeline import Pipeline, lexical_counts, lexical_rows
from rag.settings import Settings
from rag.stores.files import SEGMENT_SUFFIXES, file_digest


def lexical_copy(src: Path, dst: Path, analyzer: GermanAnalyzer) -> None:
    """A copy of the index at ``src`` whose BM25 counts come from ``analyzer``; vector files are hard links."""
    (dst / "segments").mkdir(parents=True)
    source, target = sqlite3.connect(src / "docstore.sqlite"), sqlite3.connect(dst / "docstore.sqlite")
    source.backup(target)  # a file copy would miss what is still in the write-ahead log
    source.close()
    target.close()
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    manifest["analyzer"] = analyzer.name
    (dst / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    db = sqlite3.connect(dst / "docstore.sqlite")
    articles = {row[0]: row[1:] for row in db.execute("SELECT id, title, text FROM articles")}
    segments = db.execute("SELECT id, first_chunk, n_chunks FROM segments ORDER BY seq").fetchall()
    vocab = Vocabulary()
    for seg_id, first, n_chunks in segments:
        os.link(src / "segments" / f"{seg_id}.faiss", dst / "segments" / f"{seg_id}.faiss")
        rows_per_chunk: list[list[list[str]]] = []
        titles: dict[str, list[str] | None] = {}
        query = 'SELECT article_id, idx, start, "end" FROM chunks WHERE id >= ? AND id < ? ORDER BY id'
        for article_id, idx, start, end in db.execute(query, (first, first + n_chunks)):
            title, text = articles[article_id]
            if article_id not in titles:
                titles[article_id] = analyzer.tokens(title) if manifest["title_in_index"] else None
            chunk = Chunk(article_id, text[start:end], start, end, idx)
            rows_per_chunk.append(lexical_rows(chunk, titles[article_id], analyzer))
        counts, sentence_counts, owner = lexical_counts(rows_per_chunk, vocab)
        sparse.save_npz(dst / "segments" / f"{seg_id}.npz", counts.tocsc(), compressed=False)
        sparse.save_npz(dst / "segments" / f"{seg_id}.sent.npz", sentence_counts.tocsc(), compressed=False)
        np.save(dst / "segments" / f"{seg_id}.owner.npy", owner, allow_pickle=False)
    with db:
        db.execute("DELETE FROM terms")
        db.executemany("INSERT INTO terms (id, term) VALUES (?, ?)", enumerate(vocab.terms))
        if any(row[1] == "files" for row in db.execute("PRAGMA table_info(segments)")):  # the new files' checksums
            for seg_id, _, _ in segments:
                files = {s: file_digest(dst / "segments" / f"{seg_id}{s}") for s in SEGMENT_SUFFIXES}
                db.execute("UPDATE segments SET files = ? WHERE id = ?", (json.dumps(files), seg_id))
    db.close()


def held_out(index: Path, exclude: Path | None, n: int, seed: int, skip: Collection[str] = ()) -> list[tuple[str, str]]:
    """``n`` (article id, headline) pairs: unique headlines of 3+ words, none of the excluded queries'
    articles nor of the ``skip`` article ids."""
    taken = {q["article_id"] for q in json.loads(exclude.read_text(encoding="utf-8"))} if exclude else set()
    taken |= set(skip)
    db = sqlite3.connect(index / "docstore.sqlite")
    rows = db.execute("SELECT id, title FROM articles ORDER BY id").fetchall()
    db.close()
    counts = Counter(title for _, title in rows)
    pool = [(a, t) for a, t in rows if a not in taken and names_one_article(t, counts)]
    return random.Random(seed).sample(pool, min(n, len(pool)))


def known_item(retrieve: Callable[[str], list[str]], queries: list[tuple[str, str]]) -> tuple[float, float]:
    """Recall@10 and MRR@10 of each headline's own article, ``retrieve`` giving the ranked article ids."""
    recall, rr = [], []
    for article_id, headline in queries:
        ranking = retrieve(headline)
        recall.append(metrics.recall_at(ranking, {article_id}, 10))
        rr.append(metrics.reciprocal_rank(ranking, {article_id}, 10))
    return statistics.fmean(recall), statistics.fmean(rr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="a built index folder (e.g. WORK/ours-27937)")
    parser.add_argument("--exclude", type=Path, help="the bench's queries-N.json: their articles are not asked")
    parser.add_argument("--n", type=int, default=500, help="held-out headlines (default 500)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if not (args.index / "manifest.json").exists():
        parser.error(f"{args.index} is not an index folder (no manifest.json); build one with evals/bench.py --work")
    queries = held_out(args.index, args.exclude, args.n, args.seed)
    spec = json.loads((args.index / "manifest.json").read_text(encoding="utf-8"))["embedder"]
    embedder: Embedder = make_embedder(spec)
    print(f"{len(queries)} held-out headlines, {args.index}", flush=True)
    for drop in (True, False):
        analyzer = GermanAnalyzer(drop_stop_words=drop)
        with tempfile.TemporaryDirectory(dir=args.index.parent) as tmp:  # same file system: hard links work
            copy = Path(tmp) / "index"
            lexical_copy(args.index, copy, analyzer)
            pipe = Pipeline(Settings(index_dir=copy, embedder=spec), embedder=embedder)
            recall, mrr = known_item(article_ranking(pipe), queries)
        print(f"{analyzer.name}: known-item recall@10 {recall:.3f}, MRR@10 {mrr:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
