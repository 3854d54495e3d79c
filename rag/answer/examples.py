"""Example questions drawn from the loaded articles, so that the UI suggests what the index can answer.

Example:
    >>> from rag.corpus import Article
    >>> art = Article("a", "Hafen meldet Rückgang", "Der Umschlag sank, sagte Hafenchef Peter Müller am Montag.")
    >>> questions_for([art])
    ['Was sagte Peter Müller?', 'Fasse den Artikel „Hafen meldet Rückgang“ zusammen.']
"""

from __future__ import annotations

import re

from rag.corpus import Article

_TITLE_WORDS = 8
# "sagte Hafenchef Peter Müller", "erklärte Trump": a verb of saying, an optional role, then a name
_SPEAKER = re.compile(
    r"\b(?:sagte|erklärte|betonte|warnte|forderte|kündigte)\s+(?:der |die )?"
    r"(?:[\w-]+(?:sprecher|sprecherin|chef|chefin|präsident|präsidentin|minister|ministerin)\s+)?"
    r"(?P<name>[A-ZÄÖÜ][a-zäöüß]+(?:[ -][A-ZÄÖÜ][a-zäöüß]+)?)\b"
)
_NOT_NAMES = frozenset(
    ["Er", "Sie", "Es", "Man", "Der", "Die", "Das", "Dies", "Diese", "Ich", "Wir", "Ihr", "Am", "Im", "In"]
)


def questions_for(articles: list[Article], limit: int = 3) -> list[str]:
    """Up to ``limit`` questions: "Was sagte NAME?" for people quoted in the articles, then summaries."""
    said: list[str] = []
    summaries: list[str] = []
    for article in articles:
        found = next(
            (m.group("name") for m in _SPEAKER.finditer(article.text) if m.group("name").split()[0] not in _NOT_NAMES),
            None,
        )
        if found and f"Was sagte {found}?" not in said:
            said.append(f"Was sagte {found}?")
        words = article.title.split()
        title = " ".join(words[:_TITLE_WORDS]) + ("…" if len(words) > _TITLE_WORDS else "")
        summaries.append(f"Fasse den Artikel „{title}“ zusammen.")
    picked = said[: max(1, limit - 1)]
    return [*picked, *summaries][:limit]
