"""How well the citation check (rag.answer.check) tells supported from unsupported sentences, on XQuAD-de.

    python evals/verify_check.py [--dataset evals/datasets/xquad.de.json] [--out evals/reports/xquad.de]

There is no labelled set of model-written German sentences, so the claims are built from XQuAD-de's
paragraphs and gold answers, one of each kind per question:

- ``supported``: the paragraph sentence that holds the gold answer, cited with its own paragraph.
- ``reworded``: the same sentence with its words in another order and the first clause dropped (a
  crude stand-in for a model's rewording), cited with its own paragraph. Should pass.
- ``other paragraph``: the sentence cited with another paragraph of the same Wikipedia article (the
  hard case: same topic, same names). Should fail.
- ``wrong answer``: the sentence with its gold answer replaced by the gold answer of another question
  on the same article, cited with its own paragraph. Should fail.

Prints, per kind, the share of claims the check accepts, and with ``--out DIR`` writes
``DIR/verify.json``: those shares, and for the check as a detector of unsupported claims (the last two
kinds) its ``balanced_accuracy``, ``precision`` and ``recall``. What this cannot show: how the check treats
a genuine paraphrase with other nouns (it rejects those by design) or a claim the passage states in
other words that an entailment model would accept.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from rag.answer.check import unsupported
from rag.chunking import split_sentences
from rag.lexical import GermanAnalyzer

SUPPORTED = ("supported", "reworded")
UNSUPPORTED = ("other paragraph", "wrong answer")


def claims(dataset: dict, seed: int) -> list[tuple[str, str, str]]:
    """``(kind, sentence, cited passage)`` for every question that has a gold answer in one sentence."""
    rng = random.Random(seed)
    out = []
    for article in dataset["data"]:
        paragraphs = [p["context"] for p in article["paragraphs"]]
        answers = [(i, qa["answers"][0]) for i, p in enumerate(article["paragraphs"]) for qa in p["qas"]]
        for i, answer in answers:
            context, start = paragraphs[i], answer["answer_start"]
            span = next(((a, b) for a, b in split_sentences(context) if a <= start < b), None)
            if span is None or start + len(answer["text"]) > span[1]:
                continue
            sentence = context[span[0] : span[1]]
            out.append(("supported", sentence, context))
            clauses = [c.strip() for c in sentence.rstrip(".").split(",") if c.strip()]
            if len(clauses) > 1:
                out.append(("reworded", ", ".join(reversed(clauses[1:])) + ".", context))
            others = [p for j, p in enumerate(paragraphs) if j != i]
            if others:
                out.append(("other paragraph", sentence, rng.choice(others)))
            wrong = [a["text"] for j, a in answers if a["text"] != answer["text"] and a["text"] not in context]
            if wrong:
                out.append(("wrong answer", sentence.replace(answer["text"], rng.choice(wrong)), context))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("evals/datasets/xquad.de.json"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write verify.json into this folder")
    args = parser.parse_args(argv)
    import json

    dataset = json.loads(args.dataset.read_text(encoding="utf-8"))
    analyzer = GermanAnalyzer()
    accepted: dict[str, list[bool]] = {}
    for kind, sentence, passage in claims(dataset, args.seed):
        accepted.setdefault(kind, []).append(not unsupported(sentence, [passage], analyzer))
    print(f"{args.dataset}: share of claims the citation check accepts")
    for kind in ("supported", "reworded", "other paragraph", "wrong answer"):
        values = accepted.get(kind, [])
        print(f"{kind:>16}: {sum(values) / max(len(values), 1):.3f} of {len(values)}")
    scores = detector_scores(accepted)
    print(", ".join(f"{name} {value:.3f}" for name, value in scores.items()))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        shares = {kind: round(sum(v) / max(len(v), 1), 4) for kind, v in accepted.items()}
        report = {"dataset": str(args.dataset), "seed": args.seed, "accepted_share": shares,
                  "counts": {kind: len(v) for kind, v in accepted.items()},
                  **{name: round(value, 4) for name, value in scores.items()}}  # fmt: skip
        (args.out / "verify.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def detector_scores(accepted: dict[str, list[bool]]) -> dict[str, float]:
    """The check as a detector of unsupported claims: a rejected claim is a positive."""
    bad = [not ok for kind in UNSUPPORTED for ok in accepted.get(kind, [])]  # True: rightly rejected
    good = [ok for kind in SUPPORTED for ok in accepted.get(kind, [])]  # True: rightly accepted
    caught, false_alarms = sum(bad), len(good) - sum(good)
    recall = caught / len(bad) if bad else 0.0
    specificity = sum(good) / len(good) if good else 0.0
    precision = caught / (caught + false_alarms) if caught + false_alarms else 0.0
    return {"balanced_accuracy": (recall + specificity) / 2, "precision": precision, "recall": recall}


if __name__ == "__main__":
    sys.exit(main())
