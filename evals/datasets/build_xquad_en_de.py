"""Build ``xquad.en-de.json``: XQuAD's English questions asked of its German paragraphs.

XQuAD is parallel: every question has the same id in every language. Readers of this assistant may ask
in English about German news; this set measures that. Each German question's text is replaced by the
English question with the same id; paragraphs, gold answers (German spans) and ids stay as in
``xquad.de.json``, so ``rag eval`` scores it like the German set.

    git clone https://github.com/deepmind/xquad /tmp/xquad   # commit 60cac41, CC BY-SA 4.0
    python evals/datasets/build_xquad_en_de.py /tmp/xquad/xquad.en.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(english_path: str) -> int:
    english = json.loads(Path(english_path).read_text(encoding="utf-8"))
    asked = {q["id"]: q["question"] for a in english["data"] for p in a["paragraphs"] for q in p["qas"]}
    german = json.loads((HERE / "xquad.de.json").read_text(encoding="utf-8"))
    missing = 0
    for article in german["data"]:
        for paragraph in article["paragraphs"]:
            for q in paragraph["qas"]:
                if q["id"] not in asked:
                    missing += 1
                    continue
                q["question"] = asked[q["id"]]
    if missing:
        print(f"{english_path}: {missing} German question ids have no English question; is it XQuAD 60cac41?")
        return 1
    out = HERE / "xquad.en-de.json"
    out.write_text(json.dumps(german, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{out}: {len(asked)} English questions over the German paragraphs")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
