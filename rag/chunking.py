"""Sentence-aware chunking for German news text, keeping exact character offsets.

Example:
    >>> text = "Am 3. Januar sprach Dr. Müller. Er sagte: „Es geht.“ Danach ging er."
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Am 3. Januar sprach Dr. Müller.', 'Er sagte: „Es geht.“', 'Danach ging er.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence (lower-cased, without the dot).
ABBREVIATIONS = frozenset(
    [
        "abb",
        "abs",
        "abt",
        "allg",
        "anm",
        "bd",
        "bzgl",
        "bzw",
        "ca",
        "chr",
        "co",
        "dgl",
        "dr",
        "dipl",
        "d.h",
        "dt",
        "ebd",
        "etc",
        "evtl",
        "engl",
        "frz",
        "geb",
        "gebr",
        "gegr",
        "ggf",
        "hl",
        "hr",
        "hrsg",
        "i.a",
        "i.d.r",
        "inkl",
        "insb",
        "ing",
        "jh",
        "jhd",
        "jr",
        "kap",
        "kath",
        "lt",
        "max",
        "mag",
        "min",
        "mio",
        "mrd",
        "nr",
        "nrn",
        "o.ä",
        "od",
        "prof",
        "rd",
        "s",
        "sen",
        "sog",
        "st",
        "std",
        "str",
        "tel",
        "u.a",
        "u.ä",
        "usw",
        "v.a",
        "v.chr",
        "vgl",
        "vs",
        "z.b",
        "z.t",
        "zb",
        "zt",
        "ziff",
        "zzgl",
        "jan",
        "feb",
        "febr",
        "mär",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "okt",
        "nov",
        "dez",
        "mo",
        "di",
        "mi",
        "do",
        "fr",
        "sa",
        "so",
    ]
)
_MONTHS = "januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember"
_CANDIDATE = re.compile(r"[.!?…]+[\"“”»«'’)\]]*(?=\s)|\n\s*\n|\n")
_NEXT_WORD = re.compile(r"\s*([^\s]+)")
_MONTH_START = re.compile(rf"^[(\"„»]*({_MONTHS})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Chunk:
    """A passage of an article; ``text == article.text[start:end]``."""

    article_id: str
    text: str
    start: int
    end: int
    index: int = 0


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    if "\n" in match.group():
        return True
    punct_at = match.start()
    if text[punct_at] != ".":
        return True
    begin = punct_at
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1  # the token before the dot; a regex anchored at the dot rescanned the whole prefix
    following = _NEXT_WORD.match(text, match.end())
    if following is None:
        return True
    next_word = following.group(1)
    if next_word[0].islower():
        return False  # "Dr. med." or "usw. und": a lower-case continuation is never a new sentence
    if begin == punct_at:
        return True
    token = text[begin:punct_at].lstrip('("„»').lower()
    if token in ABBREVIATIONS or token.rstrip(".") in ABBREVIATIONS:
        return False
    if token.isdigit() and len(token) <= 2:
        return False  # ordinals such as "3. Januar", "20. Jahrhundert"
    if len(token) == 1 and token.isalpha():
        return False  # initials: "Donald J. Trump"
    return not (_MONTH_START.match(next_word) and token.isdigit())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split German text into sentences, returned as ``(start, end)`` offsets without outer whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        if _is_boundary(text, match):
            _append_trimmed(text, start, match.end(), spans)
            start = match.end()
    _append_trimmed(text, start, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _split_long(span: tuple[int, int], text: str, max_chars: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at white space so that no piece exceeds ``max_chars``."""
    pieces: list[tuple[int, int]] = []
    start, end = span
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        cut = cut if cut > start else start + max_chars
        _append_trimmed(text, start, cut, pieces)
        start = cut
    _append_trimmed(text, start, end, pieces)
    return pieces


def chunk_text(article_id: str, text: str, max_chars: int = 800, overlap: int = 1) -> list[Chunk]:
    """Pack whole sentences into chunks of at most ``max_chars``, repeating ``overlap`` sentences.

    Args:
        article_id: id stored on every chunk.
        text: the article text the offsets refer to.
        max_chars: upper bound of a chunk's length (a sentence longer than this is cut at spaces).
        overlap: how many sentences at the end of a chunk start the next one again.

    Returns:
        Chunks in reading order, each with ``text == text[start:end]``.
    """
    if max_chars < 50:
        raise ValueError(f"chunk size must be >= 50 characters, got {max_chars}")
    if overlap < 0:
        raise ValueError(f"chunk overlap must be >= 0 sentences, got {overlap}")
    sentences = [piece for span in split_sentences(text) for piece in _split_long(span, text, max_chars)]
    chunks: list[Chunk] = []
    first = 0
    while first < len(sentences):
        last = first
        while last + 1 < len(sentences) and sentences[last + 1][1] - sentences[first][0] <= max_chars:
            last += 1
        start, end = sentences[first][0], sentences[last][1]
        chunks.append(Chunk(article_id, text[start:end], start, end, len(chunks)))
        if last + 1 >= len(sentences):
            break
        # subtle: always advance by at least one sentence, or a big overlap would loop forever
        first = max(first + 1, last + 1 - overlap)
    return chunks
