"""Quotes taken from articles: the sentences of a passage, cleaned at their edges, never reworded.

Cleaning only moves a quote's start and end inward, so the quote stays an exact substring of the
article (offsets stay right for highlighting): unbalanced quotation marks, a dangling comma after a
closing quote, and list dashes at the edges go; line breaks inside are shown as spaces.

Example:
    >>> text = 'Wenn wir Dinge bewegen?",'
    >>> s, e = clean_span(text, 0, len(text))
    >>> text[s:e]
    'Wenn wir Dinge bewegen?'
"""

from __future__ import annotations

from functools import lru_cache

from rag.chunking import content_sentences

_OPENING = "„\"»«‚'"
_CLOSING = "“\"«»‘'"
_PAIRS = {"„": "“", "»": "«", "«": "»", '"': '"', "‚": "‘"}


def clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``text[start:end]`` without edge white space, unbalanced quotation marks and dangling commas."""
    for _ in range(4):  # a few passes: removing a comma can expose an unbalanced closing mark
        before = (start, end)
        while start < end and (text[start].isspace() or text[start] in "-–—•*"):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in ",;"):
            end -= 1
        piece = text[start:end]
        if piece and piece[0] in _OPENING and not _closed(piece, piece[0]):
            start += 1
        piece = text[start:end]
        if piece and piece[-1] in _CLOSING and not _opened(piece, piece[-1]):
            end -= 1
        if (start, end) == before:
            break
    return start, end


def _closed(piece: str, opening: str) -> bool:
    closing = _PAIRS.get(opening, opening)
    rest = piece[1:]
    return closing in rest if closing != opening else rest.count(closing) % 2 == 1


def _opened(piece: str, closing: str) -> bool:
    openings = [o for o, c in _PAIRS.items() if c == closing]
    body = piece[:-1]
    if closing == '"':
        return body.count('"') % 2 == 1
    return any(o in body for o in openings)


def shown(text: str) -> str:
    """A quote as shown in an answer: its words with every run of white space (line breaks too) as one space."""
    return " ".join(text.split())


def passage_sentences(article_text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cleaned sentence offsets (into the article) of the passage ``article_text[start:end]``.

    Sentences come from the whole article, so a passage boundary never cuts one in two; those that
    begin inside the passage are kept.
    """
    spans = []
    for s, e in _sentences(article_text):
        if start <= s < end:
            s, e = clean_span(article_text, s, e)
            if e > s:
                spans.append((s, e))
    return spans


@lru_cache(maxsize=512)
def _sentences(article_text: str) -> tuple[tuple[int, int], ...]:
    return tuple(content_sentences(article_text))  # each answer reads a few articles, often the same ones
