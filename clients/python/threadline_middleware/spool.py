"""The append-only local spool: batches on disk until the server has taken them."""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path


class Spool:
    """
    One NDJSON file per batch, named so that a listing sorts oldest first. A batch is written
    before it is sent and removed once the server has answered 202, so a process killed -9 leaves
    its unsent batches here for the next start (or another worker) to replay; the server's ingest
    is idempotent by prediction id, so a batch sent twice is counted once.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._seq = itertools.count()
        self._pid = os.getpid()

    def write(self, payload: bytes, durable: bool = False) -> Path:
        name = f"{time.time_ns():020d}-{self._pid}-{next(self._seq):08d}.ndjson"
        path = self.dir / name
        # Written under a temporary name and renamed: a replay never sees half a file of a live process.
        temporary = self.dir / f".{name}.tmp"
        # os-level calls, not a Python file object: each system call lets go of the GIL, which the
        # request thread then hands back, and a file object makes three more (fstat, ioctl, lseek).
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
        return path

    def pending(self, own: bool = False) -> list[Path]:
        """Batches not yet taken, oldest first (also those left by earlier processes, unless `own`)."""
        mark = f"-{self._pid}-"
        try:
            return sorted(p for p in self.dir.iterdir() if p.suffix == ".ndjson" and not p.name.startswith(".") and (not own or mark in p.name))
        except FileNotFoundError:
            return []

    def remove(self, path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass  # replayed and removed by another worker sharing the folder

    def count(self) -> int:
        return len(self.pending())
