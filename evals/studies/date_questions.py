"""Questions that name a time, over a FANG-COVID index: does the named period reach retrieval?

    python evals/studies/date_questions.py --index WORK/fc3000 --n 100

Builds its question set from the index itself (FANG-COVID may not be copied into the project, so
the set is generated, never stored): ``--n`` articles drawn with ``--seed``, each asked about by its
headline with a period, in five forms:

- ``month``: "Was wurde im November 2020 über „HEADLINE“ berichtet?"
- ``day``: "Was stand am 3. November 2020 über „HEADLINE“ in der Zeitung?"
- ``gestern``: reference date one day after the article.
- ``letzte Woche``: reference date 5 to 11 days after the article (drawn): people say "last week"
  of days that are sometimes in the calendar week before and sometimes two weeks back.
- ``vor einem Monat``: reference date 25 to 40 days after the article (drawn), the same looseness.

Each question is run with the period ignored (``none``), as a filter, and (relative forms only) as a
boost that puts passages from the period first among all dates. Printed per form and mode: the
article's recall@5 and MRR@10, and the share of the top 5 passages inside the named period.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from rag import metrics
from rag.answer.extractive import MONTHS_DE
from rag.dates import dates_in_question
from rag.pipeline import Pipeline
from rag.retrieval import DateRange
from rag.settings import Settings

FORMS = ("month", "day", "gestern", "letzte Woche", "vor einem Monat")


def questions(index: Path, n: int, seed: int) -> list[tuple[str, str, str, date]]:
    """``(form, question, article id, reference date)`` for ``n`` day-dated articles in each form."""
    db = sqlite3.connect(index / "docstore.sqlite")
    rows = db.execute("SELECT id, title, date FROM articles WHERE length(date) = 10 ORDER BY id").fetchall()
    db.close()
    rng = random.Random(seed)
    out = []
    for form in FORMS:
        for article_id, title, when in rng.sample(rows, min(n, len(rows))):
            day = date.fromisoformat(when)
            month = f"{MONTHS_DE[day.month - 1]} {day.year}"
            ref = day + timedelta(days=30)
            if form == "month":
                text = f"Was wurde im {month} über „{title}“ berichtet?"
            elif form == "day":
                text = f"Was stand am {day.day}. {month} über „{title}“ in der Zeitung?"
            elif form == "gestern":
                text, ref = f"Was wurde gestern über „{title}“ berichtet?", day + timedelta(days=1)
            elif form == "letzte Woche":
                text, ref = (
                    f"Was wurde letzte Woche über „{title}“ berichtet?",
                    day + timedelta(days=rng.randint(5, 11)),
                )
            else:
                text = f"Was wurde vor einem Monat über „{title}“ berichtet?"
                ref = day + timedelta(days=rng.randint(25, 40))
            out.append((form, text, article_id, ref))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="an index built from FANG-COVID articles")
    parser.add_argument("--n", type=int, default=100, help="articles asked about per form (default 100)")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.index / "manifest.json").exists():
        parser.error(f"{args.index} is not an index folder (no manifest.json)")
    pipe = Pipeline(Settings.from_env(index_dir=args.index))
    base = pipe.settings
    asked = questions(args.index, args.n, args.seed)
    print(f"{len(asked)} questions ({args.n} per form, seed {args.seed}) over {args.index}")
    print("form | mode | recall@5 MRR@10 | top-5 passages inside the period | period read")
    for form in FORMS:
        modes = ("none", "filter") if form in ("month", "day") else ("none", "filter", "boost")
        for mode in modes:
            recall, rr, share, read = [], [], [], 0
            for f, text, article_id, ref in asked:
                if f != form:
                    continue
                relative = mode if mode != "none" else "filter"
                pipe.settings = replace(base, reference_date=ref.isoformat(), relative_dates=relative)
                named = dates_in_question(text, ref)
                if mode == "none":
                    hits = pipe.retrieve(text, 10)
                else:
                    hits, scope = pipe.search(text, k=10)
                    read += scope is not None and scope.applied
                ranking = metrics.document_ranking(h.article.id for h in hits)
                recall.append(metrics.recall_at(ranking, {article_id}, 5))
                rr.append(metrics.reciprocal_rank(ranking, {article_id}, 10))
                if named is not None:
                    top = hits[:5]
                    period = DateRange(named.start, named.end)
                    share.append(sum(period.covers(h.article.date) for h in top) / max(len(top), 1))
            read_col = f"{read}/{len(recall)}" if mode != "none" else "-"
            inside_share = f"{statistics.fmean(share):.3f}" if share else "-"
            print(
                f"{form} | {mode} | {statistics.fmean(recall):.3f} {statistics.fmean(rr):.3f} | "
                f"{inside_share} | {read_col}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
