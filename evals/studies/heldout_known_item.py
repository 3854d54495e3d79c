"""Known-item search on headlines the benchmark did not ask: ours against the LangChain pipeline.

    python evals/studies/heldout_known_item.py --work WORK --articles 27937 --n 500

``WORK`` is an ``evals/bench.py --work`` folder after a run (both pipelines' indexes are there).
The headlines are those of ``--n`` articles not among the bench's queries (unique, three words or
more, the bench's rule) and, by default, not among those the headline weight was chosen on either:
the confirming sample of ``evals/studies/headline_check.py``. Each pipeline retrieves 10 passages per
headline, as in the bench, and the script prints known-item recall@10 and MRR@10 for both. A larger
sample than the bench's 200 says how much of a difference between the two is noise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # evals/: bench.py
sys.path.insert(0, str(Path(__file__).resolve().parent))  # evals/studies/

import bench_langchain as lc
from bench import DEPTH, article_ranking
from headline_check import samples
from stopwords_check import known_item

from rag.embedding import DEFAULT_EMBEDDER, make_embedder
from rag.pipeline import Pipeline
from rag.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="the evals/bench.py --work folder of a run")
    parser.add_argument("--articles", type=int, required=True, help="which size's indexes (e.g. 27937)")
    parser.add_argument("--n", type=int, default=500, help="held-out headlines (default 500)")
    parser.add_argument("--seed", type=int, default=7, help="the headline check's choosing sample, left out")
    parser.add_argument("--test-seed", type=int, default=11, help="the headline check's confirming sample")
    parser.add_argument("--embedder", default=DEFAULT_EMBEDDER)
    args = parser.parse_args(argv)
    ours_dir, lc_dir = args.work / f"ours-{args.articles}", args.work / f"lc-{args.articles}"
    for folder in (ours_dir, lc_dir):
        if not folder.is_dir():
            parser.error(f"{folder} is missing; run evals/bench.py --work {args.work} first")
    _, queries = samples(ours_dir, args.work / f"queries-{args.articles}.json", args.n, args.seed, args.test_seed)
    embedder = make_embedder(args.embedder)
    print(f"{len(queries)} held-out headlines at {args.articles} articles", flush=True)
    ours = Pipeline(Settings(index_dir=ours_dir, embedder=args.embedder), embedder=embedder)
    recall, mrr = known_item(article_ranking(ours), queries)
    print(f"ours: known-item recall@10 {recall:.3f}, MRR@10 {mrr:.3f}", flush=True)
    theirs = lc.LangChainPipeline(lc_dir, lc.EmbedderEmbeddings(embedder), DEPTH)
    recall, mrr = known_item(lambda q: [d.metadata["article_id"] for d in theirs.retrieve(q)], queries)
    print(f"LangChain: known-item recall@10 {recall:.3f}, MRR@10 {mrr:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
