"""One writer per index: an OS file lock (``fcntl.flock``) on ``INDEX/write.lock`` that the kernel
releases when its process ends, however it ends (kill -9 included), so a lock is never left stale.

Readers take no lock: a batch becomes visible only when its SQLite transaction commits.

Example:
    >>> with WriteLock(Path("index"), wait=True):  # doctest: +SKIP
    ...     pass  # ingest
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from pathlib import Path
from types import TracebackType

from rag.errors import RagError

LOCK_NAME = "write.lock"


class IndexBusy(RagError):
    """Another process is writing to the index and the caller would not wait."""


class WriteLock:
    """Exclusive write access to the index in ``index_dir``.

    Args:
        wait: wait for the other writer (saying whose lock it waits for) instead of failing at once.
        say: where the waiting message goes.
    """

    def __init__(self, index_dir: Path, wait: bool = True, say=None) -> None:  # type: ignore[no-untyped-def]
        self.path = Path(index_dir) / LOCK_NAME
        self.wait = wait
        self.say = say or (lambda text: print(text, file=sys.stderr, flush=True))
        self._fd: int | None = None

    def holder(self) -> str:
        """What the lock file says about the process that holds it ("" when unknown)."""
        try:
            return self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def __enter__(self) -> WriteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = self.holder() or "another process"
            if not self.wait:
                os.close(fd)
                raise IndexBusy(
                    f"{self.path.parent} is being written by {who}; try again when it has finished "
                    "(or leave out --no-wait to wait for it)",
                    f"In den Index {self.path.parent} schreibt gerade {who}; bitte später erneut versuchen.",
                ) from None
            self.say(f"rag: waiting for {who} to finish writing {self.path.parent} …")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        with contextlib.suppress(OSError):  # who holds the lock, for a second writer; a full disk loses only that
            os.write(fd, f"process {os.getpid()} (since {time.strftime('%Y-%m-%d %H:%M:%S')})\n".encode())
        self._fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
