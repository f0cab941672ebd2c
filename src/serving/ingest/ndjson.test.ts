import { describe, expect, it } from 'vitest';
import { ndjsonChunks, UnparsedLine } from './ndjson.js';

async function values(chunks: (string | Buffer)[], maxBytes = 1 << 20): Promise<unknown[]> {
  const out: unknown[] = [];
  async function* input() {
    yield* chunks;
  }
  for await (const batch of ndjsonChunks(input(), maxBytes)) out.push(...batch);
  return out;
}

describe('ndjsonChunks', () => {
  it('cuts lines at newlines wherever the chunks end, a character split across chunks included', async () => {
    const text = '{"a":"é😀"}\n\n  \r\n{"b":2}\r\n[3]';
    const bytes = Buffer.from(text);
    const whole = await values([bytes]);
    expect(whole).toEqual([{ a: 'é😀' }, { b: 2 }, [3]]);
    // Every split into two chunks, through the middle of each multi-byte character too.
    for (let i = 1; i < bytes.length; i++) expect(await values([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(whole);
    expect(await values([...bytes].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('drops a byte order mark at the start, as a text decoder does', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(await values([Buffer.concat([bom, Buffer.from('{"a":1}\n{"b":2}')])])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(await values([bom.subarray(0, 2), Buffer.concat([bom.subarray(2), Buffer.from('{"a":1}')])])).toEqual([{ a: 1 }]);
  });

  it('reports a line that is not JSON on its own, in its place', async () => {
    const out = await values(['{"a":1}\n{not json\n"x"\n']);
    expect(out[0]).toEqual({ a: 1 });
    expect(out[1]).toBeInstanceOf(UnparsedLine);
    expect((out[1] as UnparsedLine).message).toMatch(/^not JSON: /);
    expect(out[2]).toBe('x');
  });

  it('stops past the byte limit with TOO_LARGE', async () => {
    await expect(values(['{"a":1}\n', '{"b":2}\n'], 10)).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });
});
