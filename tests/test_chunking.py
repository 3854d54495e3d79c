from __future__ import annotations

import itertools

import pytest

from rag.chunking import chunk_text, content_sentences, is_heading, split_sentences
from tests.conftest import ROOT


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_abbreviations_ordinals_and_initials_do_not_end_sentences():
    text = "Am 3. Januar traf Dr. Müller z.B. Donald J. Trump u. a. in Berlin. Das war im 20. Jahrhundert nicht üblich."
    assert _sentences(text) == [
        "Am 3. Januar traf Dr. Müller z.B. Donald J. Trump u. a. in Berlin.",
        "Das war im 20. Jahrhundert nicht üblich.",
    ]


def test_english_titles_do_not_end_sentences():
    text = "Den Gottesdienst leitete Rev. Al Sharpton. Mr. Biden und Gov. Newsom kamen. Sie fanden das Gen. Es hilft."
    assert _sentences(text) == [
        "Den Gottesdienst leitete Rev. Al Sharpton.",
        "Mr. Biden und Gov. Newsom kamen.",
        "Sie fanden das Gen.",  # a German noun that is also an English title's short form still ends one
        "Es hilft.",
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


def test_a_line_break_inside_a_sentence_is_a_space_and_offsets_stay_exact():
    # FANG-COVID (zeit.de) wraps lines inside sentences
    text = "…sagte eine Telekom-Sprecherin dem Tagesspiegel,\nder zuerst darüber berichtete. Dann kam mehr."
    assert _sentences(text) == [
        "…sagte eine Telekom-Sprecherin dem Tagesspiegel,\nder zuerst darüber berichtete.",
        "Dann kam mehr.",
    ]
    assert _sentences("Autos bauen, Züge steuern, Städte planen: Die\nMobilitätsbranche ist eine Männerdomäne.") == [
        "Autos bauen, Züge steuern, Städte planen: Die\nMobilitätsbranche ist eine Männerdomäne."
    ]


def test_headings_and_blank_lines_end_sentences_unless_the_sentence_goes_on():
    assert _sentences("Ende des Satzes.\nNeue Regeln im Osten\nHier gibt es das.") == [
        "Ende des Satzes.",
        "Neue Regeln im Osten",
        "Hier gibt es das.",
    ]
    # the seed's quote runs on after a blank line: "…bewegen?",\n\nerklärte er …
    text = 'Warum Sanktionen verhängen?",\n\nerklärte er in einem Interview. Danach ging er.'
    assert _sentences(text) == ['Warum Sanktionen verhängen?",\n\nerklärte er in einem Interview.', "Danach ging er."]


def test_a_subheading_is_told_from_sentences_and_from_hard_wrapped_lines():
    seed = (ROOT / "seeds/004_4194296787ad2279.txt").read_text(encoding="utf-8")
    headings = [seed[s:e] for s, e in split_sentences(seed) if is_heading(seed, s, e)]
    assert headings == ["Russland-USA-Gespräch in Istanbul"]
    assert [is_heading(t, 0, len(t)) for t in ("Ende des Satzes.", "Neue Regeln im Osten", "Wahl")] == [
        False,
        True,
        False,  # one word is no heading
    ]
    wrapped = "sagte eine Telekom-Sprecherin dem Tagesspiegel,\nder zuerst darüber berichtete."
    assert not any(is_heading(wrapped, s, e) for s, e in split_sentences(wrapped))


def test_a_heading_may_have_a_speakers_label_but_an_interviews_speaker_line_is_no_heading():
    # FANG-COVID (tagesspiegel.de): a subheading that names who said what, between two paragraphs
    text = (
        "Grenzkontrollen sind von grundlegender Bedeutung.“\nTrump: WHO hat sich zu sehr auf Chinas Angaben "
        "verlassen\nDamit nicht genug der Belehrung: Die WHO habe es versäumt, die Angaben zu prüfen."
    )
    assert _sentences(text) == [
        "Grenzkontrollen sind von grundlegender Bedeutung.“",
        "Trump: WHO hat sich zu sehr auf Chinas Angaben verlassen",
        "Damit nicht genug der Belehrung: Die WHO habe es versäumt, die Angaben zu prüfen.",
    ]
    heading = text.index("Trump:")
    assert is_heading(text, heading, text.index("\nDamit"))
    # FANG-COVID (zeit.de): an interview wraps its speakers' lines, each opened by the speaker's label
    interview = "ZEIT ONLINE: Wie geht es?\nStöbe: Gut.\nZEIT ONLINE: Herr\nStöbe, wie viele hören davon?"
    assert _sentences(interview)[-1] == "ZEIT ONLINE: Herr\nStöbe, wie viele hören davon?"
    # a label of more than three words, or a second colon, is a sentence's colon
    assert len(_sentences("Ende.\nDie gute Nachricht für alle: Das Virus geht\nZurück kam er nie.")) == 2


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # the dpa-AFX seed
        (
            "MOSKAU (dpa-AFX) - Der Präsident sprach. Er hatte begonnen./mau/DP/nas",
            ["Der Präsident sprach.", "Er hatte begonnen."],
        ),
        # FANG-COVID, tagesspiegel.de closing credits
        ("Die Zahl stieg weiter. (dpa)", ["Die Zahl stieg weiter."]),
        ("Die Zahl stieg weiter. (Tsp, dpa)", ["Die Zahl stieg weiter."]),
        ("Die Börse brach um sieben Prozent ein. dpa/rtr/Tsp", ["Die Börse brach um sieben Prozent ein."]),
        # FANG-COVID, zeit.de byline on a line of its own
        (
            "Ein guter Anfang.\nVon Mark Schieritz\nWas macht man mit Geld?",
            ["Ein guter Anfang.", "Was macht man mit Geld?"],
        ),
        # not boilerplate: a web address at the end, an agency named in the text
        ("Mehr unter www.tim.tu-berlin.de/menue/home", ["Mehr unter www.tim.tu-berlin.de/menue/home"]),
        (
            "Das sagte er der Deutschen Presse-Agentur (dpa). Dann ging er.",
            ["Das sagte er der Deutschen Presse-Agentur (dpa).", "Dann ging er."],
        ),
    ],
)
def test_boilerplate_is_kept_out_of_sentences_but_not_out_of_the_text(text: str, kept: list[str]):
    assert [text[s:e] for s, e in content_sentences(text)] == kept
    chunks = chunk_text("a", text, max_chars=400)
    assert chunks[0].text == text[chunks[0].start : chunks[0].end]
    assert kept[0] in chunks[0].text and "dpa-AFX" not in chunks[0].text


FANG = ROOT.parent / "shared" / "data" / "news-de" / "fang-covid-real.jsonl.gz"


@pytest.mark.skipif(not FANG.exists(), reason="FANG-COVID is read from ../shared/data and is absent here")
def test_no_sentence_of_any_fang_covid_article_starts_inside_another():
    """A sentence starting with a lower-case word after no sentence end is a fragment cut at a line break."""
    import gzip
    import json

    fragments = []
    with gzip.open(FANG, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["article"]
            for s, _ in content_sentences(text):
                before = text[:s].rstrip()
                if (
                    text[s].islower()
                    and before
                    and before[-1] not in '.!?…"“”»:;)]'
                    and "\n\n" not in text[len(before) : s]
                ):
                    fragments.append(text[max(0, s - 40) : s + 40])
    assert fragments == []
