"""Retrieval-only sweep over chunking and fusion settings on a SQuAD-style dataset.

Prints one line per setting with document-level recall@1/5/10, MRR@10 and nDCG@10, so that the
defaults are chosen from measurements across a grid, not tuned to single questions.

    python evals/studies/sweep.py --dataset evals/datasets/xquad.de.json
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from dataclasses import replace
from pathlib import Path

from rag import metrics
from rag.evaluation import load_dataset
from rag.pipeline import Pipeline
from rag.settings import Settings


def score(pipe: Pipeline, dataset, retriever: str) -> dict[str, float]:
    sums: dict[str, float] = {}
    for q in dataset.questions:
        ranking = metrics.document_ranking(h.article.id for h in pipe.retrieve(q.question, 10, retriever))
        for name, value in metrics.retrieval_metrics(ranking, q.gold).items():
            sums[name] = sums.get(name, 0.0) + value
    return {k: v / len(dataset.questions) for k, v in sums.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("evals/datasets/xquad.de.json"))
    parser.add_argument("--chunk-chars", default="400,800,1600")
    parser.add_argument("--overlap", default="0,1")
    parser.add_argument("--title", default="1,0")
    parser.add_argument("--weights", default="0.3,0.4,0.5,0.6,0.7")
    parser.add_argument("--sentence-weights", default="0,0.5")
    parser.add_argument("--headline-weights", default="0.3", help="added weight of a headline match")
    parser.add_argument("--stop-words", default="keep", help="keep, drop or keep,drop: the BM25 analyzer")
    parser.add_argument("--compounds", default="0", help="0, 1 or 0,1: index German compound parts too")
    parser.add_argument("--baselines", default="1", help="0: skip the bm25 and dense lines")
    parser.add_argument("--embedder", default="use-multilingual")
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    grid = itertools.product(
        [int(x) for x in args.chunk_chars.split(",")],
        [int(x) for x in args.overlap.split(",")],
        [x == "1" for x in args.title.split(",")],
        [x == "drop" for x in args.stop_words.split(",")],
        [x == "1" for x in args.compounds.split(",")],
    )
    print("chunk_chars overlap title stop_words compounds retriever weight | R@1 R@5 R@10 MRR@10 nDCG@10", flush=True)
    for chars, overlap, title, drop, compounds in grid:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                index_dir=Path(tmp),
                embedder=args.embedder,
                chunk_chars=chars,
                chunk_overlap=overlap,
                title_in_index=title,
                drop_stop_words=drop,
                split_compounds=compounds,
            )
            pipe = Pipeline(settings)
            pipe.ingest_items(dataset.documents or [])
            runs: list[tuple[str, float | None, float, float]] = []
            if args.baselines == "1":
                runs += [("bm25", None, 0.0, 0.0), ("dense", None, 0.0, 0.0)]
            runs += [
                ("hybrid", float(w), float(sw), float(hw))
                for w in args.weights.split(",")
                for sw in args.sentence_weights.split(",")
                for hw in args.headline_weights.split(",")
            ]
            for retriever, weight, sentence, headline in runs:
                if weight is not None:
                    pipe.settings = replace(
                        settings, hybrid_weight=weight, sentence_weight=sentence, headline_weight=headline
                    )
                m = score(pipe, dataset, retriever)
                label = f"{weight} s{sentence} h{headline}" if weight is not None else "-"
                print(
                    f"{chars} {overlap} {int(title)} {'drop' if drop else 'keep'} {int(compounds)} "
                    f"{retriever} {label} | "
                    + " ".join(f"{m[k]:.3f}" for k in ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]),
                    flush=True,
                )


if __name__ == "__main__":
    main()
