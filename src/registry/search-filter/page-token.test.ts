import { describe, expect, it } from 'vitest';
import { checkMaxResults, decodePageToken, encodePageToken } from './page-token.js';

describe('page tokens', () => {
  it('round-trips an offset through an opaque base64url token', () => {
    for (const offset of [0, 1, 2, 999, 50_000, 2 ** 40]) {
      const token = encodePageToken(offset);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodePageToken(token)).toBe(offset);
    }
  });

  it('reads no token as the first page', () => {
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken(null)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['not base64!', 'not base64'],
    ['empty json object', b64('{}')],
    ['offset as text', b64('{"offset":"a"}')],
    ['wrong field', b64('{"offsoot":7}')],
    ['negative offset', b64('{"offset":-1}')],
    ['fractional offset', b64('{"offset":1.5}')],
    ['null', b64('null')],
    ['not json', b64('not json')],
    ['huge', 'A'.repeat(500)],
  ])('rejects %s with INVALID_ARGUMENT', (_, token) => {
    expect(() => decodePageToken(token)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('Invalid page token') }));
  });
});

describe('checkMaxResults', () => {
  it('defaults to 1000 and accepts 1 to 50000', () => {
    expect(checkMaxResults(undefined)).toBe(1000);
    expect(checkMaxResults(1)).toBe(1);
    expect(checkMaxResults(50_000)).toBe(50_000);
  });

  it.each([0, -1, 50_001, 1.5, Number.NaN])('rejects %s', (value) => {
    expect(() => checkMaxResults(value)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
