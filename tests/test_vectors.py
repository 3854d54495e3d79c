"""The vector-search seam: FAISS exact search against a numpy reference, with and without a row mask."""

from __future__ import annotations

import numpy as np

from rag.vectors import FlatIndex, HNSWSegments, VectorIndex, load_segments, new_segment_index, top_indices


def _unit_rows(n: int, d: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_flat_index_matches_a_numpy_scan_across_blocks():
    rows = _unit_rows(300, 16, 1)
    index = FlatIndex.from_blocks(16, [rows[:120], rows[120:]])  # two segments, as the store loads them
    assert isinstance(index, VectorIndex) and index.size == 300
    query = _unit_rows(1, 16, 2)[0]
    expected = np.argsort(-(rows @ query), kind="stable")[:7]
    found, scores = index.search(query, 7)
    assert found.tolist() == expected.tolist()
    np.testing.assert_allclose(scores, rows[expected] @ query, rtol=1e-5)
    np.testing.assert_allclose(index.similarity(query, np.array([5, 250])), rows[[5, 250]] @ query, rtol=1e-5)


def test_flat_index_search_honours_the_mask_and_small_indexes():
    rows = _unit_rows(50, 8, 3)
    index = FlatIndex.from_blocks(8, [rows])
    query = rows[10]
    allowed = np.zeros(50, dtype=bool)
    allowed[[3, 10, 40]] = True
    found, _ = index.search(query, 5, allowed)
    assert found[0] == 10 and set(found.tolist()) == {3, 10, 40}
    assert index.search(query, 500)[0].shape == (50,)  # n above the size returns everything once
    empty = FlatIndex.from_blocks(8, [])
    assert empty.size == 0 and empty.search(query, 3)[0].size == 0


def test_top_indices_breaks_ties_by_lower_index():
    assert top_indices(np.array([0.5, 0.9, 0.5, 0.9]), 3).tolist() == [1, 3, 0]
    assert top_indices(np.array([1.0]), 0).size == 0


def test_hnsw_segments_agree_with_exact_search_and_keep_row_numbers():
    rows = _unit_rows(600, 16, 4)
    parts = [new_segment_index(rows[a : a + 200]) for a in (0, 200, 400)]
    assert isinstance(load_segments(parts, 16, exact_up_to=10_000), FlatIndex)
    index = load_segments(parts, 16, exact_up_to=0)
    assert isinstance(index, HNSWSegments) and index.size == 600
    queries = _unit_rows(20, 16, 5)
    found_share = []
    for q in queries:
        exact = set(np.argsort(-(rows @ q))[:10].tolist())
        found, scores = index.search(q, 10)
        np.testing.assert_allclose(scores, rows[found] @ q, rtol=1e-5)  # row numbers point at the right vectors
        found_share.append(len(exact & set(found.tolist())) / 10)
    assert np.mean(found_share) >= 0.95
    picked = np.array([599, 3, 250])
    np.testing.assert_allclose(index.similarity(queries[0], picked), rows[picked] @ queries[0], rtol=1e-5)
    allowed = np.zeros(600, dtype=bool)
    allowed[[5, 205, 405]] = True
    assert set(index.search(queries[0], 5, allowed)[0].tolist()) == {5, 205, 405}


def test_a_pipeline_above_the_exact_search_limit_answers_from_the_graphs(settings, corpus_dir):
    from dataclasses import replace

    from rag.embedding import HashEmbedder
    from rag.pipeline import Pipeline

    pipe = Pipeline(replace(settings, exact_search_max=0), embedder=HashEmbedder(64))
    pipe.ingest([corpus_dir])
    assert isinstance(pipe.index.vectors, HNSWSegments)
    for retriever in ("dense", "hybrid"):
        hits = pipe.retrieve("Hamburger Hafen Containerumschlag Schiffe", 1, retriever)
        assert hits[0].article.source == "hamburg.txt"
