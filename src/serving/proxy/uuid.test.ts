import { describe, expect, it } from 'vitest';
import { fastUuidV7 } from './uuid.js';

describe('fastUuidV7', () => {
  it('makes RFC 9562 version-7 ids carrying the time, strictly increasing within the process', () => {
    const before = Date.now();
    const ids = Array.from({ length: 10_000 }, () => fastUuidV7());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const ms = parseInt(ids[0]!.slice(0, 8) + ids[0]!.slice(9, 13), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });

  it('keeps counting when one millisecond holds more ids than its counter (borrows the next ms)', () => {
    const now = Date.now() + 60_000;
    const ids = Array.from({ length: 5000 }, () => fastUuidV7(now));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    const last = parseInt(ids.at(-1)!.slice(0, 8) + ids.at(-1)!.slice(9, 13), 16);
    expect(last).toBeGreaterThan(now);
  });
});
