"""Question answering with citations over German news articles.

Importing the package is cheap: models load lazily on first use.
"""

from rag.errors import CorpusError, EmbedderMismatch, IndexMissing, QuestionError, RagError

__version__ = "0.1.0"

__all__ = ["CorpusError", "EmbedderMismatch", "IndexMissing", "QuestionError", "RagError", "__version__"]
