import { randomFillSync } from 'node:crypto';

// The proxy mints one prediction id per request; the uuid package's v7 costs ~2 µs each,
// this ~0.2 µs: random bytes come from a pooled buffer, the timestamp part is formatted once
// per millisecond, and hex digits come from a table.
const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const pool = Buffer.allocUnsafe(16 * 1024);
let poolAt = pool.length;
let lastMs = -1;
let prefix = '';
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, version 7, a 12-bit counter in `rand_a`
 * (random start each ms, so ids from this process are strictly increasing), variant 10, 62
 * random bits.
 */
export function fastUuidV7(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = randomByte() << 3 | (randomByte() & 0x7); // 11 bits: room to count up within the ms
    prefix = timestampPrefix(now);
  } else if (++sequence > 0xfff) {
    // Over 2,048 ids in one ms (or the clock went back): borrow the next ms, as RFC 9562 allows.
    lastMs++;
    sequence = 0;
    prefix = timestampPrefix(lastMs);
  }
  if (poolAt + 8 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += 8;
  return `${prefix}7${(sequence >> 8).toString(16)}${hex[sequence & 0xff]}-${hex[(pool[r]! & 0x3f) | 0x80]}${hex[pool[r + 1]!]}-${hex[pool[r + 2]!]}${hex[pool[r + 3]!]}${hex[pool[r + 4]!]}${hex[pool[r + 5]!]}${hex[pool[r + 6]!]}${hex[pool[r + 7]!]}`;
}

function randomByte(): number {
  if (poolAt >= pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

function timestampPrefix(ms: number): string {
  const t = ms.toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-`;
}
