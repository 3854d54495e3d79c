"""German spellings of names an English question writes in English transliteration.

German news write Russian and Ukrainian names in the German transliteration (Duden): "Peskow",
"Lawrow", "Sacharowa", "Selenskyj", where an English question writes "Peskov", "Lavrov",
"Zakharova", "Zelensky". Neither BM25 nor the answerer's word coverage meets the one with the other,
and a name the index never holds makes the answerer decline. So an English question's capitalised
words that the index does not hold are tried in the German spellings these rules give, and a
spelling the index holds takes the word's place.

Example:
    >>> "Peskow" in german_spellings("Peskov") and "Sacharowa" in german_spellings("Zakharova")
    True
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

# English transliteration -> German, each rule applied or not: a name need not be Russian ("Zurich")
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"zh"), "sch"),  # Zhukov -> Schukow
    (re.compile(r"kh"), "ch"),  # Zakharova -> Sacharowa
    (re.compile(r"sh"), "sch"),  # Shoigu -> Schoigu
    (re.compile(r"(?<![st])ch"), "tsch"),  # Chernobyl -> Tschernobyl
    (re.compile(r"ts(?!ch)"), "z"),  # Yeltsin -> Jelzin (not the "tsch" of a rule before)
    (re.compile(r"v"), "w"),  # Peskov -> Peskow, Kiev -> Kiew
    (re.compile(r"^z|(?<=[aeiou])z(?=[aeiou])"), "s"),  # Zakharova -> Sacharowa, Zelensky -> Selensky
    (re.compile(r"^y|(?<=[aeiou])y(?=[aeiou])"), "j"),  # Yeltsin -> Jeltsin, Maya -> Maja
    (re.compile(r"(?<=sk)y$"), "yj"),  # Zelensky -> Selenskyj
)
_MAX_VARIANTS = 64


def german_spellings(name: str) -> list[str]:
    """The spellings the rules give for ``name`` (itself excluded), capitalised as it was."""
    word = name.lower()
    found: list[str] = []
    for chosen in itertools.product((False, True), repeat=len(_RULES)):
        spelled = word
        for (pattern, german), on in zip(_RULES, chosen, strict=True):
            if on:
                spelled = pattern.sub(german, spelled)
        if spelled != word and spelled not in found:
            found.append(spelled)
        if len(found) >= _MAX_VARIANTS:
            break
    return [s[:1].upper() + s[1:] if name[:1].isupper() else s for s in found]


_NAME = re.compile(r"\b[A-Z][a-z]+\b")


def respell(question: str, held: Callable[[list[str]], set[str]]) -> str:
    """``question`` with each capitalised word after the first that the index does not hold replaced by the
    first of its German spellings that it holds ("Who is Peskov?" -> "Who is Peskow?"). ``held`` tells
    which of some words the index holds (two calls: the question's words, then their spellings)."""
    lead = len(question) - len(question.lstrip())
    words = list(dict.fromkeys(m.group() for m in _NAME.finditer(question) if m.start() != lead))
    holds = held(words) if words else set()
    unheld = [w for w in words if w not in holds]
    spellings = {w: german_spellings(w) for w in unheld}
    candidates = [s for found in spellings.values() for s in found]
    known = held(candidates) if candidates else set()
    out = question
    for word, found in spellings.items():
        spelled = next((s for s in found if s in known), None)
        if spelled is not None:
            out = re.sub(rf"\b{re.escape(word)}\b", spelled, out)
    return out
