"""Read articles from seed files, plain text, Markdown and JSON Lines.

Example:
    >>> from pathlib import Path
    >>> items = [item for path in iter_files([Path("seeds")]) for item in load_path(path)]
    >>> all(isinstance(item, Article) for item in items)
    True
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from rag.chunking import content_sentences

SUPPORTED_SUFFIXES = (".txt", ".md", ".jsonl", ".jsonl.gz")
_SEED_LINE = re.compile(r"^ ?date (\S+)(?: |$)")
_LOOKS_LIKE_DATE_LINE = re.compile(r"^\s*date\b", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_GERMAN_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_TITLE_CHARS = 90


@dataclass(frozen=True)
class Article:
    """One news article; ``text`` is what chunk offsets point into."""

    id: str
    title: str
    text: str
    date: str | None = None  # "YYYY-MM" (month precision) or "YYYY-MM-DD" (day precision)
    source: str = ""
    url: str = ""
    path: str = ""

    @property
    def date_precision(self) -> str | None:
        """``"month"``, ``"day"`` or None when the article has no date."""
        if self.date is None:
            return None
        return "month" if len(self.date) == 7 else "day"


@dataclass(frozen=True)
class Skipped:
    """An input that was not ingested, with the place and the reason."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}; skipped"


@dataclass(frozen=True)
class FieldMap:
    """Which JSON Lines keys hold an article's parts; each tuple lists accepted names in order."""

    text: tuple[str, ...] = ("text", "article", "body", "content")
    title: tuple[str, ...] = ("title", "header", "headline")
    date: tuple[str, ...] = ("date", "published", "published_at")
    source: tuple[str, ...] = ("source", "outlet")
    url: tuple[str, ...] = ("url", "link")

    @classmethod
    def parse(cls, pairs: list[str]) -> FieldMap:
        """Build a map from ``["text=article", "title=header"]`` style overrides."""
        names = {"text", "title", "date", "source", "url"}
        overrides: dict[str, tuple[str, ...]] = {}
        for pair in pairs:
            part, sep, key = pair.partition("=")
            if not sep or part not in names or not key:
                raise ValueError(
                    f"field mapping must look like PART=KEY with PART one of {sorted(names)}, got {pair!r}"
                )
            overrides[part] = (key,)
        return cls(**overrides)  # type: ignore[arg-type]


def article_id(text: str) -> str:
    """Stable id from an article's content: the same text always gets the same id."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def parse_date(value: str) -> str:
    """Normalise a date to ``YYYY-MM`` or ``YYYY-MM-DD``, keeping its precision.

    >>> parse_date("2020-04-24T20:17:56+02:00"), parse_date("2017-01"), parse_date("3.1.2021")
    ('2020-04-24', '2017-01', '2021-01-03')
    """
    text = value.strip()
    found = _parse_date(text, value)
    if int(found[:4]) < MIN_YEAR:
        raise ValueError(f"year {found[:4]} in {value!r} is before {MIN_YEAR}; is the date field right?")
    return found


MIN_YEAR = 1000  # year 0000 and the like are broken dates, not old news


def _parse_date(text: str, value: str) -> str:
    month = _MONTH.match(text)
    if month:
        year, mon = int(month[1]), int(month[2])
        if not 1 <= mon <= 12:
            raise ValueError(f"month {mon} is not between 1 and 12 in {value!r}")
        return f"{year:04d}-{mon:02d}"
    german = _GERMAN_DAY.match(text)
    if german:
        return date(int(german[3]), int(german[2]), int(german[1])).isoformat()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise ValueError(f"unrecognised date {value!r}; use YYYY-MM, YYYY-MM-DD or an ISO timestamp") from None


def date_bounds(value: str) -> tuple[str, str]:
    """First and last day an article date covers, as ISO strings (a month covers all its days)."""
    if len(value) == 10:
        return value, value
    return f"{value}-01", f"{value}-31"


def _title_from(text: str) -> str:
    """The first sentence, shortened: seed and plain-text articles carry no headline of their own."""
    spans = content_sentences(text)
    first = text[spans[0][0] : spans[0][1]] if spans else ""
    return first if len(first) <= _TITLE_CHARS else first[: _TITLE_CHARS - 1].rstrip() + "…"


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Expand folders into the supported files below them, in a stable order."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if not p.is_dir() and p.name.endswith(SUPPORTED_SUFFIXES))
            yield from found or [path]  # an empty folder is reported by load_path, not passed over
        else:
            yield path


def load_path(path: Path, fields: FieldMap | None = None) -> Iterator[Article | Skipped]:
    """Yield the articles in one file, and a ``Skipped`` for each part that could not be read."""
    if not path.exists():
        yield Skipped(str(path), None, "no such file")
        return
    if path.is_dir():
        yield Skipped(str(path), None, f"folder holds no {', '.join(SUPPORTED_SUFFIXES)} files")
        return
    if not path.is_file():  # a FIFO would block the ingest forever, a device would never end
        yield Skipped(str(path), None, "not a regular file (a pipe, socket or device); give files or folders")
        return
    if not path.name.endswith(SUPPORTED_SUFFIXES):
        yield Skipped(str(path), None, f"unsupported file type; use one of {', '.join(SUPPORTED_SUFFIXES)}")
        return
    if path.name.endswith((".jsonl", ".jsonl.gz")):
        yield from _load_jsonl(path, fields or FieldMap())
        return
    try:
        data = path.read_bytes()
    except OSError as err:
        yield Skipped(str(path), None, f"cannot be read ({err.strerror or err}); check that the file is readable")
        return
    problem = _check_bytes(data)
    if problem:
        yield Skipped(str(path), None, problem)
        return
    yield from _load_text(path, data.decode("utf-8"))


def _check_bytes(data: bytes) -> str | None:
    if not data.strip():
        return "file is empty"
    if b"\x00" in data:
        at = data.index(b"\x00")
        return f"file is binary (a NUL byte at offset {at}), not text"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return (
            f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); convert it, e.g. iconv -f latin1 -t utf-8"
        )
    return None


def _load_text(path: Path, content: str) -> Iterator[Article | Skipped]:
    content = content.lstrip("\ufeff")
    first_line = content.split("\n", 1)[0]
    art_date: str | None = None
    text = content
    if _LOOKS_LIKE_DATE_LINE.match(first_line):
        seed = _SEED_LINE.match(first_line)
        if not seed:
            yield Skipped(str(path), 1, "bad date line; expected ' date YYYY-MM' followed by the text")
            return
        try:
            art_date = parse_date(seed[1])
        except ValueError as err:
            yield Skipped(str(path), 1, f"bad date line: {err}")
            return
        text = content[seed.end() :]
    if not text.strip():
        yield Skipped(str(path), None, "no article text after the date line")
        return
    title = _title_from(text.lstrip("# ") if path.suffix == ".md" else text)
    yield Article(article_id(text), title, text, art_date, source=path.name, path=str(path))


def _pick(record: dict[str, object], names: tuple[str, ...]) -> str:
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return str(value)
    return ""


def _load_jsonl(path: Path, fields: FieldMap) -> Iterator[Article | Skipped]:
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
            empty = True
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                empty = False
                yield _record_to_article(path, number, line, fields)
    except UnicodeDecodeError as err:
        yield Skipped(str(path), None, f"not UTF-8 ({err.reason} at byte {err.start}); the lines before were read")
        return
    except (OSError, EOFError) as err:
        yield Skipped(str(path), None, f"cannot be read ({err}); the lines before were read")
        return
    if empty:
        yield Skipped(str(path), None, "file is empty")


def _record_to_article(path: Path, number: int, line: str, fields: FieldMap) -> Article | Skipped:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return Skipped(str(path), number, f"not valid JSON ({err.msg.removesuffix(' at')} at column {err.colno})")
    if not isinstance(record, dict):
        return Skipped(str(path), number, "not a JSON object")
    for part, names in (("text", fields.text), ("title", fields.title), ("date", fields.date),
                        ("source", fields.source), ("url", fields.url)):  # fmt: skip
        key = next((n for n in names if record.get(n) not in (None, "")), None)
        if key is not None and not isinstance(record[key], str):
            kind = type(record[key]).__name__
            return Skipped(str(path), number, f"the {part} field {key!r} holds a JSON {kind}, not a string")
        if key is not None and "\x00" in record[key]:
            return Skipped(str(path), number, f"the {part} field {key!r} holds a NUL character")
    text = _pick(record, fields.text)
    if not text.strip():
        return Skipped(
            str(path), number, f"no article text under any of the keys {list(fields.text)}; set --field text=KEY"
        )
    raw_date = _pick(record, fields.date)
    try:
        art_date = parse_date(raw_date) if raw_date else None
    except ValueError as err:
        return Skipped(str(path), number, f"bad date: {err}")
    title = _pick(record, fields.title) or _title_from(text)
    return Article(
        article_id(text), title, text, art_date, _pick(record, fields.source), _pick(record, fields.url), str(path)
    )
