from __future__ import annotations

import itertools

import pytest

from rag.chunking import chunk_text, split_sentences


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_abbreviations_ordinals_and_initials_do_not_end_sentences():
    text = "Am 3. Januar traf Dr. Müller z.B. Donald J. Trump u. a. in Berlin. Das war im 20. Jahrhundert nicht üblich."
    assert _sentences(text) == [
        "Am 3. Januar traf Dr. Müller z.B. Donald J. Trump u. a. in Berlin.",
        "Das war im 20. Jahrhundert nicht üblich.",
    ]


def test_quotes_and_question_marks_end_sentences_after_the_closing_quote():
    text = "Er sagte: „Wir kommen.“ Dann ging er. Wer bleibt? „Niemand!“ Sie lachte."
    assert _sentences(text) == ["Er sagte: „Wir kommen.“", "Dann ging er.", "Wer bleibt?", "„Niemand!“", "Sie lachte."]


def test_year_at_sentence_end_splits_and_paragraphs_always_split():
    text = "Das Gesetz gilt seit 2019. Danach kam die Reform\n\nNeuer Absatz ohne Punkt"
    assert _sentences(text) == ["Das Gesetz gilt seit 2019.", "Danach kam die Reform", "Neuer Absatz ohne Punkt"]


def test_chunks_keep_exact_offsets_and_bounded_size():
    text = " ".join(f"Satz Nummer {i} erzählt etwas über Berlin und Hamburg." for i in range(40))
    chunks = chunk_text("a1", text, max_chars=200, overlap=1)
    assert len(chunks) > 5
    for i, c in enumerate(chunks):
        assert c.text == text[c.start : c.end]
        assert len(c.text) <= 200
        assert c.index == i and c.article_id == "a1"
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_overlap_repeats_the_last_sentence_and_zero_overlap_does_not():
    text = "Eins ist hier. Zwei ist da. Drei ist dort. Vier ist weg. Fünf kommt noch."
    with_overlap = chunk_text("a", text, max_chars=60, overlap=1)
    assert with_overlap[1].start < with_overlap[0].end
    without = chunk_text("a", text, max_chars=60, overlap=0)
    assert all(b.start >= a.end for a, b in itertools.pairwise(without))
    covered = "".join(text[c.start : c.end] for c in without).replace(" ", "")
    assert covered == text.replace(" ", "")


def test_over_long_sentence_is_cut_at_spaces():
    text = "Wort " * 100
    chunks = chunk_text("a", text.strip(), max_chars=60, overlap=0)
    assert all(len(c.text) <= 60 and not c.text.startswith(" ") for c in chunks)
    assert sum(len(c.text.split()) for c in chunks) == 100


@pytest.mark.parametrize(("size", "overlap"), [(10, 1), (100, -1)])
def test_bad_chunk_settings_are_refused(size: int, overlap: int):
    with pytest.raises(ValueError):
        chunk_text("a", "Text.", max_chars=size, overlap=overlap)
