"""Start the chat UI: ``python app.py`` is the same as ``rag serve`` (index from seeds/ if none)."""

import sys

from rag.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
