"""German compound splitting for BM25: "Windenergiegesetz" also indexes "Windenergie", "Wind", "Energie", "Gesetz".

The method is the frequency-based one of Koehn & Knight ("Empirical Methods for Compound Splitting",
EACL 2003): a word is split where every part is a known word and the parts' geometric mean
frequency beats the frequency of the whole word, so a frequent word stays whole ("Verbraucher" is
not "Verb" + "Raucher"). Between parts the German linking elements (Fugen: -s-, -es-, -n-, -en-,
-e-, -er-, -ns-) may stand. Word frequencies come from ``wordfreq``'s German list (code Apache-2.0,
data CC BY-SA 4.0, installed as a package, not copied here); the splitting is this module's own.

Example:
    >>> splitter = CompoundSplitter({"wind": 5e-5, "energie": 6e-5, "gesetz": 8e-5})
    >>> splitter.parts("windenergiegesetz")
    ['windenergie', 'wind', 'energie', 'gesetz']
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

from rag.errors import RagError

MIN_WORD = 7  # shorter words are not split
MIN_PART = 4  # shorter parts only from _SHORT_PARTS
MIN_FREQUENCY = 1e-6  # wordfreq's Zipf 3: rarer words ("aufge", "mita") are not trusted as parts
# three-letter words that head or modify German compounds ("Stadtrat", "Bauamt"); other short strings
# that are frequent in the list ("ten", "son", "sch", "best") split words they are only the edge of
_SHORT_PARTS = frozenset(
    [
        "amt",
        "rat",
        "tag",
        "see",
        "bau",
        "weg",
        "zug",
        "ort",
        "tor",
        "ost",
        "eis",
        "bad",
        "bus",
        "hof",
        "rad",
        "tee",
        "zoo",
        "gas",
        "bar",
        "typ",
        "fan",
        "arm",
        "ohr",
        "tod",
        "ehe",
        "art",
        "uhr",
        "tal",
        "not",
        "rot",
    ]
)
# inflection endings: an inflected word is as frequent as its most frequent form ("brennenden" is "brennend")
_ENDINGS = ("en", "em", "er", "es", "e", "n", "s", "ten", "te", "t", "nden", "nde")
_LINKS = ("", "s", "es", "n", "en", "e", "er", "ns")
# parts that are frequent words but never stand as the head or modifier of a German compound
# (verb particles and prefixes too: "überzeugen" is not "über" + "zeugen")
_NOT_PARTS = frozenset(
    [
        "und",
        "der",
        "die",
        "das",
        "des",
        "dem",
        "den",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "einen",
        "ins",
        "ist",
        "sind",
        "war",
        "auf",
        "aus",
        "bei",
        "mit",
        "nach",
        "von",
        "vor",
        "zum",
        "zur",
        "sie",
        "ihr",
        "ihre",
        "wir",
        "man",
        "sich",
        "wie",
        "was",
        "wer",
        "als",
        "auch",
        "noch",
        "nur",
        "schon",
        "oder",
        "aber",
        "ich",
        "mir",
        "mich",
        "uns",
        "euch",
        "über",
        "unter",
        "durch",
        "wider",
        "gegen",
        "hinter",
        "voll",
        "wieder",
        "zurück",
        "heraus",
        "herum",
        "hinaus",
        "raus",
        "rein",
        "best",
    ]
)


# endings that are frequent as words of their own but in a long word are a derivation, not a head
_SUFFIXES = frozenset(
    [
        "schaft",
        "schaften",
        "heit",
        "heiten",
        "keit",
        "keiten",
        "ung",
        "ungen",
        "sungen",
        "rin",
        "erin",
        "innen",
        "lich",
        "isch",
        "tum",
        "nis",
    ]
)


class CompoundSplitter:
    """Splits lower-cased German words into the known words they are made of.

    Args:
        frequencies: lower-cased (case-folded, so "ß" is "ss") word -> relative frequency.
    """

    def __init__(self, frequencies: Mapping[str, float]) -> None:
        self._freq = frequencies
        self.parts = functools.lru_cache(maxsize=200_000)(self._parts)
        self._best = functools.lru_cache(maxsize=400_000)(self._best_split)  # type: ignore[method-assign]

    def frequency(self, word: str) -> float:
        return self._freq.get(word.casefold(), 0.0)

    def _parts(self, word: str) -> list[str]:
        """The parts of ``word`` (larger parts before their own parts), or [] when it stays whole."""
        best = self._best(word.casefold())
        if best is None:
            return []
        out: list[str] = []
        for part in best:
            out.append(part)
            out.extend(self._parts(part))
        return out

    def _best_split(self, word: str) -> tuple[str, str] | None:
        """The best split of ``word`` into a modifier and a head, each a known word, or None."""
        if len(word) < MIN_WORD or not word.isalpha():
            return None
        whole = max(
            [self._freq.get(word, 0.0)]
            + [
                self._freq.get(word[: -len(e)], 0.0)
                for e in _ENDINGS
                if word.endswith(e) and len(word) - len(e) >= MIN_WORD - 2
            ]
        )
        best, best_score = None, whole
        for cut in range(3, len(word) - 2):
            head = word[cut:]
            if len(head) < MIN_PART and head not in _SHORT_PARTS:
                continue
            head_freq = self._known(head)
            if not head_freq:
                continue
            left = word[:cut]
            for link in _LINKS:
                if link and not left.endswith(link):
                    continue
                modifier = left[: len(left) - len(link)]
                if len(modifier) < MIN_PART and modifier not in _SHORT_PARTS:
                    continue
                modifier_freq = self._known(modifier)
                if not modifier_freq:
                    continue
                score = math.sqrt(modifier_freq * head_freq)
                if score > best_score:
                    best, best_score = (modifier, head), score
        return best

    def _known(self, part: str) -> float:
        if part in _NOT_PARTS or part in _SUFFIXES:
            return 0.0
        freq = self._freq.get(part, 0.0)
        if freq >= MIN_FREQUENCY:
            return freq
        # a part that is itself a compound of known words ("Windenergie" in "Windenergiegesetz")
        inner = self._best(part) if len(part) >= MIN_WORD else None
        return min(self._freq.get(p, 0.0) for p in inner) if inner else 0.0


@functools.cache
def german_splitter() -> CompoundSplitter:
    """The splitter over wordfreq's large German list (loaded once per process, about 1 s)."""
    try:
        import wordfreq
    except ImportError:
        raise RagError(
            "this index splits German compounds, which needs the wordfreq package; "
            "install the project again (bash scripts/install.sh) or pip install wordfreq"
        ) from None
    table = wordfreq.get_frequency_dict("de", wordlist="large")
    return CompoundSplitter({w: f for w, f in table.items() if f >= MIN_FREQUENCY and w.isalpha()})
