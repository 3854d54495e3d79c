"""BM25's k1 and b, measured: XQuAD-de and news headlines (known items) under each pair.

    python evals/studies/bm25_params.py --dataset evals/datasets/xquad.de.json --index /path/to/news-index

The index keeps raw term counts and builds BM25's weights when it loads, so each pair is the same index
with its weights rebuilt (chunks and sentences alike); nothing is ingested twice. For XQuAD-de the
dataset's paragraphs are ingested once into a temporary index; for ``--index`` two disjoint samples of
its headlines are asked (the choosing and confirming samples of ``headline_check.py``). Prints recall@1,
MRR@10 of the hybrid and of BM25 alone on XQuAD-de, and known-item recall@10 / MRR@10 on the headlines.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # evals/: bench.py
sys.path.insert(0, str(Path(__file__).resolve().parent))  # evals/studies/

from bench import article_ranking
from headline_check import samples
from stopwords_check import known_item
from sweep import score

from rag.evaluation import load_dataset
from rag.lexical import BM25
from rag.pipeline import Pipeline
from rag.settings import Settings


def reweigh(pipe: Pipeline, k1: float, b: float) -> None:
    """Rebuild the loaded index's BM25 weights (chunks and sentences) with ``k1`` and ``b``."""
    index = pipe.index
    loaded = index.store.load_vectors(pipe.settings.exact_search_max)
    index.bm25 = BM25(loaded.counts, k1, b)
    index.sentence_bm25 = BM25(loaded.sentence_counts, k1, b)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("evals/datasets/xquad.de.json"))
    parser.add_argument("--index", type=Path, help="a news index folder for the headline check")
    parser.add_argument("--n", type=int, default=500, help="headlines per sample (default 500)")
    parser.add_argument("--k1", default="0.9,1.2,1.5,1.8")
    parser.add_argument("--b", default="0.5,0.75,0.9")
    args = parser.parse_args(argv)
    pairs = [(float(k1), float(b)) for k1 in args.k1.split(",") for b in args.b.split(",")]
    dataset = load_dataset(args.dataset)
    with tempfile.TemporaryDirectory() as tmp:
        xquad = Pipeline(Settings(index_dir=Path(tmp)))
        xquad.ingest_items(dataset.documents or [])
        news = None
        if args.index:
            spec = json.loads((args.index / "manifest.json").read_text(encoding="utf-8"))["embedder"]
            news = Pipeline(Settings(index_dir=args.index, embedder=spec))
            choosing, confirming = samples(args.index, None, args.n, 7, 11)
        print("k1 b | xquad hybrid R@1 MRR@10 | xquad bm25 R@1 MRR@10 | news choosing R@10 MRR@10 | confirming")
        for k1, b in pairs:
            reweigh(xquad, k1, b)
            cells = []
            for retriever in ("hybrid", "bm25"):
                m = score(xquad, dataset, retriever)
                cells.append(f"{m['recall@1']:.3f} {m['mrr@10']:.3f}")
            if news is not None:
                reweigh(news, k1, b)
                for sample in (choosing, confirming):
                    r, m = known_item(article_ranking(news), sample)
                    cells.append(f"{r:.3f} {m:.3f}")
            print(f"{k1} {b} | " + " | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
