"""Dates named in a question, as the date range they mean.

Explicit dates ("im November 2020", "am 3. Oktober 1990", "2017", "on 3 October 1990") become the
day, month or year they name; relative ones ("gestern", "letzte Woche", "vor einem Jahr",
"last month") are resolved against a reference date, by default the newest article's date, so
that the same question over the same index always means the same days. Several dates in one
question ("zwischen März und Mai 2020") span from the first to the last.

Rules rather than a general date parser: a question is short, the expressions that name a period
are few, and a rule never reads the article "die" as Dienstag (as ``dateparser.search_dates`` does).
Weekday names alone ("am Montag") are left alone, as they do not say which week.

Example:
    >>> from datetime import date
    >>> found = dates_in_question("Was wurde im November 2020 über Impfstoffe berichtet?", date(2021, 3, 1))
    >>> found.start, found.end, found.text
    ('2020-11-01', '2020-11-30', 'November 2020')
    >>> dates_in_question("Was geschah letzte Woche?", date(2021, 3, 10)).start
    '2021-03-01'
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {
    "januar": 1, "jänner": 1, "jan": 1, "january": 1,
    "februar": 2, "feb": 2, "february": 2,
    "märz": 3, "maerz": 3, "mär": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "dez": 12, "december": 12, "dec": 12,
}  # fmt: skip
_NUMBERS = {
    "ein": 1, "einem": 1, "einer": 1, "einen": 1, "eins": 1, "a": 1, "an": 1, "one": 1,
    "zwei": 2, "two": 2, "drei": 3, "three": 3, "vier": 4, "four": 4, "fünf": 5, "five": 5,
    "sechs": 6, "six": 6, "sieben": 7, "seven": 7, "acht": 8, "eight": 8, "neun": 9, "nine": 9,
    "zehn": 10, "ten": 10, "zwölf": 12, "twelve": 12,
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_COUNT = r"(?P<n>\d{1,2}|" + "|".join(_NUMBERS) + r")"

# explicit dates, most specific first; each match's text is blanked before the next pattern runs
_EXPLICIT = [
    ("day", re.compile(r"\b(?P<day>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?" + _YEAR + r"\b")),  # 3.10.1990
    ("day", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<day>\d\d)\b")),  # 1990-10-03
    ("day", re.compile(r"\b(?P<day>\d{1,2})\.?\s+" + _MONTH + r"(?:\s+" + _YEAR + r")?\b")),  # 3. Oktober 1990
    ("day", re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+" + _YEAR + r")?\b")),  # Oct 3
    ("month", re.compile(r"\b" + _MONTH + r"(?:\s+" + _YEAR + r")?\b")),  # November 2020, im November
    ("year", re.compile(r"\b" + _YEAR + r"\b")),  # 2017
]

_LAST = r"(?:letzten|letzte|letztes|letzter|vergangenen|vergangene|vergangenes|vorigen|vorige|voriges|last|past)"
_THIS = r"(?:diesen|diese|dieses|diesem|this)"
_UNIT = r"(?P<unit>tage?n?|wochen?|monate?n?|jahre?n?|days?|weeks?|months?|years?)"  # Tag/Tagen, Woche(n), ...
_RELATIVE = [
    ("ago", re.compile(r"\bvor\s+" + _COUNT + r"\s+" + _UNIT + r"\b")),
    ("ago", re.compile(r"\b" + _COUNT + r"\s+" + _UNIT + r"\s+ago\b")),
    ("within", re.compile(r"\b(?:in\s+den|im|in\s+the|within\s+the|during\s+the)\s+" + _LAST + r"\s+" + _COUNT
                          + r"\s+" + _UNIT + r"\b")),
    ("last", re.compile(r"\b" + _LAST + r"\s+" + _UNIT + r"\b")),
    ("this", re.compile(r"\b" + _THIS + r"\s+" + _UNIT + r"\b")),
    ("day-2", re.compile(r"\bvorgestern\b|\bthe\s+day\s+before\s+yesterday\b")),
    ("day-1", re.compile(r"\bgestern\b|\byesterday\b")),
    ("day-0", re.compile(r"\bheute\b|\btoday\b")),
]  # fmt: skip


@dataclass(frozen=True)
class QuestionDates:
    """The inclusive ISO date range a question names, the words that named it, and whether they were relative."""

    start: str
    end: str
    text: str
    relative: bool = False


@dataclass(frozen=True)
class DateScope:
    """The date range an answer was searched in, for the reader to see.

    ``source`` is ``"question"`` (read from the question's words, ``text``) or ``"filter"`` (the
    user's own from/to); ``applied`` is False when the question named a period the index holds no
    article from, so all articles were searched instead.
    """

    start: str | None
    end: str | None
    source: str
    text: str = ""
    relative: bool = False
    applied: bool = True
    english: bool = False  # the question was English: ``describe`` says it in English

    def as_dict(self) -> dict[str, object]:
        return {
            "from": self.start,
            "to": self.end,
            "source": self.source,
            "text": self.text,
            "relative": self.relative,
            "applied": self.applied,
        }

    def describe(self) -> str:
        """One line for the reader: which period was searched, and why."""
        english = self.english
        span = _german_span(self.start, self.end) if not english else f"{self.start or '…'} to {self.end or '…'}"
        if english:
            if not self.applied:
                return f"No article in the index is from {span} (“{self.text}”); all articles were searched."
            origin = f"from “{self.text}” in the question" if self.source == "question" else "date filter"
            return f"Searched articles from {span} ({origin})."
        if not self.applied:
            return f"Kein Artikel im Index stammt aus dem Zeitraum {span} („{self.text}“); gesucht wurde in allen."
        origin = f"aus „{self.text}“ in der Frage" if self.source == "question" else "Datumsfilter"
        return f"Gesucht in Artikeln vom {span} ({origin})."


def _german_span(start: str | None, end: str | None) -> str:
    def day(value: str | None) -> str:
        return "…" if not value else f"{int(value[8:10])}.{int(value[5:7])}.{value[:4]}"

    return day(start) if start == end else f"{day(start)} bis {day(end)}"


def dates_in_question(question: str, reference: date | None) -> QuestionDates | None:
    """The date range ``question`` names, or None. Relative dates need ``reference`` (else they are ignored)."""
    text = question.lower()
    ranges: list[tuple[date, date]] = []
    words: list[tuple[int, str]] = []
    relative = False
    for kind, pattern in _RELATIVE if reference else []:
        for m in pattern.finditer(text):
            span = _relative(kind, m, reference) if reference else None
            if span:
                ranges.append(span)
                words.append((m.start(), question[m.start() : m.end()]))
                relative = True
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    years = [(m.start(), int(m.group())) for m in re.finditer(r"\b(?:19|20)\d\d\b", text)]
    for kind, pattern in _EXPLICIT:
        for m in pattern.finditer(text):
            if kind == "year" and _is_quantity(question, m.end()):
                continue
            # "zwischen März und Mai 2020": a month without a year takes the year named after it
            later = next((y for at, y in years if at > m.start()), None)
            span = _explicit(kind, m, reference, later)
            if span:
                ranges.append(span)
                words.append((m.start(), question[m.start() : m.end()]))
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    if not ranges:
        return None
    start, end = min(r[0] for r in ranges), max(r[1] for r in ranges)
    named = " … ".join(w for _, w in sorted(words))
    return QuestionDates(start.isoformat(), end.isoformat(), named, relative)


def without_dates(question: str) -> str:
    """``question`` without its date expressions and four-digit years.

    >>> without_dates("Was geschah im Mai 2020?")
    'Was geschah im ?'
    """
    text = question
    for _, pattern in _RELATIVE + _EXPLICIT:  # written for lower-case text, as dates_in_question reads it
        text = _sub_lowered(pattern, text)
    return " ".join(text.split())


def _sub_lowered(pattern: re.Pattern[str], text: str) -> str:
    """``pattern`` (written for lower-case text) removed from ``text`` of any case."""
    lowered = text.lower()
    spans = [m.span() for m in pattern.finditer(lowered)]
    for a, b in reversed(spans):
        text = text[:a] + " " + text[b:]
    return text


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _is_quantity(question: str, end: int) -> bool:
    """A bare year followed by a capitalised word is a number of things ("2000 Masken"), not a year."""
    following = question[end:].lstrip()
    return bool(following) and following[0].isupper()


def _explicit(kind: str, m: re.Match[str], reference: date | None, later_year: int | None) -> tuple[date, date] | None:
    groups = m.groupdict()
    month = _MONTHS[groups["month"]] if groups.get("month") else int(groups.get("m") or 0)
    year_text = groups.get("year") or groups.get("y")
    if kind == "year":
        year = int(year_text or 0)
        return date(year, 1, 1), date(year, 12, 31)
    if not 1 <= month <= 12:
        return None
    if kind == "month" and not year_text and groups["month"] in ("may", "mar"):
        return None  # English "may" and "mar" are ordinary words unless a year follows
    day = int(groups.get("day") or 1)
    if year_text:
        year = int(year_text)
    elif later_year is not None:
        year = later_year
    elif reference is not None:  # "im November", "am 12. März": the latest such month or day up to the reference
        year = reference.year if (month, day) <= (reference.month, reference.day) else reference.year - 1
    else:
        return None
    if kind == "month":
        return date(year, month, 1), _month_end(year, month)
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    return when, when


def _count(m: re.Match[str]) -> int:
    n = m.group("n")
    return int(n) if n.isdigit() else _NUMBERS[n]


def _relative(kind: str, m: re.Match[str], ref: date) -> tuple[date, date] | None:
    if kind.startswith("day-"):
        day = ref - timedelta(days=int(kind[4:]))
        return day, day
    unit = m.group("unit")[0]  # t/d: day, w: week, m: month, j/y: year
    unit = {"t": "d", "j": "y"}.get(unit, unit)
    if kind == "this":
        return _period(unit, ref, 0)[0], ref
    if kind == "last":
        return _period(unit, ref, 1)
    n = _count(m)
    if kind == "within":
        return _period(unit, ref, n)[0], ref
    if unit == "y":  # "vor einem Jahr": the month a year back, not that whole calendar year
        return _period("m", ref, 12 * n)
    return _period(unit, ref, n)  # "vor N ...": the day, week or month that far back


def _period(unit: str, ref: date, back: int) -> tuple[date, date]:
    """The calendar day, week (Monday to Sunday), month or year ``back`` units before the one holding ``ref``."""
    if unit == "d":
        day = ref - timedelta(days=back)
        return day, day
    if unit == "w":
        monday = ref - timedelta(days=ref.weekday() + 7 * back)
        return monday, monday + timedelta(days=6)
    if unit == "m":
        index = ref.year * 12 + ref.month - 1 - back
        year, month = divmod(index, 12)
        return date(year, month + 1, 1), _month_end(year, month + 1)
    year = ref.year - back
    return date(year, 1, 1), date(year, 12, 31)
