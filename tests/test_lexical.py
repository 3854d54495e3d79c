from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from rag.lexical import BM25, GermanAnalyzer, Vocabulary, term_counts

DOCS = [
    "Der Bundestag beschließt das Gesetz zur Pandemie.",
    "Die Pandemie trifft den Hamburger Hafen hart, der Hafen meldet Kurzarbeit.",
    "Trump und Putin telefonieren am Samstag.",
    "Putin spricht über die Beziehungen zu den USA und über Trump.",
    "Berliner Schulen öffnen trotz Pandemie.",
]


def test_analyzer_stems_german_and_drops_stop_words():
    tokens = GermanAnalyzer().tokens("Die Häuser des Hauses und der Präsidenten")
    assert tokens == ["haus", "haus", "prasident"]


def test_invisible_characters_do_not_split_words():
    # web text hides soft hyphens and zero-width spaces inside words (FANG-COVID has both)
    analyzer = GermanAnalyzer()
    plain = analyzer.tokens("Die Bundeskanzlerin und das Infektionsschutzgesetz")
    assert analyzer.tokens("Die Bundes\u00adkanzlerin und das Infektions\u200bschutz\u2060gesetz") == plain
    assert plain == ["bundeskanzl", "infektionsschutzgesetz"]


def test_scores_agree_with_bm25s_reference():
    bm25s = pytest.importorskip("bm25s")
    analyzer = GermanAnalyzer()
    tokenised = [analyzer.tokens(d) for d in DOCS]
    vocab = Vocabulary()
    ours = BM25(term_counts(tokenised, vocab), k1=1.5, b=0.75)
    reference = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
    reference.index(tokenised, show_progress=False)
    for query in ["Pandemie Hafen", "Trump Putin", "Schulen", "Hafen Hafen Kurzarbeit"]:
        q_tokens = analyzer.tokens(query)
        mine = ours.scores([vocab.ids[t] for t in q_tokens])
        theirs = reference.get_scores(q_tokens)
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_segment_blocks_score_like_one_matrix():
    analyzer = GermanAnalyzer()
    vocab_one, vocab_two = Vocabulary(), Vocabulary()
    whole = term_counts([analyzer.tokens(d) for d in DOCS], vocab_one)
    first = term_counts([analyzer.tokens(d) for d in DOCS[:2]], vocab_two)
    second = term_counts([analyzer.tokens(d) for d in DOCS[2:]], vocab_two)
    assert first.shape[1] < second.shape[1]  # the second segment brought new terms
    wide_first = first.copy()
    wide_first.resize((first.shape[0], len(vocab_two.terms)))
    stacked = sparse.vstack([wide_first, second], format="csr")
    for query in [analyzer.tokens("Pandemie Putin"), analyzer.tokens("Hafen Trump Schulen")]:
        expected = BM25(whole).scores([vocab_one.ids[t] for t in query])
        ids = [vocab_two.ids[t] for t in query]
        np.testing.assert_allclose(BM25(stacked).scores(ids), expected, rtol=1e-6)
        # one block per segment, the first narrower than the vocabulary, as the index loads them
        np.testing.assert_allclose(BM25([first.tocsc(), second.tocsc()]).scores(ids), expected, rtol=1e-6)


def test_unknown_terms_score_zero():
    bm = BM25(term_counts([["a"], ["b"]], Vocabulary()))
    assert bm.scores([]).tolist() == [0.0, 0.0]
    assert bm.scores([99]).tolist() == [0.0, 0.0]
