"""Checked citations: split a written answer into sentences, read their ``[n]`` markers, and test each
cited passage for support.

Offline there is no entailment model (``../shared/MODELS.md``: PyPI ships no NLI or cross-encoder
weights), so support rests on lexical evidence a reader can verify: every number and date of the
sentence (dates normalised: "3. Januar 2017" = "03.01.2017"), every phrase it quotes, and every
capitalised word after its first (German names and nouns: what it is about) occur in the passages it
cites, stemmed, a word also counting inside a compound that starts or ends with it ("Gespräch" in
"Telefongespräch"); and at least half of its content words do. A paraphrase with other nouns fails:
the check errs on the side of not vouching for a claim. A sentence without a marker, or whose marker
names a passage that does not support it, is attributed to the passage that does, if one does; of
several citations, those that do not support the sentence on their own are dropped when another does.
A sentence that fails keeps its text but loses the claim: it is marked as not supported.

Example:
    >>> from rag.lexical import GermanAnalyzer
    >>> checked = check_answer("Putin und Trump telefonierten am Samstag [1].",
    ...                        ["Trump und Putin führten am Samstag ein Telefonat."], GermanAnalyzer())
    >>> [(s.text, s.cited, s.supported) for s in checked]
    [('Putin und Trump telefonierten am Samstag.', (1,), True)]
"""

from __future__ import annotations

import re

from rag.answer.base import CheckedSentence
from rag.chunking import split_sentences
from rag.lexical import GermanAnalyzer

__all__ = ["CheckedSentence", "check_answer", "markers", "unsupported"]

# markers as models write them: [1], [1, 2], [1][2], [Passage 1], 【1】, [^1]
_MARKER = re.compile(r"\s*[\[【]\s*\^?(?:passage|passagen|quelle|source)?\s*(\d+(?:\s*[,;/]\s*\d+)*)\s*[\]】]", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januar", "jänner", "january", "jan"),
            ("februar", "february", "feb"),
            ("märz", "march", "mär", "mar"),
            ("april", "apr"),
            ("mai", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("dezember", "december", "dez", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WORD_DATE = re.compile(
    r"\b(\d{1,2})\.?\s+(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{4})\b", re.I
)
_DOT_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_QUOTED = re.compile(r"[„“\"»«]([^„“”\"»«]{3,}?)[“”\"«»]")
_CAPITALISED = re.compile(r"(?<!^)\b[A-ZÄÖÜ][\wäöüß-]*")
MIN_COVERAGE = 0.5
MIN_ATTRIBUTED_WORDS = 3


def markers(sentence: str) -> tuple[str, list[int]]:
    """The sentence without its markers, and the numbers they named, in order, each once."""
    found: list[int] = []
    for m in _MARKER.finditer(sentence):
        for n in re.split(r"\s*[,;/]\s*", m.group(1)):
            if int(n) not in found:
                found.append(int(n))
    text = _MARKER.sub("", sentence)
    text = re.sub(r"\s+([.!?,;:])", r"\1", text)
    return " ".join(text.split()), found


def check_answer(answer: str, passages: list[str], analyzer: GermanAnalyzer) -> list[CheckedSentence]:
    """Each sentence of ``answer`` with its citations checked against ``passages`` (passage n is index n-1)."""
    pieces: list[str] = []
    for start, end in split_sentences(answer):
        piece = answer[start:end]
        lead = re.match(r"(?:" + _MARKER.pattern + r")+", piece, re.I)
        if lead and pieces:  # "… am Samstag. [1] Der Kreml …": the marker belongs to the sentence before
            pieces[-1] += " " + lead.group()
            piece = piece[lead.end() :]
        pieces.append(piece)
    out = []
    for piece in pieces:
        text, numbers = markers(piece)
        if not text.strip(" .!?"):
            continue
        valid = tuple(n for n in numbers if 1 <= n <= len(passages))
        missing = [n for n in numbers if n not in valid]
        if not numbers:
            reason = "no citation"
        elif missing:
            reason = f"passage {missing[0]} does not exist"
        else:
            reason = unsupported(text, [passages[n - 1] for n in valid], analyzer)
        if not reason:
            # of several citations keep those that support the sentence on their own, when any does: a
            # reader following [2] should find the claim there
            alone = tuple(n for n in valid if len(valid) > 1 and not unsupported(text, [passages[n - 1]], analyzer))
            dropped = [n for n in valid if alone and n not in alone]
            why = f"{', '.join(f'[{n}]' for n in dropped)} dropped: not supporting it alone" if dropped else ""
            out.append(CheckedSentence(text, alone or valid, True, why))
            continue
        other = _supporting(text, passages, analyzer)
        if other is not None:  # the sentence holds, under another passage than the one it named
            out.append(CheckedSentence(text, (other,), True, f"{reason}; attributed to [{other}]"))
        else:
            out.append(CheckedSentence(text, valid, False, reason))
    return out


def _supporting(sentence: str, passages: list[str], analyzer: GermanAnalyzer) -> int | None:
    """The number of the passage that supports ``sentence`` best on its own (most shared words), or None.

    Only a sentence of at least ``MIN_ATTRIBUTED_WORDS`` content words is a claim worth attributing: a
    word or two that a passage happens to contain ("HACKED") is not.
    """
    words = set(analyzer.tokens(sentence))
    if len(words) < MIN_ATTRIBUTED_WORDS:
        return None
    best: tuple[int, int] | None = None
    for number, passage in enumerate(passages, start=1):
        if not unsupported(sentence, [passage], analyzer):
            shared = len(words & set(analyzer.tokens(passage)))
            if best is None or shared > best[0]:
                best = (shared, number)
    return best[1] if best else None


def unsupported(sentence: str, cited: list[str], analyzer: GermanAnalyzer) -> str:
    """Why the cited passages do not support ``sentence`` ("" when they do)."""
    evidence = " ".join(cited)
    flat = " ".join(evidence.split())
    for phrase in _QUOTED.findall(sentence):  # a quotation must be the passage's words
        if " ".join(phrase.split()).casefold() not in flat.casefold():
            return f"the quotation „{phrase}“ is not in the cited passages"
    numbers = _numbers(flat)
    for number in _numbers(sentence):
        if number not in numbers:
            return f"number {number} is not in the cited passages"
    known = set(analyzer.tokens(evidence))
    words_only = _WORD_DATE.sub(" ", sentence).strip()  # a date's month name was checked with its numbers
    for name in _CAPITALISED.findall(words_only):  # names and nouns: what a sentence is about
        if not all(_present(t, known) for t in analyzer.tokens(name)):
            return f"{name} is not in the cited passages"
    words = set(analyzer.tokens(words_only))
    if not words:
        return ""
    found = {w for w in words if _present(w, known)}
    if len(found) < MIN_COVERAGE * len(words):
        return f"only {len(found)} of {len(words)} content words are in the cited passages"
    return ""


def _numbers(text: str) -> set[str]:
    """The numbers of ``text`` with its dates as ``YYYY-MM-DD`` ("3. Januar 2017" and "03.01.2017" alike),
    thousands separators and leading zeros dropped ("1.000" = "1000", "03" = "3")."""

    def iso(day: str, month: int, year: str) -> str:
        return f" {year}-{month:02d}-{int(day):02d} "

    text = _WORD_DATE.sub(lambda m: iso(m[1], _MONTHS[m[2].casefold()], m[3]), text)
    text = _DOT_DATE.sub(lambda m: iso(m[1], int(m[2]), m[3]) if 1 <= int(m[2]) <= 12 else m[0], text)
    found = set()
    for token in re.findall(r"\d{4}-\d{2}-\d{2}|" + _NUMBER.pattern, text):
        if "-" in token:  # a date also holds its year, month and day ("2017" is in "03.01.2017")
            found.update([token, *(part.lstrip("0") for part in token.split("-"))])
            continue
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token):
            token = token.replace(".", "")
        found.add(token.lstrip("0") or "0")
    return found


def _present(term: str, known: set[str]) -> bool:
    """Whether a stemmed term occurs in ``known``, also as the start or end of a compound ("gesprach" in
    "telefongesprach"; only for terms of five letters or more, so that short stems do not match by chance)."""
    if term in known:
        return True
    return len(term) >= 5 and any(len(k) > len(term) and (k.endswith(term) or k.startswith(term)) for k in known)
