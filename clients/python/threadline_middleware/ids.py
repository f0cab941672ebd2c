"""UUIDv7 prediction ids (RFC 9562), as the proxy mints them: time-ordered, unique per process."""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last_ms = -1
_sequence = 0


def uuid7(now_ms: int | None = None) -> str:
    """48-bit Unix ms, version 7, a 12-bit counter (random start each ms), variant 10, 62 random bits."""
    global _last_ms, _sequence
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    tail = os.urandom(8)
    with _lock:
        if ms > _last_ms:
            _last_ms = ms
            _sequence = int.from_bytes(os.urandom(2), "big") & 0x7FF  # room to count up within the ms
        else:
            _sequence += 1
            if _sequence > 0xFFF:
                # Over 2,048 ids in one ms (or the clock went back): borrow the next ms.
                _last_ms += 1
                _sequence = 0
        ms, sequence = _last_ms, _sequence
    value = (ms << 80) | (0x7 << 76) | (sequence << 64) | (0b10 << 62) | (int.from_bytes(tail, "big") & ((1 << 62) - 1))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
