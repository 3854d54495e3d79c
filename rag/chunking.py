"""Sentence-aware chunking for German news text, keeping exact character offsets.

A line break inside a sentence is white space (exported news is hard-wrapped); a blank line or a
heading ends a sentence. Chunks are built from ``content_sentences``: agency boilerplate (see
``rag.boilerplate``) is left out of what is indexed and quoted, never out of the stored article.

Example:
    >>> text = "Am 3. Januar sprach Dr. Müller. Er sagte: „Es geht.“ Danach ging er."
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Am 3. Januar sprach Dr. Müller.', 'Er sagte: „Es geht.“', 'Danach ging er.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.boilerplate import boilerplate_spans

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
        "mr",  # English titles in quoted or translated copy: "Mr. Smith", "Rev. Al Sharpton", "Gov. Newsom"
        "mrs",
        "rev",
        "gov",
        "rep",
        "capt",
        "sgt",
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
_CANDIDATE = re.compile(r"[.!?…]+[\"“”»«'’)\]]*(?=\s)|\n[ \t\r]*\n\s*|\n")
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


_SENTENCE_END = '.!?…"“”»:'
_HEADING_MAX_CHARS = 80
_LABEL_MAX_WORDS = 3  # a heading's label: "Trump:", "Freie Wähler:", "Arzt in Bergamo:"


def _heading_before(text: str, newline: int) -> bool:
    """Whether the line ending at ``newline`` is a heading, not a hard-wrapped piece of a sentence.

    News exported as text wraps lines inside sentences ("sagte eine Sprecherin,\\nder zuerst ...").
    A heading is short, starts a sentence, ends without punctuation, has no comma, does not end on a
    function word, has at least two words, and the next line starts with a capital. It may have one
    colon after a short label ("Trump: WHO hat sich auf China verlassen"), unless that label opens other
    lines of the article too: an interview's speaker ("ZEIT ONLINE: Herr\\nStöbe, …") is no heading.
    """
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[line_start:newline].strip()
    words = line.split()
    if len(words) < 2 or len(line) > _HEADING_MAX_CHARS or line[-1] in _SENTENCE_END + ",;-–—(":
        return False
    if "," in line or not (line[0].isupper() or line[0].isdigit()) or not _labelled_once(text, line):
        return False
    if words[-1].lower() in _function_words():
        return False
    following = _NEXT_WORD.match(text, newline + 1)
    if following is None or not (following.group(1)[0].isupper() or following.group(1)[0] in '„"»'):
        return False
    before = text[:line_start].rstrip(" \t\r")
    if not before.strip():
        return True
    previous = before[:-1].rstrip(" \t\r") if before.endswith("\n") else before
    return not previous or previous.endswith("\n") or previous[-1] in _SENTENCE_END


def _labelled_once(text: str, line: str) -> bool:
    """Whether ``line`` has no colon, or one after a label of at most three words that opens no other line."""
    label, colon, rest = line.partition(":")
    if not colon:
        return True
    if ":" in rest or not rest.strip() or len(label.split()) > _LABEL_MAX_WORDS:
        return False
    return len(re.findall(rf"(?m)^[ \t]*{re.escape(label.strip())}:", text)) == 1


def is_heading(text: str, start: int, end: int) -> bool:
    """Whether the sentence ``text[start:end]`` is a heading: a short line of its own without final punctuation.

    A subheading ("Russland-USA-Gespräch in Istanbul") names a topic; it states no fact a quote could
    answer with, so the answerer does not quote it.

    Example:
        >>> text = "Er sprach in Moskau.\\n\\nGespräch in Istanbul\\n\\nDiplomaten trafen sich."
        >>> [is_heading(text, s, e) for s, e in split_sentences(text)]
        [False, True, False]
    """
    line = text[start:end]
    if "\n" in line or not line or line[-1] in _SENTENCE_END or len(line) > _HEADING_MAX_CHARS:
        return False
    before = text[:start].rstrip(" \t\r")
    after = text[end:].lstrip(" \t\r")
    alone = (not before or before.endswith("\n")) and (not after or after.startswith("\n"))
    return alone and len(line.split()) >= 2 and "," not in line


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_GERMAN

    return frozenset(STOPWORDS_GERMAN)


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    following = _NEXT_WORD.match(text, match.end())
    if following is None:
        return True
    next_word = following.group(1)
    if "\n" in match.group():
        if match.group().count("\n") == 1:
            return _heading_before(text, match.start())  # a single line break only ends a heading
        # a blank line ends a sentence, unless it falls inside one (a lower-case word after a comma)
        before = text[: match.start()].rstrip()
        return not (next_word[0].islower() and before and before[-1] not in _SENTENCE_END)
    if next_word[0].islower():
        return False  # "Dr. med.", "usw. und", „Wer?“ fragte er: a lower-case continuation is no new sentence
    punct_at = match.start()
    if text[punct_at] != ".":
        return True
    begin = punct_at
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1  # the token before the dot; a regex anchored at the dot rescanned the whole prefix
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


def content_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` with boilerplate cut off (a sentence that is all boilerplate is dropped)."""
    sentences = split_sentences(text)
    cuts = boilerplate_spans(text)
    if not cuts:
        return sentences
    kept: list[tuple[int, int]] = []
    for start, end in sentences:
        for cut_start, cut_end in cuts:
            if cut_start <= start < cut_end:
                start = cut_end
            if cut_start < end <= cut_end:
                end = cut_start
        _append_trimmed(text, start, end, kept)
    return kept


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
    sentences = [piece for span in content_sentences(text) for piece in _split_long(span, text, max_chars)]
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
