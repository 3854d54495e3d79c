from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from rag.corpus import Article, FieldMap, Skipped, article_id, iter_files, load_path, parse_date
from tests.conftest import SEEDS


def _one(path: Path, fields: FieldMap | None = None) -> Article | Skipped:
    items = list(load_path(path, fields))
    assert len(items) == 1
    return items[0]


def test_seed_files_parse_with_month_date_and_text_after_the_date():
    for path in sorted(SEEDS.glob("*.txt")):
        art = _one(path)
        assert isinstance(art, Article)
        assert art.date_precision == "month" and len(art.date or "") == 7
        raw = path.read_text(encoding="utf-8")
        assert raw.endswith(art.text) and not art.text.startswith(" date")
        assert art.title and len(art.title) <= 90


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2017-01", "2017-01"),
        ("2020-04-13T11:08:42+02:00", "2020-04-13"),
        ("2020-07-20 18:44:37", "2020-07-20"),
        ("2021-03-01", "2021-03-01"),
        ("3.1.2021", "2021-01-03"),
        ("2020-12-31T23:59:59Z", "2020-12-31"),
    ],
)
def test_parse_date_keeps_precision(raw: str, expected: str):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2017-13", "gestern", "2017/01/02", ""])
def test_parse_date_rejects_bad_values(raw: str):
    with pytest.raises(ValueError):
        parse_date(raw)


def test_jsonl_gz_with_fang_field_names(tmp_path: Path):
    path = tmp_path / "news.jsonl.gz"
    rows = [
        {
            "url": "https://example.org/a",
            "date": "2020-04-13T11:08:42+02:00",
            "source": "tagesspiegel.de",
            "header": "Schulen öffnen",
            "article": "Die Schulen öffnen wieder. Es gibt Auflagen.",
        },
        {
            "url": "https://example.org/b",
            "date": "2020-07-20 18:44:37",
            "source": "sueddeutsche.de",
            "header": "Hafen",
            "article": "Der Hafen meldet weniger Umschlag.",
        },
    ]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(json.dumps(r) for r in rows) + "\n")
    arts = list(load_path(path))
    assert [a.title for a in arts] == ["Schulen öffnen", "Hafen"]  # type: ignore[union-attr]
    assert [a.date for a in arts] == ["2020-04-13", "2020-07-20"]  # type: ignore[union-attr]
    assert arts[0].source == "tagesspiegel.de" and arts[0].url == "https://example.org/a"  # type: ignore[union-attr]


def test_jsonl_custom_field_names_and_bad_lines_are_named(tmp_path: Path):
    path = tmp_path / "own.jsonl"
    path.write_text(
        json.dumps({"body": "Erster Text.", "headline": "Eins"})
        + "\n{nicht json\n"
        + json.dumps({"body": "Zweiter Text.", "headline": "Zwei", "when": "2019-02"})
        + "\n"
        + json.dumps({"headline": "ohne Text"})
        + "\n",
        encoding="utf-8",
    )
    fields = FieldMap.parse(["text=body", "title=headline", "date=when"])
    items = list(load_path(path, fields))
    assert [type(i).__name__ for i in items] == ["Article", "Skipped", "Article", "Skipped"]
    assert items[1].line == 2 and "not valid JSON" in items[1].reason  # type: ignore[union-attr]
    assert str(items[3]).startswith(f"{path}:4: no article text")
    assert items[2].date == "2019-02"  # type: ignore[union-attr]


def test_field_map_rejects_unknown_parts():
    with pytest.raises(ValueError, match="PART=KEY"):
        FieldMap.parse(["body"])
    with pytest.raises(ValueError, match="PART"):
        FieldMap.parse(["author=x"])


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"   \n", "file is empty"),
        ("binary.txt", b"\x00\x01\x02abc", "binary"),
        ("latin1.txt", "Größe".encode("latin-1"), "not UTF-8"),
        ("baddate.txt", b" date 2017-1x Text", "bad date line"),
        ("baddate2.txt", b" date Januar Text", "bad date line"),
        ("only-date.txt", b" date 2017-01 ", "no article text"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(tmp_path: Path, name: str, content: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(content)
    item = _one(path)
    assert isinstance(item, Skipped)
    assert reason in item.reason and str(path) in str(item)


def test_article_id_is_stable_and_ignores_whitespace_layout():
    assert article_id("Ein  Text\nhier") == article_id("Ein Text hier")
    assert article_id("Ein Text") != article_id("Ein anderer Text")


def test_iter_files_expands_folders_in_sorted_order(corpus_dir: Path):
    names = [p.name for p in iter_files([corpus_dir])]
    assert names == ["bahn.md", "berlin.txt", "hamburg.txt"]


def test_markdown_title_drops_heading_marks(corpus_dir: Path):
    art = _one(corpus_dir / "bahn.md")
    assert isinstance(art, Article) and art.title == "Bahn streicht Fernzüge"


def test_every_input_gets_a_verdict_unreadable_pipes_empty_folders_late_nul_bytes(tmp_path):
    import os

    from rag.corpus import Skipped, iter_files, load_path

    good = tmp_path / "good.txt"
    good.write_text("Der Senat öffnet die Schulen. Die Eltern sind erleichtert.", encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text("Geheim.", encoding="utf-8")
    locked.chmod(0)
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    late_nul = tmp_path / "late.txt"
    late_nul.write_bytes(("Ein Satz. " * 1000).encode() + b"\x00 Rest.")
    empty = tmp_path / "empty"
    empty.mkdir()
    items = [item for path in iter_files([tmp_path, empty]) for item in load_path(path)]
    verdicts = {Path(i.path).name: i.reason for i in items if isinstance(i, Skipped)}
    assert verdicts["pipe.txt"].startswith("not a regular file")
    assert verdicts["late.txt"] == "file is binary (a NUL byte at offset 10000), not text"
    assert verdicts["empty"].startswith("folder holds no .txt")
    if os.geteuid() != 0:  # root reads any file
        assert verdicts["locked.txt"].startswith("cannot be read")
    assert [i.title for i in items if not isinstance(i, Skipped)][:1] == ["Der Senat öffnet die Schulen."]


def test_a_file_that_cannot_be_read_is_skipped_not_fatal(tmp_path, monkeypatch):
    from rag.corpus import Skipped, load_path

    path = tmp_path / "locked.txt"
    path.write_text("Geheim.", encoding="utf-8")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)  # as for a non-root user on a chmod 000 file
    (item,) = list(load_path(path))
    assert isinstance(item, Skipped) and item.reason.startswith("cannot be read (Permission denied)")


def test_json_fields_that_are_not_strings_nul_characters_and_impossible_years_are_refused(tmp_path):
    from rag.corpus import Skipped, load_path, parse_date

    rows = [
        {"text": ["Ein", "Satz"]},
        {"text": "Ein Satz.", "title": 42},
        {"text": "Ein\u0000Satz."},
        {"text": "Ein Satz.", "date": "0000-01"},
        {"text": "Ein gültiger Satz.", "date": "9999-12-31"},
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + '{"text": "offen\n', encoding="utf-8")
    items = list(load_path(path))
    reasons = [(i.line, i.reason) for i in items if isinstance(i, Skipped)]
    assert reasons[:4] == [
        (1, "the text field 'text' holds a JSON list, not a string"),
        (2, "the title field 'title' holds a JSON int, not a string"),
        (3, "the text field 'text' holds a NUL character"),
        (4, "bad date: year 0000 in '0000-01' is before 1000; is the date field right?"),
    ]
    assert reasons[4][1] == "not valid JSON (Invalid control character at column 16)"
    assert [i.date for i in items if not isinstance(i, Skipped)] == ["9999-12-31"]
    assert parse_date("1871-01-18") == "1871-01-18"


def test_an_open_ended_date_filter_keeps_articles_dated_far_ahead(settings):
    from rag.corpus import Article
    from rag.embedding import HashEmbedder
    from rag.pipeline import Pipeline
    from rag.retrieval import DateRange

    pipe = Pipeline(settings, embedder=HashEmbedder(64))
    pipe.ingest_items([Article("f1", "Zukunft", "Ein Artikel aus der fernen Zukunft.", "9999-12-31")])
    assert [h.article.id for h in pipe.retrieve("Zukunft", 1, "bm25", DateRange("2020-01-01", None))] == ["f1"]
