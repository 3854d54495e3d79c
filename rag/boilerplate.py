"""Agency boilerplate in news text: datelines, agency credits and bylines, found by rule.

Boilerplate stays in the stored article (it is what the outlet published) but is kept out of the
sentences that are indexed and quoted. Rules are written from the two corpora this project ships
or reads: the dpa-AFX seed ("MOSKAU (dpa-AFX) - ", "…begonnen./mau/DP/nas") and FANG-COVID
(Tagesspiegel's closing "(dpa)", "(Tsp, dpa)", "dpa/rtr/Tsp"; Zeit's "Von Julia Kopatzki" lines).

Example:
    >>> text = "MOSKAU (dpa-AFX) - Putin sprach. Er schwieg./mau/DP/nas"
    >>> [text[s:e] for s, e in boilerplate_spans(text)]
    ['MOSKAU (dpa-AFX) - ', '/mau/DP/nas']
"""

from __future__ import annotations

import re

_AGENCY = r"(?:dpa(?:-AFX)?|AFP|afp|Reuters|rtr|AP|KNA|epd|dts|SID|Tsp|ddp|APA|sda|AFX)"
# "MOSKAU (dpa-AFX) - ", "Berlin (dpa) – ", "(AFP) - " at the very start of an article
_DATELINE = re.compile(
    rf"\A\s*(?:[A-ZÄÖÜ][\w./-]*(?:[ /][A-ZÄÖÜ][\w./-]*){{0,3}}\s*)?\({_AGENCY}(?:[ ,/]+[\w-]+){{0,3}}\)\s*[-–—:]\s*"
)
# a closing credit in brackets: "(dpa)", "(Tsp, dpa)", "(dpa/AFP)", "(Name dpa)"
_CREDIT = re.compile(rf"\s*\((?:[\w.-]+[ ,/]+){{0,3}}{_AGENCY}(?:[ ,/]+[\w.-]+){{0,3}}\)\s*\Z")
# a closing code of agency or editor abbreviations: "./mau/DP/nas", ". dpa/rtr/Tsp", ". dpa"
_CODE = re.compile(
    rf"(?:(?<=[.!?“”\"»])/(?:[A-Za-z]{{1,6}}/)*[A-Za-z]{{1,6}}"
    rf"|(?<=[.!?“”\"»]\s)(?:(?:[A-Za-z]{{1,6}}/)+[A-Za-z]{{1,6}}|{_AGENCY}))\s*\Z"
)
# a byline on a line of its own: "Von Julia Kopatzki", "Von Anna Muster und Ben Beispiel"
_BYLINE = re.compile(
    r"^[ \t]*Von [A-ZÄÖÜ][\w.-]+(?: [A-ZÄÖÜ][\w.-]+){1,3}(?: und [A-ZÄÖÜ][\w.-]+(?: [A-ZÄÖÜ][\w.-]+){1,3})?[ \t]*$",
    re.MULTILINE,
)


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the dateline, closing credit or code, and byline lines in ``text``."""
    spans = [m.span() for m in _BYLINE.finditer(text)]
    dateline = _DATELINE.match(text)
    if dateline:
        spans.append(dateline.span())
    for closing in (_CREDIT, _CODE):
        found = closing.search(text)
        if found:
            spans.append(found.span())
    return sorted(spans)
