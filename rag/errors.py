"""The project's small error family: every failure a user can cause is a ``RagError``."""

from __future__ import annotations


class RagError(Exception):
    """Base class: printed by the CLI as one line and shown by the UI as a message.

    Args:
        message: the English message the CLI prints.
        german: the same for the German UI, where a user can cause this error there.
    """

    def __init__(self, message: str, german: str | None = None) -> None:
        super().__init__(message)
        self.german = german


class CorpusError(RagError):
    """An input file or line could not be read as an article."""


class IndexMissing(RagError):
    """No index exists where one was expected."""


class IndexDamaged(RagError):
    """A file of the index is missing or is not what was written; the message names it."""


class EmbedderMismatch(RagError):
    """The index was built with another embedder or other chunking settings."""


class QuestionError(RagError):
    """A question is empty or too long."""


class DatasetError(RagError):
    """An evaluation dataset is malformed."""
