"""The answer step: from retrieved passages to an answer with citations.

``base`` holds the values and the ``Generator`` seam; ``question`` reads what is asked; ``evidence``
says what a sentence can answer; ``quotes`` cuts clean quotes; ``extractive`` is the offline default;
``conversation`` carries a chat's follow-ups.
"""

from rag.answer.base import DECLINE_DE, DECLINE_EN, Answer, AskContext, Citation, Generator, Part
from rag.answer.extractive import ExtractiveGenerator
from rag.answer.question import is_english

__all__ = [
    "DECLINE_DE",
    "DECLINE_EN",
    "Answer",
    "AskContext",
    "Citation",
    "ExtractiveGenerator",
    "Generator",
    "Part",
    "is_english",
]
