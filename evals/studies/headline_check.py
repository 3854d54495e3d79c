"""How much weight the hybrid gives a headline match, chosen on held-out headlines and confirmed on others.

    python evals/studies/headline_check.py --index WORK/ours-27937 --exclude WORK/queries-27937.json

Two disjoint samples of headlines the benchmark does not ask (unique, three words or more): the
choosing set (``--seed``, 7: the sample the stop-word check used) and the confirming set
(``--test-seed``, 11, none of the choosing set's articles). For each headline weight in ``--weights``
the script prints known-item recall@10 and MRR@10 on both, retrieving 10 passages per headline as the
bench does. The other check of the same setting is XQuAD-de: ``evals/studies/sweep.py --headline-weights``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # evals/: bench.py
sys.path.insert(0, str(Path(__file__).resolve().parent))  # evals/studies/

from bench import article_ranking
from stopwords_check import held_out, known_item

from rag.embedding import Embedder, make_embedder
from rag.pipeline import Pipeline
from rag.settings import Settings


def samples(
    index: Path, exclude: Path | None, n: int, seed: int, test_seed: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The choosing and the confirming sample of (article id, headline), no article in both."""
    choosing = held_out(index, exclude, n, seed)
    confirming = held_out(index, exclude, n, test_seed, skip={a for a, _ in choosing})
    return choosing, confirming


def main(argv: list[str] | None = None, embedder: Embedder | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="a built index folder (e.g. WORK/ours-27937)")
    parser.add_argument("--exclude", type=Path, help="the bench's queries-N.json: their articles are not asked")
    parser.add_argument("--n", type=int, default=500, help="headlines per sample (default 500)")
    parser.add_argument("--seed", type=int, default=7, help="the choosing sample's seed (default 7)")
    parser.add_argument("--test-seed", type=int, default=11, help="the confirming sample's seed (default 11)")
    parser.add_argument("--weights", default="0,0.1,0.2,0.3,0.5", help="headline weights to compare")
    args = parser.parse_args(argv)
    if not (args.index / "manifest.json").exists():
        parser.error(f"{args.index} is not an index folder (no manifest.json); build one with evals/bench.py --work")
    choosing, confirming = samples(args.index, args.exclude, args.n, args.seed, args.test_seed)
    spec = json.loads((args.index / "manifest.json").read_text(encoding="utf-8"))["embedder"]
    pipe = Pipeline(Settings(index_dir=args.index, embedder=spec), embedder=embedder or make_embedder(spec))
    print(f"{len(choosing)} choosing and {len(confirming)} confirming headlines, {args.index}", flush=True)
    print("headline_weight | choosing recall@10 MRR@10 | confirming recall@10 MRR@10", flush=True)
    for weight in (float(w) for w in args.weights.split(",")):
        pipe.settings = replace(pipe.settings, headline_weight=weight)
        figures = [known_item(article_ranking(pipe), s) for s in (choosing, confirming)]
        print(f"{weight} | " + " | ".join(f"{r:.3f} {m:.3f}" for r, m in figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
