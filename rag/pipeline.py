"""The assistant end to end: ingest files into an index, retrieve passages, answer with citations.

Example:
    >>> pipe = Pipeline(Settings.from_env(index_dir="index"))  # doctest: +SKIP
    >>> pipe.ingest([Path("seeds")])  # doctest: +SKIP
    >>> pipe.ask("Mit wem erwartete Trump ein Gespräch?").text  # doctest: +SKIP
"""

from __future__ import annotations

import calendar
import math
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from rag.answer import Answer, AskContext, ExtractiveGenerator, Generator, answerable
from rag.answer.backends import chat_model
from rag.answer.conversation import Conversation
from rag.answer.llm import LLMGenerator
from rag.answer.question import is_english
from rag.answer.spelling import respell
from rag.chunking import Chunk, chunk_text, content_sentences
from rag.corpus import Article, FieldMap, Skipped, iter_files, load_path, parse_date
from rag.dates import DateScope, dates_in_question
from rag.embedding import DEFAULT_EMBEDDER, Embedder, make_embedder
from rag.errors import IndexMissing, QuestionError, RagError
from rag.lexical import COMPOUNDS, DROP_STOP_WORDS, GermanAnalyzer, Vocabulary, term_counts
from rag.locking import WriteLock
from rag.retrieval import DateRange, Hit, SearchIndex, make_retriever
from rag.settings import Settings
from rag.stores.files import Manifest, Store
from rag.stores.milvus import MilvusRetriever, MilvusStore, WriterLease, idf, is_milvus
from rag.stories import StoryIndex, StoryRow, band_keys, same_passage, signature

_EMBED_STEP = 256  # chunks embedded between progress updates
Progress = Callable[[int, int], None]  # (done, total) in articles


@dataclass
class IngestReport:
    """What an ingest did; ``skipped`` lists every input that was not ingested, with the reason."""

    added: int = 0
    duplicates: int = 0
    chunks: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    signed: int = 0  # articles of an older index given their story (syndicated copies) during this ingest

    def summary(self) -> str:
        parts = [f"{self.added} articles added ({self.chunks} chunks)", f"{self.duplicates} already in the index"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.signed:
            parts.append(f"{self.signed} indexed articles checked for syndicated copies")
        return ", ".join(parts) + f" in {self.seconds:.1f} s"


def _embedder_of(store: Store, settings: Settings) -> str | None:
    """The embedder named by the manifest of the own-files index ``store``, if there is one.

    A Milvus index keeps its manifest in Milvus, which needs a connection: it is asked with the
    default unless ``--embedder`` says otherwise (and says so if they differ).
    """
    if settings.store:
        return None
    try:
        return store.read_manifest().embedder
    except RagError:  # none yet, or damaged: the first use of the index says which
        return None


def indexed_text(article: Article, chunk: Chunk, with_title: bool) -> str:
    """The text a chunk is embedded and BM25-indexed as: its headline first, when enabled."""
    return f"{article.title}\n{chunk.text}" if with_title else chunk.text


def lexical_rows(chunk: Chunk, title_tokens: list[str] | None, analyzer: GermanAnalyzer) -> list[list[str]]:
    """A chunk's BM25 sentence rows: the headline's tokens (None: headline not indexed) and each sentence's.

    The headline is indexed with every chunk, so it counts as one of the chunk's sentences too; the
    chunk's own BM25 row is all of these rows joined.
    """
    spans = content_sentences(chunk.text) or [(0, 0)]
    per_sentence = [analyzer.tokens(chunk.text[a:b]) for a, b in spans]
    return per_sentence if title_tokens is None else [title_tokens, *per_sentence]


def lexical_counts(
    rows_per_chunk: list[list[list[str]]], vocab: Vocabulary
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray]:
    """Chunk and sentence term counts for chunks given as their ``lexical_rows``, growing ``vocab``.

    Returns the chunk counts (a chunk's row is all its rows joined), the sentence counts, and for
    each sentence row the position of its chunk.
    """
    sentences = [row for rows in rows_per_chunk for row in rows]
    owner = np.repeat(np.arange(len(rows_per_chunk), dtype=np.int64), [len(rows) for rows in rows_per_chunk])
    counts = term_counts([[t for row in rows for t in row] for rows in rows_per_chunk], vocab)
    sentence_counts = term_counts(sentences, vocab)
    counts.resize((counts.shape[0], sentence_counts.shape[1]))
    return counts, sentence_counts, owner


class Pipeline:
    """Owns the settings, the embedder and the loaded index. Cheap to build: loads on first use."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
        explicit_chunking: bool = False,
    ) -> None:
        """Args:
        settings: the run's settings.
        embedder: overrides ``settings.embedder`` (tests pass the fake).
        generator: overrides the extractive default.
        explicit_chunking: the user chose the chunking settings; an existing index with other
            chunking is then refused instead of its own settings being adopted.
        """
        self.store = Store(settings.index_dir)
        if not settings.embedder:  # nobody chose a model: the index's own, as with its chunking
            settings = replace(settings, embedder=_embedder_of(self.store, settings) or DEFAULT_EMBEDDER)
        self.settings = settings
        self.explicit_chunking = explicit_chunking
        threads = settings.embed_threads or None
        self.embedder = embedder or make_embedder(settings.embedder, threads)
        # the answerer's decline model was fitted on USE cosines (rag/answer/answerable.py), so answers
        # are scored with USE whatever model embeds the index, even one passed in; the tests' fake serves both
        same = self.embedder.name == answerable.EMBEDDER or self.embedder.name.startswith("hash-")
        self.answer_embedder = self.embedder if same else make_embedder(answerable.EMBEDDER, threads)
        # --store milvus:…: the index lives in Milvus (rag.stores.milvus); None: the project's own files
        self.milvus = MilvusStore(settings.store, self.embedder.dim) if is_milvus(settings.store) else None
        self.analyzer = GermanAnalyzer(settings.drop_stop_words, settings.split_compounds)  # the BM25 index's
        self.content_words = GermanAnalyzer(drop_stop_words=True)  # the generator's and follow-ups'
        self._generator = generator
        self._index: SearchIndex | None = None
        self._generation: tuple[int, int] = (0, -1)  # the store's segments when the index was loaded
        self._load_lock = threading.Lock()
        self._ray: Any = None  # rag.ray_embed.RayEmbedder, started by the first ingest batch with settings.ray

    # ---- ingest -------------------------------------------------------------------------------
    def manifest(self) -> Manifest:
        s = self.settings
        return Manifest(
            self.embedder.name, self.embedder.dim, s.chunk_chars, s.chunk_overlap, s.title_in_index, self.analyzer.name
        )

    def check_index(self) -> None:
        """Raise if there is no index or its embedder differs; adopt its chunking and analyzer.

        Chunking and tokenising only matter when articles are added, so an index is asked with the
        settings it was built with, and grows with them, unless the user explicitly asked for others.
        """
        if self.milvus is not None:
            found = Manifest(**self.milvus.manifest())
            found.check_compatible(self.manifest(), Path(self.where), chunking=self.explicit_chunking)
        else:
            found = self.store.read_manifest()
            found.check_compatible(self.manifest(), self.store.dir, chunking=self.explicit_chunking)
        self.settings = replace(
            self.settings,
            chunk_chars=found.chunk_chars,
            chunk_overlap=found.chunk_overlap,
            title_in_index=found.title_in_index,
            drop_stop_words=found.analyzer.removesuffix(COMPOUNDS) == DROP_STOP_WORDS,
            split_compounds=found.analyzer.endswith(COMPOUNDS),
        )
        if found.analyzer != self.analyzer.name:
            self.analyzer = GermanAnalyzer.named(found.analyzer)

    def ingest(
        self,
        paths: list[Path],
        fields: FieldMap | None = None,
        progress: Progress | None = None,
        wait: bool = True,
    ) -> IngestReport:
        """Add the articles in ``paths`` (files or folders) that the index does not hold yet.

        Articles are committed in batches of ``settings.batch_articles``; each batch is one
        transaction, so an interruption keeps the index as it was after the last whole batch.
        """
        return self.ingest_items(self._read(paths, fields), progress, wait)

    def ingest_items(
        self, items: Iterable[Article | Skipped], progress: Progress | None = None, wait: bool = True
    ) -> IngestReport:
        """Add already-loaded articles (``Skipped`` entries are only reported).

        Holds the index's write lock throughout: a second writer waits (or, ``wait=False``, fails at
        once), so the vocabulary, the stray-file clean-up and the segments are never raced.
        """
        with WriteLock(self.lock_dir, wait=wait):
            if self.milvus is not None:
                with WriterLease(self.milvus, wait=wait):  # writers on other machines
                    return self._ingest_milvus(items, progress)
            return self._ingest_locked(items, progress)

    @property
    def where(self) -> str:
        """The index's place, as messages name it: its folder, or the ``--store`` spec."""
        return self.milvus.spec if self.milvus is not None else str(self.store.dir)

    @property
    def lock_dir(self) -> Path:
        """Where this machine's write lock lives: the index folder, or beside a Milvus Lite file. Writers on
        several machines meet at a Milvus index's lease (``rag.stores.milvus.WriterLease``)."""
        if self.milvus is not None and not self.milvus.remote:
            return Path(self.milvus.uri + ".lock")
        return self.store.dir

    def _ingest_locked(self, items: Iterable[Article | Skipped], progress: Progress | None) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        if self.store.exists():
            self.check_index()
        self.store.create_or_check(self.manifest())
        self.store.remove_stray_files()
        fresh = self._fresh(items, self.store.known_article_ids(), report)
        vocab = self.store.vocabulary()  # grows in memory batch by batch; each commit stores its new terms
        stories = self.store.story_index()
        unsigned = self.store.unsigned_articles()
        if unsigned:  # an index from before stories: its articles are signed once, before the new ones
            self.store.add_stories(self._stories(unsigned, stories))
            report.signed = len(unsigned)
        size = self.settings.batch_articles
        for first in range(0, len(fresh), size):
            batch = fresh[first : first + size]

            def batch_progress(done: int, first: int = first) -> None:
                if progress:
                    progress(first + done, len(fresh))

            report.chunks += self._add_batch(batch, vocab, stories, batch_progress)
            report.added += len(batch)
        if report.added:
            self._index = None  # the next query loads the grown index
        report.seconds = time.perf_counter() - started
        return report

    def _fresh(self, items: Iterable[Article | Skipped], known: set[str], report: IngestReport) -> list[Article]:
        """The articles to add: not in the index yet (``known``), not too long; the rest counted in ``report``."""
        fresh: list[Article] = []
        limit = self.settings.max_article_chars
        for item in items:
            if isinstance(item, Skipped):
                report.skipped.append(item)
            elif len(item.text) > limit:  # a 52 MB one-line file once ran for 10 minutes and swelled answers
                title = item.title if len(item.title) <= 60 else item.title[:59] + "…"
                report.skipped.append(
                    Skipped(
                        item.path or item.id,
                        None,
                        f"article {title!r} has {len(item.text):,} characters, more than the limit of {limit:,}; "
                        "split it, or raise RAG_MAX_ARTICLE_CHARS",
                    )
                )
            elif item.id in known:
                report.duplicates += 1
            else:
                known.add(item.id)
                fresh.append(item)
        return fresh

    def _ingest_milvus(self, items: Iterable[Article | Skipped], progress: Progress | None) -> IngestReport:
        """``_ingest_locked`` for a Milvus store: batches become visible one by one (see ``rag.stores.milvus``)."""
        assert self.milvus is not None
        started = time.perf_counter()
        report = IngestReport()
        if self.milvus.exists():
            self.check_index()
            self.milvus.remove_unfinished()
            if self.milvus.outdated():  # an index of an older layout: sign what it has not, index the band keys
                signed = self.milvus.stories()
                unsigned = self.milvus.unsigned_articles(signed)
                new = self._milvus_stories(unsigned, signed) if unsigned else []  # else no index of the whole archive
                self.milvus.upgrade(new, signed)
                report.signed = len(unsigned)
        else:
            self.milvus.create(asdict(self.manifest()))
        fresh = self._fresh(items, self.milvus.known_article_ids(), report)
        s = self.settings
        size = s.batch_articles
        for first in range(0, len(fresh), size):
            batch = fresh[first : first + size]
            chunks, texts, sentences, owner = [], [], [], []
            dfs: dict[str, int] = {}
            terms = []  # each chunk's BM25 text: its analysed terms, as the default store counts them
            for number, article in enumerate(batch):
                title_tokens = self.analyzer.tokens(article.title) if s.title_in_index else None
                for chunk in chunk_text(article.id, article.text, s.chunk_chars, s.chunk_overlap):
                    rows = lexical_rows(chunk, title_tokens, self.analyzer)
                    sentences.append(
                        [(" ".join(row), n == 0 and title_tokens is not None) for n, row in enumerate(rows)]
                    )
                    terms.append(" ".join(t for row in rows for t in row))
                    for term in {t for row in rows for t in row}:
                        dfs[term] = dfs.get(term, 0) + 1
                    chunks.append(chunk)
                    texts.append(indexed_text(article, chunk, s.title_in_index))
                    owner.append(number)

            def batch_progress(done: int, first: int = first) -> None:
                if self.milvus is not None and self.milvus.lease is not None:
                    self.milvus.lease.keep()  # a live writer's lease never runs out while it embeds
                if progress:
                    progress(first + done, len(fresh))

            vectors = self._embed_chunks(texts, owner, batch_progress)
            stories = self._milvus_stories([(a.id, a.text) for a in batch])
            self.milvus.add_batch(batch, chunks, terms, vectors, sentences, dfs, stories)
            report.chunks += len(chunks)
            report.added += len(batch)
            if progress:
                progress(first + len(batch), len(fresh))
        report.seconds = time.perf_counter() - started
        return report

    def repair(self) -> list[str]:
        """Rebuild every damaged or missing segment file from the articles the docstore keeps: the
        segment's chunks are embedded and counted again (only those) and written in place. Returns
        the repaired segment ids. Needs the embedder the index was built with."""
        with WriteLock(self.store.dir):
            self.check_index()
            damaged = list(dict.fromkeys(seg for seg, _ in self.store.segment_problems(full=True)))
            vocab = self.store.vocabulary()
            known_terms = len(vocab.terms)
            for seg_id in damaged:
                rows = self.store.segment_chunks(seg_id)
                articles = self.store.articles(a for a, _, _, _ in rows)
                with_title = self.settings.title_in_index
                titles = {a: self.analyzer.tokens(art.title) if with_title else None for a, art in articles.items()}
                texts, rows_per_chunk = [], []
                for article_id, idx, start, end in rows:
                    article, title = articles[article_id], titles[article_id]
                    chunk = Chunk(article_id, article.text[start:end], start, end, idx)
                    texts.append(indexed_text(article, chunk, with_title))
                    rows_per_chunk.append(lexical_rows(chunk, title, self.analyzer))
                counts, sentence_counts, owner = lexical_counts(rows_per_chunk, vocab)
                if len(vocab.terms) != known_terms:
                    raise RagError(
                        f"segment {seg_id} cannot be rebuilt to the same terms (the index was built with another "
                        "version's text rules); rebuild the index from the original files"
                    )
                vectors = self.embedder.embed(texts) if texts else np.zeros((0, self.embedder.dim), np.float32)
                files = self.store.write_segment_files(seg_id, vectors, counts, sentence_counts, owner, ".new")
                self.store.replace_segment_files(seg_id, files)
            self._index = None
            return damaged

    def _read(self, paths: list[Path], fields: FieldMap | None) -> Iterator[Article | Skipped]:
        for path in iter_files(paths):
            yield from load_path(path, fields)

    def _stories(self, articles: list[tuple[str, str]], index: StoryIndex) -> list[StoryRow]:
        """Sign ``(id, text)`` articles in order and assign each its story (see ``rag.stories``)."""
        signed = [(article_id, signature(text)) for article_id, text in articles]
        return _assign_stories(signed, index, self.store.signatures)

    def _milvus_stories(
        self, articles: list[tuple[str, str]], found: dict[str, tuple[str, np.ndarray]] | None = None
    ) -> list[StoryRow]:
        """``_stories`` on Milvus: the candidates are the indexed articles sharing a band key with the new ones,
        found by one indexed filter, so that no ingest reads every signature (``found``: the candidates when
        they are known, id -> (story, signature))."""
        assert self.milvus is not None
        signed = [(article_id, signature(text)) for article_id, text in articles]
        if found is None:
            found = self.milvus.story_candidates([k for _, sig in signed for k in band_keys(sig)])
        rows = [(b, key, a, story) for a, (story, sig) in found.items() for b, key in enumerate(band_keys(sig))]
        index = StoryIndex(rows)
        return _assign_stories(signed, index, lambda ids: {a: found[a][1] for a in ids if a in found})

    def _embed_chunks(self, texts: list[str], owner: list[int], progress: Callable[[int], None]) -> np.ndarray:
        """The chunks' vectors, here or on Ray (``settings.ray``); ``progress`` hears how many of the batch's
        articles are done (``owner``: each chunk's article, in order): those whose last chunk is embedded."""

        def articles_done(chunks_done: int) -> None:
            progress(owner[chunks_done - 1] + 1 if chunks_done == len(texts) else owner[chunks_done])

        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        if self.settings.ray:
            if self._ray is None:
                from rag.ray_embed import RayEmbedder

                self._ray = RayEmbedder(
                    self.settings.embedder, self.settings.ray, threads=self.settings.embed_threads or 1
                )
            return self._ray.embed(texts, articles_done)
        parts = []
        for start in range(0, len(texts), _EMBED_STEP):
            parts.append(self.embedder.embed(texts[start : start + _EMBED_STEP]))
            articles_done(min(start + _EMBED_STEP, len(texts)))
        return np.vstack(parts)

    def _add_batch(
        self, articles: list[Article], vocab: Vocabulary, stories: StoryIndex, progress: Callable[[int], None]
    ) -> int:
        s = self.settings
        chunks: list[Chunk] = []
        texts: list[str] = []
        owner: list[int] = []
        rows_per_chunk: list[list[list[str]]] = []
        for number, article in enumerate(articles):
            title_tokens = self.analyzer.tokens(article.title) if s.title_in_index else None
            for chunk in chunk_text(article.id, article.text, s.chunk_chars, s.chunk_overlap):
                rows_per_chunk.append(lexical_rows(chunk, title_tokens, self.analyzer))
                chunks.append(chunk)
                texts.append(indexed_text(article, chunk, s.title_in_index))
                owner.append(number)
        counts, sentence_counts, sentence_owner = lexical_counts(rows_per_chunk, vocab)
        vectors = self._embed_chunks(texts, owner, progress)
        story_rows = self._stories([(a.id, a.text) for a in articles], stories)
        self.store.add_segment(articles, chunks, vectors, counts, vocab, sentence_counts, sentence_owner, story_rows)
        progress(len(articles))
        return len(chunks)

    # ---- query --------------------------------------------------------------------------------
    @property
    def index(self) -> SearchIndex:
        """The loaded index (``refresh`` loads it again after other processes committed segments)."""
        if self._index is not None:
            return self._index
        with self._load_lock:  # concurrent requests of a server load it once
            if self._index is not None:
                return self._index
            self._generation = self.store.generation()
            self.check_index()
            index = SearchIndex(self.store, self.embedder, self.analyzer, self.settings.exact_search_max)
            if index.size == 0:
                raise IndexMissing(
                    f"the index in {self.store.dir} is empty; add articles with: rag ingest PATH",
                    f"Der Index in {self.store.dir} ist leer; Artikel fügt „rag ingest PFAD“ hinzu.",
                )
            self._index = index
        return self._index

    def refresh(self) -> None:
        """Drop the loaded index when another process has committed segments since it was loaded, so a
        running server answers from newly ingested articles (one small SQLite query, once per search)."""
        if self._index is not None and self.store.generation() != self._generation:
            self._index = None

    @property
    def generator(self) -> Generator:
        if self._generator is None:
            extractive = ExtractiveGenerator(
                self.answer_embedder, self.content_words, known_terms=self.known_terms, term_weights=self.term_weights
            )
            model = chat_model(self.settings.llm)
            self._generator = (
                extractive if model is None else LLMGenerator(model[0], extractive, name=model[1], structured=model[2])
            )
        return self._generator

    def has_index(self) -> bool:
        return self.milvus.exists() if self.milvus is not None else self.store.exists()

    def articles(self, ids: Iterable[str]) -> dict[str, Article]:
        """Whole articles by id, from whichever store holds the index."""
        return self.milvus.articles(ids) if self.milvus is not None else self.store.articles(ids)

    def recent_articles(self, limit: int) -> list[Article]:
        """The newest articles (without their text), for example questions."""
        return self.milvus.recent_articles(limit) if self.milvus is not None else self.store.recent_articles(limit)

    def ready(self) -> None:
        """Raise now, with the error a question would get, if there is no usable index."""
        if self.milvus is not None:
            self.check_index()
        else:
            self.index  # noqa: B018 - loads it: a missing or damaged index is reported here

    def known_terms(self, terms: list[str]) -> set[str]:
        """Which of these stemmed terms occur anywhere in the index."""
        if self.milvus is not None:
            return set(self.milvus.document_frequencies(terms)[0])
        return set(self.store.term_ids(terms))

    def term_weights(self, terms: list[str]) -> dict[str, float]:
        """The BM25 idf of these stemmed terms in the loaded index; a term it never holds weighs the most."""
        if self.milvus is not None:
            df, n = self.milvus.document_frequencies(terms)
            return {t: idf(df.get(t, 0), n) for t in terms}
        bm25 = self.index.bm25
        known = self.store.term_ids(terms)
        rarest = math.log1p((bm25.n_docs + 0.5) / 0.5)
        return {t: float(bm25.idf[known[t]]) if known.get(t, bm25.n_terms) < bm25.n_terms else rarest for t in terms}

    def check_question(self, question: str) -> str:
        """The question as it is answered: invisible format characters (zero-width spaces and joiners, soft
        hyphens, a byte order mark: text pasted from web pages carries them) removed, whitespace collapsed;
        an empty or overlong question is refused. An English question's names that the index holds only in
        German spelling are written so ("Who is Peskov?" asks about "Peskow": ``rag.answer.spelling``)."""
        text = " ".join("".join(ch for ch in question if unicodedata.category(ch) != "Cf").split())
        if not text:
            raise QuestionError(
                "the question is empty; type a question about the articles", "Bitte geben Sie eine Frage ein."
            )
        limit = self.settings.max_question_chars
        if len(text) > limit:
            raise QuestionError(
                f"the question has {len(text)} characters; use at most {limit}",
                f"Die Frage hat {len(text)} Zeichen; bitte höchstens {limit}.",
            )
        return respell(text, self._held_words) if is_english(text) else text

    def _held_words(self, words: list[str]) -> set[str]:
        """Which of these words the index holds (every stem of the word occurs in it)."""
        stems = {w: self.analyzer.tokens(w) for w in words}
        known = self.known_terms(sorted({t for found in stems.values() for t in found}))
        return {w for w, found in stems.items() if found and set(found) <= known}

    def retrieve(
        self, query: str, k: int | None = None, retriever: str | None = None, filters: DateRange | None = None
    ) -> list[Hit]:
        """The ``k`` best passages, one per syndicated story: a copy's passage that repeats an earlier
        one is left out, and every passage lists its article's copies in ``Hit.also``."""
        self.refresh()
        return self._retrieve(query, k, retriever, filters)

    def _retrieve(
        self, query: str, k: int | None = None, retriever: str | None = None, filters: DateRange | None = None
    ) -> list[Hit]:
        s = self.settings
        k = s.k if k is None else k
        dense_share = s.english_hybrid_weight if is_english(query) else s.hybrid_weight
        if self.milvus is not None:
            self.check_index()
            weights = (dense_share, s.candidates, s.sentence_weight, s.headline_weight)
            kind = retriever or s.retriever
            searcher = MilvusRetriever(self.milvus, self._embed_query, self._analyze, kind, *weights)
            hits = searcher.retrieve(query, 2 * k, filters)
            return collapse_copies(hits, self.milvus.copies(h.article.id for h in hits))[:k]
        chosen = make_retriever(
            retriever or s.retriever, self.index, dense_share, s.candidates, s.sentence_weight, s.headline_weight
        )
        hits = chosen.retrieve(query, 2 * k, filters)
        return collapse_copies(hits, self.store.copies(h.article.id for h in hits))[:k]

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        k: int | None = None,
        retriever: str | None = None,
        filters: DateRange | None = None,
    ) -> Answer:
        """Answer ``question``; a ``conversation`` gives follow-ups their context and records the turn.

        A follow-up is retrieved together with the topic it leans on, and the articles the previous
        answer cited come first among its passages.
        """
        return deque(self.ask_stream(question, conversation, k, retriever, filters), maxlen=1)[0]

    def ask_stream(
        self,
        question: str,
        conversation: Conversation | None = None,
        k: int | None = None,
        retriever: str | None = None,
        filters: DateRange | None = None,
        quotes_only: bool = False,
    ) -> Iterator[Answer]:
        """``ask``, as the answer grows: with a language model, the quoted answer first and the model's text
        as it arrives (``Answer.partial``), then the final answer, which alone is recorded in the conversation."""
        question = self.check_question(question)
        self.refresh()
        k = self.settings.k if k is None else k
        context = AskContext()
        if conversation is not None:
            context = conversation.context(question, len(set(self.content_words.tokens(question))))
        started = time.perf_counter()
        cited = conversation.cited_articles() if conversation is not None else []
        generator = self.generator
        if quotes_only and isinstance(generator, LLMGenerator):  # the reader chose answers without the model
            generator = generator.fallback
        standalone = None
        if context.topic and isinstance(generator, LLMGenerator):  # the model makes the follow-up a question
            standalone = generator.rewrite(question, context.topic, self.reference_date())
        if standalone:
            context = replace(context, standalone=standalone)
            hits, scope = self._search(standalone, "", k, retriever, filters)
            hits = _cited_first(hits, cited)
        else:
            hits, scope = self._search(question, context.topic, k, retriever, filters, [] if context.fresh else cited)
        if scope is not None and scope.source == "question" and scope.applied:
            context = replace(context, dated=True)
        retrieved = time.perf_counter()
        answer = None
        if isinstance(generator, LLMGenerator):
            for answer in generator.stream(question, hits, context):
                if answer.partial:
                    yield replace(answer, date_range=scope)
        else:
            answer = generator.generate(question, hits, context)
        assert answer is not None
        timings = {
            "retrieve_ms": round((retrieved - started) * 1000, 2),
            **answer.timings,
            "total_ms": round((time.perf_counter() - started) * 1000, 2),
        }
        answer = replace(answer, timings=timings, date_range=scope, standalone=standalone or "")
        if conversation is not None:
            conversation.add(question, context, answer)
        yield answer

    def search(
        self,
        question: str,
        topic: str = "",
        k: int | None = None,
        retriever: str | None = None,
        filters: DateRange | None = None,
        cited: list[str] | None = None,
    ) -> tuple[list[Hit], DateScope | None]:
        """The passages a question is answered from, and the period they were searched in.

        A follow-up (``topic``: the question it follows) is retrieved together with its topic, and the
        articles the previous answer ``cited`` come first. A period the question names filters, or with
        ``relative_dates="boost"`` a relative one only puts its passages first.
        """
        self.refresh()
        return self._search(question, topic, k, retriever, filters, cited)

    def _search(
        self,
        question: str,
        topic: str = "",
        k: int | None = None,
        retriever: str | None = None,
        filters: DateRange | None = None,
        cited: list[str] | None = None,
    ) -> tuple[list[Hit], DateScope | None]:
        k = self.settings.k if k is None else k
        query = f"{topic} {question}".strip()
        scope = self.date_scope(question, topic, filters)
        if scope is not None and scope.source == "question" and scope.applied:
            filters = DateRange(scope.start, scope.end)
            if scope.relative and self.settings.relative_dates == "boost":
                return self._in_range_first(query, k, retriever, filters), scope
        if topic:
            return _cited_first(self._retrieve(query, 2 * k, retriever, filters), cited or [])[:k], scope
        return self._retrieve(query, k, retriever, filters), scope

    def _analyze(self, query: str) -> str:
        """A query as a Milvus store's BM25 fields hold text: the index analyzer's terms, joined by spaces."""
        return " ".join(self.analyzer.tokens(query))

    def _embed_query(self, query: str) -> np.ndarray:
        return self.embedder.embed_query(query).astype(np.float32)

    def reference_date(self) -> date | None:
        """What relative dates count from: the ``reference_date`` setting, else the newest article's last day."""
        if self.settings.reference_date:  # checked when the settings were made
            return _last_day(parse_date(self.settings.reference_date))
        newest = self.milvus.newest_date() if self.milvus is not None else self.index.newest_date()
        return _last_day(newest) if newest else None

    def date_scope(self, question: str, topic: str, filters: DateRange | None) -> DateScope | None:
        """The period an answer is searched in: the user's filter, else a date the question (or, for a
        follow-up, the question it follows) names. None when neither names one, or the index has no dates.

        A named period that no article in the index is from is reported as not applied: the answer is
        then searched in all articles, and the reader is told so.
        """
        english = is_english(question)
        if filters is not None:
            return DateScope(filters.start, filters.end, "filter", english=english)
        if not (self.milvus.newest_date() if self.milvus is not None else self.index.has_dates()):
            return None
        reference = self.reference_date()
        found = dates_in_question(question, reference) or (dates_in_question(topic, reference) if topic else None)
        if found is None:
            return None
        if self.milvus is not None:
            applied = self.milvus.any_in(DateRange(found.start, found.end))
        else:
            mask = self.index.allowed(DateRange(found.start, found.end))
            applied = mask is None or bool(mask.any())
        return DateScope(found.start, found.end, "question", found.text, found.relative, applied, english)

    def _in_range_first(self, query: str, k: int, retriever: str | None, filters: DateRange) -> list[Hit]:
        """The best ``4k`` passages of all dates, those inside ``filters`` first: a relative date boosts."""
        hits = self._retrieve(query, 4 * k, retriever)
        inside = [h for h in hits if filters.covers(h.article.date)]
        outside = [h for h in hits if not filters.covers(h.article.date)]
        return (inside + outside)[:k]


def _last_day(value: str) -> date:
    """The last day a date (``YYYY-MM``, or ``YYYY-MM-DD`` with a day past the month's end read as its last) covers."""
    year, month = int(value[:4]), int(value[5:7])
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(int(value[8:10]), last) if len(value) == 10 else last)


def _assign_stories(
    signed: list[tuple[str, np.ndarray]], index: StoryIndex, known: Callable[[Iterable[str]], dict[str, np.ndarray]]
) -> list[StoryRow]:
    """Each signed article's story, in order; ``known`` looks up signatures of indexed articles."""
    pending: dict[str, np.ndarray] = {}

    def lookup(ids: list[str]) -> dict[str, np.ndarray]:
        found = {a: pending[a] for a in ids if a in pending}
        found.update(known(a for a in ids if a not in pending))
        return found

    rows = []
    for article_id, sig in signed:
        rows.append(StoryRow(article_id, index.assign(article_id, sig, lookup), sig))
        pending[article_id] = sig
    return rows


def collapse_copies(hits: list[Hit], copies: dict[str, list[Article]]) -> list[Hit]:
    """``hits`` without passages that repeat a better one from another copy of the same story; the
    hits kept carry their article's copies (``copies``: article id -> its copies)."""
    kept: list[Hit] = []
    for hit in hits:
        others = copies.get(hit.article.id, [])
        same_story = {c.id for c in others}
        if any(k.article.id in same_story and same_passage(k.chunk.text, hit.chunk.text) for k in kept):
            continue
        kept.append(replace(hit, also=tuple(others)) if others else hit)
    return kept


def _cited_first(hits: list[Hit], articles: list[str]) -> list[Hit]:
    """``hits`` with those from ``articles`` first (in their order), the rest after."""
    rank = {a: i for i, a in enumerate(articles)}
    return sorted(hits, key=lambda h: rank.get(h.article.id, len(rank)))
