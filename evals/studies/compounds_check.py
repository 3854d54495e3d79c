"""Does splitting German compounds pay in BM25? Known-item headlines on a news index, with and without.

    python evals/studies/compounds_check.py --index WORK/fc3000 --n 500

The index's BM25 counts are rebuilt for each analyzer (``snowball-german`` and the same with
``+compounds``), vectors shared through hard links, and ``--n`` held-out headlines (seed 7) are asked
with the hybrid and with BM25 alone: recall@10 and MRR@10 of each headline's article. Then a sample
of ``--sample`` words the splitter splits, drawn from the index's own text, is printed with their
parts so that a reader can count over-splits (the count for the committed report was made by hand).
XQuAD-de's side of the same question is ``evals/studies/sweep.py --compounds 0,1``.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # evals/: bench.py
sys.path.insert(0, str(Path(__file__).resolve().parent))  # evals/studies/

from bench import article_ranking
from stopwords_check import held_out, known_item, lexical_copy

from rag.compounds import german_splitter
from rag.embedding import make_embedder
from rag.lexical import GermanAnalyzer
from rag.pipeline import Pipeline
from rag.settings import Settings


def split_sample(index: Path, n: int, seed: int) -> list[tuple[str, list[str]]]:
    """``n`` distinct words of the index's articles that the splitter splits, with their parts."""
    db = sqlite3.connect(index / "docstore.sqlite")
    texts = [row[0] for row in db.execute("SELECT text FROM articles ORDER BY id LIMIT 500")]
    db.close()
    words = sorted({w.lower() for t in texts for w in re.findall(r"\w+", t) if len(w) >= 7})
    splitter = german_splitter()
    split = [(w, splitter.parts(w)) for w in words]
    split = [(w, p) for w, p in split if p]
    return random.Random(seed).sample(split, min(n, len(split)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="a built news index")
    parser.add_argument("--n", type=int, default=500, help="held-out headlines (default 500)")
    parser.add_argument("--sample", type=int, default=60, help="split words printed for checking by hand")
    args = parser.parse_args(argv)
    queries = held_out(args.index, None, args.n, 7)
    spec = Settings.from_env(index_dir=args.index)
    embedder = make_embedder(Pipeline(spec).store.read_manifest().embedder)
    print(f"{len(queries)} held-out headlines, {args.index}")
    for compounds in (False, True):
        analyzer = GermanAnalyzer(drop_stop_words=False, compounds=compounds)
        with tempfile.TemporaryDirectory(dir=args.index.parent) as tmp:
            copy = Path(tmp) / "index"
            lexical_copy(args.index, copy, analyzer)
            pipe = Pipeline(Settings(index_dir=copy, embedder=embedder.name), embedder=embedder)
            for retriever in ("hybrid", "bm25"):
                recall, mrr = known_item(article_ranking(pipe, retriever), queries)
                print(f"{analyzer.name} {retriever}: recall@10 {recall:.3f}, MRR@10 {mrr:.3f}", flush=True)
    print(f"\n{args.sample} split words (seed 7) for checking by hand:")
    for word, parts in split_sample(args.index, args.sample, 7):
        print(f"  {word}: {' + '.join(parts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
