"""Ships prediction records to the server from a background thread, off the request path."""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from collections import deque
from typing import Any, Callable

from .client import IngestRefused
from .spool import Spool

logger = logging.getLogger("threadline.middleware")

# One POST stays well under the server's 16 MiB batch limit whatever the bodies.
_MAX_POST_BYTES = 4 * 1024 * 1024

Record = dict[str, Any]


class Shipper:
    """
    `log()` only appends to a bounded in-memory queue (a deque: no lock, no I/O). Every
    `flush_interval` seconds the thread takes what is queued, turns it into NDJSON, writes it to
    the spool and posts it; a batch the server took (202) leaves the spool. While the server
    cannot be reached, batches stay spooled (fsynced) and are replayed, oldest first, every
    `retry_interval`. A full queue spills to the spool from the request itself, so nothing is dropped.
    """

    def __init__(
        self,
        send: Callable[[bytes], object],
        spool: Spool,
        finish: Callable[[Record], Record] = lambda r: r,
        capacity: int = 10_000,
        flush_interval: float = 0.05,
        retry_interval: float = 1.0,
    ) -> None:
        self._send = send
        self.spool = spool
        self._finish = finish
        self._capacity = capacity
        self._flush_interval = flush_interval
        self._retry_interval = retry_interval
        self._queue: deque[Record] = deque()
        self._wake = threading.Event()
        self._stopped = False
        self._last_retry = 0.0
        # One warning per outage, not one per retry.
        self._warned = False
        # Batches left by an earlier process are replayed first.
        self.degraded = self.spool.count() > 0
        self.stats = {"queued": 0, "sent": 0, "spooled": 0, "replayed": 0, "spilled": 0, "rejected": 0}
        self._thread = threading.Thread(target=self._run, name="threadline-shipper", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def log(self, record: Record) -> None:
        self.stats["queued"] += 1
        if len(self._queue) >= self._capacity or self._stopped:
            # Over capacity (the server has been slow for a long while): the request pays one write.
            self.stats["spilled"] += 1
            self.spool.write(self._encode([self._finish(record)]), durable=True)
            return
        self._queue.append(record)

    def flush(self, timeout: float = 10.0) -> None:
        """Waits until what is queued now has been sent or spooled."""
        end = time.monotonic() + timeout
        while (self._queue or self._busy) and time.monotonic() < end:
            self._wake.set()
            time.sleep(0.005)

    def close(self, timeout: float = 5.0) -> None:
        """Sends (or spools) everything queued; what the server does not take stays spooled for the next start."""
        if self._stopped:
            return
        self._stopped = True
        self._wake.set()
        self._thread.join(timeout)

    _busy = False

    def _run(self) -> None:
        while True:
            self._wake.wait(self._flush_interval)
            self._wake.clear()
            self._busy = True
            try:
                self._drain()
                if self.degraded and (self._stopped or time.monotonic() - self._last_retry >= self._retry_interval):
                    self._replay()
            except Exception:  # never let the thread die: the next tick tries again
                logger.exception("threadline: shipping predictions failed")
            finally:
                self._busy = False
            if self._stopped and not self._queue:
                return

    def _drain(self) -> None:
        while self._queue:
            lines: list[bytes] = []
            size = 0
            while self._queue and size < _MAX_POST_BYTES:
                line = json.dumps(self._finish(self._queue.popleft()), ensure_ascii=False, separators=(",", ":")).encode()
                lines.append(line)
                size += len(line) + 1
            payload = b"\n".join(lines) + b"\n"
            if self.degraded:
                self.spool.write(payload, durable=True)
                self.stats["spooled"] += len(lines)
                continue
            path = self.spool.write(payload)
            if self._post(payload, path):
                self.stats["sent"] += len(lines)
            else:
                self.stats["spooled"] += len(lines)

    def _post(self, payload: bytes, path: Any) -> bool:
        try:
            self._send(payload)
        except IngestRefused as refused:
            logger.error("threadline: the server refused a batch of predictions (kept in %s): %s", self.spool.rejected_dir, refused)
            self.spool.reject(path)
            self.stats["rejected"] += 1
            return True
        except Exception as error:
            if not self._warned:
                self._warned = True
                logger.warning("threadline: server unreachable (%s); spooling predictions in %s", error, self.spool.dir)
            self.degraded = True
            self._last_retry = time.monotonic()
            return False
        self.spool.remove(path)
        if self._warned:
            self._warned = False
            logger.warning("threadline: the server answers again; spooled predictions are being replayed")
        return True

    def _replay(self) -> None:
        self._last_retry = time.monotonic()
        for path in self.spool.pending():
            try:
                payload = path.read_bytes()
            except FileNotFoundError:
                continue  # another worker took it
            self.degraded = False
            if not self._post(payload, path):
                return
            self.stats["replayed"] += payload.count(b"\n")
        self.degraded = False

    @staticmethod
    def _encode(records: list[Record]) -> bytes:
        return b"".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for r in records)
