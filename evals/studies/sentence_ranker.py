"""Where the offline answerer loses the gold answer on XQuAD-de, and whether a fitted sentence ranker would find it.

    python evals/studies/sentence_ranker.py > evals/studies/sweep-sentence-ranker.log

The answerer (``rag.answer.extractive``) ranks every sentence of the k retrieved passages by
``0.5 * cosine + 0.5 * coverage + fit bonus`` and quotes the best ones. This study asks two things:

1. How far down that ranking the first sentence holding the gold span stands: the share of questions
   with it first, in the first two, three, or anywhere, beside the share of questions whose quotes
   (as the answerer chooses them, declines aside) hold it. This bounds what choosing among the
   ranked sentences can reach without quoting more.
2. Whether a logistic regression over richer sentence measurements ranks the gold sentence first more
   often than the hand-set score: the score's own parts plus the idf-weighted coverage, the passage's
   rank and fused retrieval score, the question's words in the sentence before and after (an answer
   often follows the sentence that restates the question), the share of the sentence's words that are
   new to the question, and whether it is its article's first. Fitted on the questions of the
   even-numbered Wikipedia articles and checked on the odd-numbered ones, and the reverse.

Sentences are those of production (``ExtractiveGenerator.score_sentences``); the gold test is
``rag.metrics.has_gold`` on one sentence, so a gold span across two sentences counts as not found.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from rag import metrics
from rag.answer import ExtractiveGenerator
from rag.answer.extractive import _coverage
from rag.answer.quotes import passage_sentences
from rag.evaluation import load_dataset
from rag.pipeline import Pipeline
from rag.settings import Settings

NAMES = (
    "cosine",
    "coverage",
    "fits",
    "idf_coverage",
    "passage_rank",
    "passage_score",
    "before",
    "after",
    "new",
    "lead",
)


def main() -> None:
    data = load_dataset(Path("evals/datasets/xquad.de.json"))
    titles = list(dict.fromkeys(a.title for a in data.documents or []))
    title_of = {a.id: a.title for a in data.documents or []}
    rows: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, bool]] = []  # half, features, gold, hand score, quoted
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(Settings(index_dir=Path(tmp)))
        pipe.ingest_items(data.documents or [])
        gen = pipe.generator
        assert isinstance(gen, ExtractiveGenerator)
        for q in data.questions:
            hits = pipe.retrieve(q.question, pipe.settings.k)
            scored = gen.score_sentences(q.question, hits)
            if not scored.ranked:
                continue
            wanted = set(scored.terms)
            weights = gen.term_weights(sorted(wanted)) if gen.term_weights and wanted else {}
            total = sum(weights.get(t, 1.0) for t in wanted) or 1.0
            top = max(h.score for h in hits) or 1.0

            def share(text: str, _wanted: set[str] = wanted) -> float:
                return _coverage(_wanted, set(gen.analyzer.tokens(text)))

            feats, gold, hand = [], [], []
            for c in scored.ranked:
                text = c.hit.article.text
                spans = passage_sentences(text, 0, len(text))
                at = next((i for i, (s, _) in enumerate(spans) if s == c.start), 0)
                before = text[spans[at - 1][0] : spans[at - 1][1]] if at > 0 else ""
                after = text[spans[at + 1][0] : spans[at + 1][1]] if at + 1 < len(spans) else ""
                own = set(gen.analyzer.tokens(f"{c.hit.article.title} {c.text}"))
                words = gen.analyzer.tokens(c.text)
                feats.append(
                    [
                        c.cosine,
                        c.coverage,
                        float(c.fits),
                        sum(weights.get(t, 1.0) for t in wanted & own) / total,
                        c.number - 1,
                        c.hit.score / top,
                        share(before),
                        share(after),
                        sum(w not in wanted for w in words) / max(len(words), 1),
                        float(at == 0),
                    ]
                )
                gold.append(metrics.has_gold(c.text, q.answers))
                hand.append(c.score)
            quoted = " ".join(c.text for c in gen._choose(scored.info, scored.ranked))
            half = titles.index(title_of[next(iter(q.gold))]) % 2
            held = metrics.has_gold(quoted, q.answers) > 0
            rows.append((half, np.array(feats), np.array(gold), np.array(hand), held))
    n = len(data.questions)
    print(f"{n} questions, {len(rows)} with a sentence to rank; k={pipe.settings.k}")
    print("1. the first gold-holding sentence's place in the answerer's ranking (share of all questions):")
    for depth in (1, 2, 3, 5):
        print(f"   within the first {depth}: {sum(g[:depth].any() for _, _, g, _, _ in rows) / n:.3f}")
    print(f"   anywhere among the passages' sentences: {sum(g.any() for _, _, g, _, _ in rows) / n:.3f}")
    print(f"   in the quotes the answerer chooses (declines aside): {sum(r[4] for r in rows) / n:.3f}")
    print("2. gold sentence ranked first, hand-set score against a fitted ranker (checking half):")
    print(f"   features: {', '.join(NAMES)}")
    for choose in (0, 1):
        fit = [r for r in rows if r[0] == choose]
        check = [r for r in rows if r[0] != choose]
        x = np.vstack([r[1] for r in fit])
        y = np.concatenate([r[2] for r in fit])
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        model = LogisticRegression(C=1.0, max_iter=5000).fit((x - mean) / scale, y)
        fitted = np.mean([r[2][np.argmax(model.decision_function((r[1] - mean) / scale))] for r in check])
        hand_first = np.mean([r[2][np.argmax(r[3])] for r in check])
        name = "even" if choose == 0 else "odd"
        print(f"   fitted on {name}-numbered articles: hand-set {hand_first:.3f}, fitted {fitted:.3f}")
        shown = ", ".join(f"{w}={c:+.2f}" for w, c in zip(NAMES, model.coef_[0], strict=True))
        print(f"     standardised weights: {shown}")


if __name__ == "__main__":
    main()
