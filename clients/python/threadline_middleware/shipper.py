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

Record = Any


def _json_line(record: Record) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


class Shipper:
    """
    `log()` only appends to a bounded in-memory queue (a deque: no lock, no I/O). Every
    `flush_interval` seconds the thread takes what is queued, turns it into NDJSON, writes it to
    the spool and posts it; a batch the server took (202) leaves the spool. While the server
    cannot be reached, batches stay spooled (fsynced) and are replayed, oldest first, every
    `retry_interval`. A server that refuses them as configured (IngestRefused: a bad token, a
    wrong URL) is logged once and retried after `retry_interval`, then twice as long each time up
    to `max_retry_interval`, the batches kept in the spool meanwhile. A full queue spills to the
    spool from the request itself, so nothing is dropped.
    """

    def __init__(
        self,
        send: Callable[[bytes], object],
        spool: Spool,
        encode: Callable[[Record], bytes] = _json_line,
        capacity: int = 10_000,
        flush_interval: float = 0.05,
        retry_interval: float = 1.0,
        max_retry_interval: float = 60.0,
    ) -> None:
        self._send = send
        self.spool = spool
        self._encode = encode
        self._capacity = capacity
        self._flush_interval = flush_interval
        self._retry_interval = retry_interval
        self._max_retry_interval = max(retry_interval, max_retry_interval)
        # The wait before the next replay: retry_interval, doubled per refusal in a row.
        self._retry_delay = retry_interval
        self._refusals_in_row = 0
        self._last_error: str | None = None
        self._refused_status: int | None = None
        self._degraded_since: float | None = None
        self._queue: deque[Record] = deque()
        self._wake = threading.Event()
        self._stopped = False
        self._last_retry = 0.0
        # One warning per outage, not one per retry.
        self._warned = False
        # Batches left by an earlier process are replayed first.
        self.degraded = self.spool.count() > 0
        self.stats = {"queued": 0, "sent": 0, "spooled": 0, "replayed": 0, "spilled": 0, "refused": 0}
        self._thread = threading.Thread(target=self._run, name="threadline-shipper", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def log(self, record: Record) -> None:
        self.stats["queued"] += 1
        if len(self._queue) >= self._capacity or self._stopped:
            # Over capacity (the server has been slow for a long while): the request pays one write.
            self.stats["spilled"] += 1
            self.spool.write(self._encode(record) + b"\n", durable=True)
            return
        self._queue.append(record)

    def health(self) -> dict[str, Any]:
        """
        Where the records stand: `state` is `ok`, `degraded` (the server unreachable or failing:
        spooled, retried every `retry_interval`) or `refused` (the server refusing them as
        configured: spooled, retried with backoff); with the last error, the refusal's status,
        the seconds until the next attempt, the batches in the spool and the counters.
        """
        refused = self.degraded and self._refused_status is not None
        since = self._degraded_since
        return {
            "state": "refused" if refused else "degraded" if self.degraded else "ok",
            "degraded_since": since,
            "last_error": self._last_error if self.degraded else None,
            "refused_status": self._refused_status if refused else None,
            "next_retry_in": max(0.0, self._last_retry + self._retry_delay - time.monotonic()) if self.degraded else None,
            "spooled_batches": self.spool.count(),
            "stats": dict(self.stats),
        }

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
                if self.degraded and (self._stopped or time.monotonic() - self._last_retry >= self._retry_delay):
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
            encode, popleft = self._encode, self._queue.popleft
            while self._queue and size < _MAX_POST_BYTES:
                line = encode(popleft())
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
            # A configuration error: the batch stays spooled, one line per refusal (not per retry),
            # and the retries slow down.
            self.stats["refused"] += 1
            message = str(refused)
            if self._refusals_in_row == 0 or message != self._last_error:
                logger.error(
                    "threadline: predictions refused, a configuration error: %s; they are kept in the spool (%s) and retried after %g s, then less and less often, every %g s at most",
                    message, self.spool.dir, self._retry_interval, self._max_retry_interval,
                )
            self._refusals_in_row += 1
            self._retry_delay = min(self._max_retry_interval, self._retry_interval * 2 ** (self._refusals_in_row - 1))
            self._refused_status = refused.status
            self._failed(message)
            return False
        except Exception as error:
            if not self._warned:
                self._warned = True
                logger.warning("threadline: server unreachable (%s); spooling predictions in %s", error, self.spool.dir)
            self._refusals_in_row = 0
            self._retry_delay = self._retry_interval
            self._refused_status = None
            self._failed(str(error))
            return False
        self.spool.remove(path)
        if self._warned or self._refusals_in_row:
            logger.warning("threadline: the server takes predictions again; spooled predictions are being replayed")
        self._warned = False
        self._refusals_in_row = 0
        self._retry_delay = self._retry_interval
        self._refused_status = None
        self._degraded_since = None
        return True

    def _failed(self, message: str) -> None:
        if self._degraded_since is None:
            self._degraded_since = time.time()
        self.degraded = True
        self._last_error = message
        self._last_retry = time.monotonic()

    def _replay(self) -> None:
        self._last_retry = time.monotonic()
        for path in self.spool.pending():
            try:
                payload = path.read_bytes()
            except FileNotFoundError:
                continue  # another worker took it
            if not self._post(payload, path):
                return
            self.degraded = False
            self.stats["replayed"] += payload.count(b"\n")
        self.degraded = False
        self._degraded_since = None
