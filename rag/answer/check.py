"""Checked citations: split a written answer into sentences, read their ``[n]`` markers, and test each
cited passage for support.

Offline there is no entailment model (``../shared/MODELS.md``: PyPI ships no NLI or cross-encoder
weights), so support rests on lexical evidence a reader can verify: every number of the sentence and
every capitalised word after its first (German names and nouns: what it is about) occur, stemmed, in
the passages it cites, and so do at least half of its content words. A paraphrase with other nouns
fails: the check errs on the side of not vouching for a claim.
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
from dataclasses import dataclass

from rag.chunking import split_sentences
from rag.lexical import GermanAnalyzer

# markers as models write them: [1], [1, 2], [1][2], [Passage 1], 【1】, [^1]
_MARKER = re.compile(r"\s*[\[【]\s*\^?(?:passage|passagen|quelle|source)?\s*(\d+(?:\s*[,;/]\s*\d+)*)\s*[\]】]", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"(?<!^)\b[A-ZÄÖÜ][\wäöüß-]*")
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class CheckedSentence:
    """One sentence of a written answer, without its markers; ``cited`` are the valid passage numbers."""

    text: str
    cited: tuple[int, ...]
    supported: bool
    reason: str = ""  # why not supported: "no citation", "passage 7 does not exist", "number 42 not in [2]" …


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
            out.append(CheckedSentence(text, (), False, "no citation"))
        elif missing:
            out.append(CheckedSentence(text, valid, False, f"passage {missing[0]} does not exist"))
        else:
            reason = unsupported(text, [passages[n - 1] for n in valid], analyzer)
            out.append(CheckedSentence(text, valid, not reason, reason))
    return out


def unsupported(sentence: str, cited: list[str], analyzer: GermanAnalyzer) -> str:
    """Why the cited passages do not support ``sentence`` ("" when they do)."""
    evidence = " ".join(cited)
    flat = " ".join(evidence.split())
    for number in _NUMBER.findall(sentence):
        if number not in flat:
            return f"number {number} is not in the cited passages"
    known = set(analyzer.tokens(evidence))
    for name in _CAPITALISED.findall(sentence.strip()):  # names and nouns: what a sentence is about
        if not set(analyzer.tokens(name)) <= known:
            return f"{name} is not in the cited passages"
    words = set(analyzer.tokens(sentence))
    if not words:
        return ""
    found = words & set(analyzer.tokens(evidence))
    if len(found) < MIN_COVERAGE * len(words):
        return f"only {len(found)} of {len(words)} content words are in the cited passages"
    return ""
