"""UUIDv7 prediction ids (RFC 9562), as the proxy mints them: time-ordered, unique per process."""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last_ms = -1
_sequence = 0
# `xxxxxxxx-xxxx-7` of the current ms: formatted once per ms, not once per id.
_prefix = ""
# Random bytes drawn 4 KiB at a time: os.urandom is a system call that also lets go of the GIL,
# so one per id cost a thread switch per request whenever the shipper thread was runnable.
_POOL_BYTES = 4096
_pool = b""
_taken = _POOL_BYTES


def _random(n: int) -> int:
    """`n` random bytes as an int, from the pool (the caller holds the lock)."""
    global _pool, _taken
    if _taken + n > len(_pool):
        _pool = os.urandom(_POOL_BYTES)
        _taken = 0
    start = _taken
    _taken = start + n
    return int.from_bytes(_pool[start : start + n], "big")


def _stamp(ms: int) -> str:
    h = f"{ms:012x}"
    return f"{h[:8]}-{h[8:]}-7"


def uuid7(now_ms: int | None = None) -> str:
    """48-bit Unix ms, version 7, a 12-bit counter (random start each ms), variant 10, 62 random bits."""
    global _last_ms, _sequence, _prefix
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    with _lock:
        tail = _random(8)
        if ms > _last_ms:
            _last_ms = ms
            _sequence = _random(2) & 0x7FF  # room to count up within the ms
            _prefix = _stamp(ms)
        else:
            _sequence += 1
            if _sequence > 0xFFF:
                # Over 2,048 ids in one ms (or the clock went back): borrow the next ms.
                _last_ms += 1
                _sequence = 0
                _prefix = _stamp(_last_ms)
        prefix, sequence = _prefix, _sequence
    low = f"{(tail & 0x3FFFFFFFFFFFFFFF) | 0x8000000000000000:016x}"
    return f"{prefix}{sequence:03x}-{low[:4]}-{low[4:]}"
