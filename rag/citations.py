"""Formatting of answers and cited passages for the terminal, JSON and HTML.

Article text is data, never markup: everything taken from an article is escaped before it is
shown, so ``<script>`` in an article appears as the characters ``<script>``.

Example:
    >>> highlight("Trump rief an. Putin nicht.", 0, [(0, 14)])
    '<mark>Trump rief an.</mark> Putin nicht.'
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlparse

from rag.generation import Answer
from rag.retrieval import Hit

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|~$])")


def highlight(text: str, offset: int, spans: list[tuple[int, int]]) -> str:
    """Escape ``text`` (which starts at article offset ``offset``) and wrap the cited ``spans`` in <mark>."""
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        s, e = max(start - offset, cursor), min(end - offset, len(text))
        if e <= s:
            continue
        pieces.append(html.escape(text[cursor:s]))
        pieces.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces)


def safe_markdown(text: str) -> str:
    """Article text made inert for a Markdown renderer: HTML escaped, Markdown syntax backslashed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat: quoted sentences as inert text, each with its [n] marker."""
    if answer.declined or not answer.citations:
        lines = [safe_markdown(answer.text)]
        if answer.passages:
            lines.append("\n_Die nächsten Passagen stehen rechts unter „Quellen“._")
        return "\n".join(lines)
    return " ".join(f"{safe_markdown(' '.join(c.text.split()))} [{c.number}]" for c in answer.citations)


def _safe_url(url: str) -> str | None:
    parsed = urlparse(url)
    return url if parsed.scheme in ("http", "https") and parsed.netloc else None


def passage_html(number: int, hit: Hit, answer: Answer) -> str:
    """One source card: headline, date, source, the passage with cited spans marked, the whole article."""
    art = hit.article
    spans = [(c.start, c.end) for c in answer.citations if c.number == number]
    cited = " cited" if spans else ""
    meta = " · ".join(html.escape(x) for x in (art.date or "ohne Datum", art.source) if x)
    link = _safe_url(art.url)
    link_html = (
        f' · <a href="{html.escape(link)}" target="_blank" rel="noopener noreferrer">Original</a>' if link else ""
    )
    return (
        f'<div class="rag-source{cited}" id="source-{number}">'
        f'<div class="rag-source-head"><b>[{number}]</b> {html.escape(art.title)}</div>'
        f'<div class="rag-source-meta">{meta}{link_html} · Relevanz {hit.score:.2f}</div>'
        f'<blockquote class="rag-passage">{highlight(hit.chunk.text, hit.chunk.start, spans)}</blockquote>'
        f"<details><summary>Ganzen Artikel anzeigen</summary>"
        f'<div class="rag-article">{highlight(art.text, 0, spans)}</div></details>'
        "</div>"
    )


def sources_html(answer: Answer | None) -> str:
    """The sources panel: cited passages first, then the other retrieved ones."""
    if answer is None or not answer.passages:
        return '<div class="rag-empty">Noch keine Quellen: stellen Sie eine Frage.</div>'
    cited = {c.number for c in answer.citations}
    numbers = range(1, len(answer.passages) + 1)
    first = [n for n in numbers if n in cited]
    rest = [n for n in numbers if n not in cited]
    parts = ['<div class="rag-sources">']
    if first:
        parts.append("<h3>Zitierte Passagen</h3>")
        parts.extend(passage_html(n, answer.passages[n - 1], answer) for n in first)
    if rest:
        parts.append(
            "<h3>Weitere gefundene Passagen</h3>" if first else "<h3>Nächste Passagen (keine belegt die Frage)</h3>"
        )
        parts.extend(passage_html(n, answer.passages[n - 1], answer) for n in rest)
    parts.append("</div>")
    return "".join(parts)


def answer_to_dict(question: str, answer: Answer) -> dict[str, Any]:
    """The JSON shape of ``rag ask --json``."""
    return {
        "question": question,
        "answer": answer.text,
        "declined": answer.declined,
        "citations": [
            {"number": c.number, "article_id": c.article_id, "start": c.start, "end": c.end, "text": c.text}
            for c in answer.citations
        ],
        "passages": [
            {
                "number": n,
                "article_id": h.article.id,
                "title": h.article.title,
                "date": h.article.date,
                "source": h.article.source,
                "url": h.article.url,
                "start": h.chunk.start,
                "end": h.chunk.end,
                "score": round(h.score, 4),
                "text": h.chunk.text,
            }
            for n, h in enumerate(answer.passages, start=1)
        ],
        "timings": answer.timings,
    }
