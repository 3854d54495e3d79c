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

from rag.answer import Answer
from rag.answer.extractive import article_date
from rag.answer.quotes import shown
from rag.corpus import Article
from rag.retrieval import Hit

_CLOSEST = "Nächste Passagen"
CLOSEST_HEADING = f"{_CLOSEST} (keine belegt die Frage)"  # the sources panel of a declined answer
SOURCES_HINT = f"Was die Suche am nächsten fand, steht bei den Quellen unter „{_CLOSEST}“."


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


def answer_chat_text(answer: Answer) -> str:
    """The answer as the chat shows it: plain text (the chat renders no Markdown or HTML), each quote
    followed by its ``[n]``, which the page turns into a link to source card n.

    Plain text is also what the chat's copy button copies: no escapes, no markup.
    """
    text = answer.text
    if (answer.declined or not answer.citations) and not answer.partial:
        text = f"{text}\n\n{SOURCES_HINT}" if answer.passages else text
    if answer.note:
        text = f"{text}\n\nHinweis: {answer.note}"
    return f"{date_note(answer)}\n\n{text}" if date_note(answer) else text


def date_note(answer: Answer) -> str:
    """The period a question's own words limited the search to ("" when none did): the reader sees it."""
    scope = answer.date_range
    return scope.describe() if scope is not None and scope.source == "question" else ""


def source_label(article: Article) -> str:
    """ "Headline (outlet, Februar 2025)"; the file name stands in for an outlet only when there is none."""
    return f"{article.title} ({', '.join(x for x in (_outlet(article), _when(article)) if x)})"


def _outlet(article: Article) -> str:
    return article.source or (article.path.rsplit("/", 1)[-1] if article.path else "")


def _when(article: Article) -> str:
    return article_date(article.date, english=False) or "ohne Datum"


def copies_label(hit: Hit) -> str:
    """ "auch in: tagesspiegel.de (3. April 2020), zeit.de (4. April 2020)" for a story found in several places."""
    if not hit.also:
        return ""
    return "auch in: " + ", ".join(f"{_outlet(c)} ({_when(c)})" for c in hit.also)


def _copies_html(hit: Hit) -> str:
    if not hit.also:
        return ""
    items = []
    for copy in hit.also:
        text = html.escape(f"{_outlet(copy)} ({_when(copy)})")
        title = html.escape(copy.title)
        link = _safe_url(copy.url)
        item = f'<a href="{html.escape(link)}" target="_blank" rel="noopener noreferrer">{text}</a>' if link else text
        items.append(f'<span title="{title}">{item}</span>')
    return f'<div class="rag-copies">auch in: {", ".join(items)}</div>'


def _safe_url(url: str) -> str | None:
    parsed = urlparse(url)
    return url if parsed.scheme in ("http", "https") and parsed.netloc else None


def passage_html(number: int, hit: Hit, answer: Answer, turn: int = 0) -> str:
    """One source card: headline, outlet and date, the passage with cited spans marked, and a fold that
    loads the whole article when opened.

    Uncited passages are collapsed to their headline; a declined answer shows no relevance figure, which
    would read as confidence in passages that do not answer.
    """
    art = hit.article
    spans = [(c.start, c.end) for c in answer.citations if c.number == number]
    cited = " cited" if spans else ""
    meta = " · ".join(html.escape(x) for x in (_outlet(art), _when(art)) if x)
    link = _safe_url(art.url)
    link_html = (
        f' · <a href="{html.escape(link)}" target="_blank" rel="noopener noreferrer">Original</a>' if link else ""
    )
    score = "" if answer.declined else f" · Trefferwert {hit.score:.2f}"
    body = (
        f'<div class="rag-source-meta">{meta}{link_html}{score}</div>{_copies_html(hit)}'
        f'<blockquote class="rag-passage">{highlight(hit.chunk.text, hit.chunk.start, spans)}</blockquote>'
        # the article itself is fetched when the reader opens it (article_card_html): a card carries only
        # its passage, so an answer stays small and a kept conversation holds no whole articles
        f'<details class="rag-article-toggle"><summary>Ganzen Artikel anzeigen</summary>'
        f'<div class="rag-article" data-article="{html.escape(art.id)}" data-spans="{_spans_attr(spans)}">'
        f"Artikel wird geladen …</div></details>"
    )
    head = f"<b>[{number}]</b> {html.escape(art.title)}"
    if spans:
        return (
            f'<div class="rag-source{cited}" id="source-{turn}-{number}">'
            f'<div class="rag-source-head">{head}</div>{body}</div>'
        )
    # a folded card shows how its passage begins: passages of one article carry the same headline
    opening = passage_opening(hit)
    if opening:
        head += f'<div class="rag-passage-start">{html.escape(opening)}</div>'
    return (
        f'<details class="rag-source" id="source-{turn}-{number}"><summary class="rag-source-head">{head}</summary>'
        f"{body}</details>"
    )


OPENING_CHARS = 90  # how much of a folded passage its card shows


def passage_opening(hit: Hit) -> str:
    """The first words of the passage ("„Ein Teil dieser westlichen Eliten ist weiter so eingestellt …"), cut at a
    word; empty when the passage opens with its headline, which the card already shows."""
    text, title = shown(hit.chunk.text), shown(hit.article.title)
    if not text or (title and text.startswith(title.rstrip("…. "))):
        return ""
    if len(text) <= OPENING_CHARS:
        return text
    cut = text.rfind(" ", 0, OPENING_CHARS)
    return text[: cut if cut > 0 else OPENING_CHARS] + " …"


ARTICLE_CHARS_SHOWN = 20_000  # a card shows this much of the article around what it cites, no more
_SPANS = re.compile(r"^(\d{1,9}-\d{1,9})(,\d{1,9}-\d{1,9}){0,49}$")


def _spans_attr(spans: list[tuple[int, int]]) -> str:
    return ",".join(f"{a}-{b}" for a, b in spans)


def article_card_html(article: Article | None, spans: str) -> str:
    """The whole article for an opened card, cut to ``ARTICLE_CHARS_SHOWN`` around its first cited span,
    with the cited spans marked; ``spans`` as the card gave them ("start-end,…"; anything else: none)."""
    if article is None:
        return '<span class="rag-empty">Der Artikel ist nicht mehr im Index.</span>'
    marked = [tuple(int(x) for x in pair.split("-")) for pair in spans.split(",")] if _SPANS.match(spans) else []
    inside = [(a, b) for a, b in marked if 0 <= a < b <= len(article.text)]
    return _article_html(article.text, inside)  # type: ignore[arg-type]


def _article_html(text: str, spans: list[tuple[int, int]]) -> str:
    """The article in a source card, cut to ``ARTICLE_CHARS_SHOWN`` characters around its first cited span
    (every card of every answer carries it: an uncut long article made one answer hundreds of MB)."""
    if len(text) <= ARTICLE_CHARS_SHOWN:
        return highlight(text, 0, spans)
    centre = spans[0][0] if spans else 0
    start = max(0, min(centre - ARTICLE_CHARS_SHOWN // 2, len(text) - ARTICLE_CHARS_SHOWN))
    end = start + ARTICLE_CHARS_SHOWN
    inside = [(a, b) for a, b in spans if a >= start and b <= end]
    before = "… " if start else ""
    after = f" … (gekürzt: {len(text):,} Zeichen insgesamt)".replace(",", ".") if end < len(text) else ""
    return f"{before}{highlight(text[start:end], start, inside)}{after}"


def sources_html(answer: Answer | None, turn: int = 0) -> str:
    """The sources of one answer (turn ``turn`` of a chat): cited passages first and open, the others collapsed.

    Cards are ``id="source-TURN-N"``, so the ``[n]`` of every answer in a chat finds its own passages.
    """
    if answer is None or not answer.passages:
        return '<div class="rag-empty">Noch keine Quellen: stellen Sie eine Frage.</div>'
    cited = {c.number for c in answer.citations}
    numbers = range(1, len(answer.passages) + 1)
    first = [n for n in numbers if n in cited]
    rest = [n for n in numbers if n not in cited]
    parts = [f'<div class="rag-sources" data-turn="{turn}">']
    if first:
        parts.append("<h3>Zitierte Passagen</h3>")
        parts.extend(passage_html(n, answer.passages[n - 1], answer, turn) for n in first)
    if rest:
        parts.append("<h3>Weitere gefundene Passagen</h3>" if first else f"<h3>{CLOSEST_HEADING}</h3>")
        parts.extend(passage_html(n, answer.passages[n - 1], answer, turn) for n in rest)
    parts.append("</div>")
    return "".join(parts)


def conversation_sources_html(answers: list[Answer]) -> str:
    """The sources panel of a chat: every answer's sources, the latest shown and the earlier ones hidden.

    A click on an earlier answer's ``[n]`` shows that answer's sources (the page's script), so a reader
    checking an older claim never lands on a passage of a later question.
    """
    if not answers:
        return sources_html(None)
    last = len(answers) - 1
    return "".join(
        f'<section class="rag-turn" data-turn="{turn}"{"" if turn == last else " hidden"}>'
        f"{sources_html(answer, turn)}</section>"
        for turn, answer in enumerate(answers)
    )


def answer_to_dict(question: str, answer: Answer) -> dict[str, Any]:
    """The JSON shape of ``rag ask --json``."""
    return {
        "question": question,
        "answer": answer.text,
        "declined": answer.declined,
        "question_type": answer.question_type,
        "generator": answer.generator,
        "note": answer.note,
        "unsupported": answer.unsupported,
        "standalone_question": answer.standalone,
        # each sentence about the news, the passages it cites and whether they support it
        "verification": [
            {"sentence": v.text, "citations": list(v.cited), "supported": v.supported, "reason": v.reason}
            for v in answer.verification
        ],
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
                "also_in": [
                    {"article_id": c.id, "title": c.title, "date": c.date, "source": c.source, "url": c.url}
                    for c in h.also
                ],
            }
            for n, h in enumerate(answer.passages, start=1)
        ],
        "date_range": answer.date_range.as_dict() if answer.date_range else None,
        "timings": answer.timings,
    }
