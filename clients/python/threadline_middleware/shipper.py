"""Ships prediction records to the server from a background thread, off the request path."""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from collections import deque
from pathlib import Path
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
    `flush_interval` seconds a thread takes what is queued, turns it into NDJSON and writes it to
    the spool; a second thread posts the spooled batches in order, and a batch the server took
    (202) leaves the spool. Spooling never waits for a post, so a slow server does not hold
    records in memory past the interval. While the server cannot be reached, batches stay
    spooled (fsynced) and are replayed, oldest first, every `retry_interval`. A server that refuses them as configured (IngestRefused: a bad token, a
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
        # Spooled batches for the sender to post: (file, payload, records).
        self._outbox: deque[tuple[Path, bytes, int]] = deque()
        # Held while a batch is spooled and handed over (or not), and while the sender switches
        # back from degraded: no batch is spooled unseen in between.
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._send_wake = threading.Event()
        self._spooling = False
        self._sending = False
        self._spooler_done = False
        self._stopped = False
        self._last_retry = 0.0
        # One warning per outage, not one per retry.
        self._warned = False
        # Batches left by an earlier process are replayed first.
        self.degraded = self.spool.count() > 0
        self.stats = {"queued": 0, "sent": 0, "spooled": 0, "replayed": 0, "spilled": 0, "refused": 0}
        self._thread = threading.Thread(target=self._run, name="threadline-spooler", daemon=True)
        self._sender = threading.Thread(target=self._send_loop, name="threadline-sender", daemon=True)
        self._thread.start()
        self._sender.start()
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
        while (self._queue or self._outbox or self._spooling or self._sending) and time.monotonic() < end:
            self._wake.set()
            self._send_wake.set()
            time.sleep(0.005)

    def close(self, timeout: float = 5.0) -> None:
        """Sends (or spools) everything queued; what the server does not take stays spooled for the next start."""
        if self._stopped:
            return
        end = time.monotonic() + timeout
        self._stopped = True
        self._wake.set()
        self._thread.join(timeout)
        self._send_wake.set()
        self._sender.join(max(0.0, end - time.monotonic()))

    def _run(self) -> None:
        """The spooler: the queue to the spool every flush interval, whatever the sender is doing."""
        while True:
            self._wake.wait(self._flush_interval)
            self._wake.clear()
            self._spooling = True
            try:
                self._drain()
            except Exception:  # never let the thread die: the next tick tries again
                logger.exception("threadline: spooling predictions failed")
            finally:
                self._spooling = False
            if self._stopped and not self._queue:
                self._spooler_done = True
                self._send_wake.set()
                return

    def _send_loop(self) -> None:
        """The sender: spooled batches to the server in order; the spool replayed when it was away."""
        while True:
            self._send_wake.wait(self._flush_interval)
            self._send_wake.clear()
            self._sending = True
            try:
                self._send_outbox()
                if self.degraded and (self._stopped or time.monotonic() - self._last_retry >= self._retry_delay):
                    self._replay()
            except Exception:  # never let the thread die: the next tick tries again
                logger.exception("threadline: shipping predictions failed")
            finally:
                self._sending = False
            if self._spooler_done and not self._outbox:
                return

    def _send_outbox(self) -> None:
        while self._outbox and not self.degraded:
            path, payload, count = self._outbox[0]
            if self._post(payload, path):
                self._outbox.popleft()
                self.stats["sent"] += count
                continue
            # Degraded now: what the outbox holds is in the spool, and goes with the replays.
            with self._lock:
                self.stats["spooled"] += sum(entry[2] for entry in self._outbox)
                self._outbox.clear()
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
            with self._lock:
                if self.degraded:
                    self.spool.write(payload, durable=True)
                    self.stats["spooled"] += len(lines)
                    continue
                self._outbox.append((self.spool.write(payload), payload, len(lines)))
            self._send_wake.set()

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
        """Every spooled batch, oldest first (those of earlier processes too); back to normal once none of ours is left."""
        self._last_retry = time.monotonic()
        while True:
            for path in self.spool.pending():
                try:
                    payload = path.read_bytes()
                except FileNotFoundError:
                    continue  # another worker took it
                if not self._post(payload, path):
                    return
                self.stats["replayed"] += payload.count(b"\n")
            # The last check and the switch back in one step with the spooler, so that no batch it
            # spooled meanwhile is left behind. Only this process's own batches count here:
            # another live worker sharing the folder sends its own.
            with self._lock:
                if not self.spool.pending(own=True):
                    self.degraded = False
                    self._degraded_since = None
                    return
