import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startS3, s3rverCredentials, type S3Server } from '../../test/services/s3.js';
import { LocalArtifactStore } from './local-store.js';
import { S3ArtifactStore } from './s3-store.js';
import type { ArtifactStore } from './types.js';

/** A store under test plus a way to count what it really holds, seen from outside the store. */
interface StoreHarness {
  store: ArtifactStore;
  countObjects(): Promise<number>;
  dispose(): Promise<void>;
}

const sha256 = (data: Uint8Array | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const unknownDigest = `sha256:${'0'.repeat(64)}`;
const invalidDigests = [
  '',
  'sha256:',
  `sha256:${'A'.repeat(64)}`, // upper case
  `sha256:${'a'.repeat(63)}`,
  `sha256:${'a'.repeat(65)}`,
  `sha512:${'a'.repeat(64)}`,
  'a'.repeat(64), // no algorithm
  `sha256:../../${'a'.repeat(58)}`,
];

/** Random bytes, generated chunk by chunk (never one buffer), hashed as they are produced. */
function generated(totalBytes: number, chunkBytes: number) {
  const hash = createHash('sha256');
  async function* chunks() {
    for (let sent = 0; sent < totalBytes; sent += chunkBytes) {
      const chunk = randomBytes(Math.min(chunkBytes, totalBytes - sent));
      hash.update(chunk);
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks()), digest: () => `sha256:${hash.digest('hex')}` };
}

async function hashOf(stream: NodeJS.ReadableStream): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'ThreadlineError', code });
}

function runArtifactStoreContract(makeHarness: () => Promise<StoreHarness>): void {
  let h: StoreHarness;
  beforeEach(async () => {
    h = await makeHarness();
  });
  afterEach(async () => {
    await h.dispose();
  });

  test('putBytes then readBytes round-trips, named by the sha256 of the content', async () => {
    const text = 'diff --git a/train.py b/train.py\n+lr = 0.01 # ünïcode\n';
    const info = await h.store.putBytes(text);
    expect(info).toEqual({ digest: sha256(Buffer.from(text, 'utf8')), size: Buffer.byteLength(text) });
    expect((await h.store.readBytes(info.digest)).toString('utf8')).toBe(text);
    expect(await h.store.stat(info.digest)).toEqual(info);
    expect(await h.store.has(info.digest)).toBe(true);
  });

  test('an empty blob is a blob', async () => {
    const info = await h.store.putBytes(new Uint8Array(0));
    expect(info).toEqual({ digest: 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', size: 0 });
    expect((await h.store.readBytes(info.digest)).length).toBe(0);
  });

  test('the same bytes stored twice, by any path, are one object with one digest', async () => {
    const bytes = randomBytes(100_000);
    const first = await h.store.putBytes(bytes);
    const second = await h.store.put(Readable.from([bytes.subarray(0, 777), bytes.subarray(777)]));
    expect(second).toEqual(first);
    expect(await h.countObjects()).toBe(1);
    await h.store.putBytes('something else');
    expect(await h.countObjects()).toBe(2);
  });

  test('putFile stores the file content', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-putfile-'));
    try {
      const file = path.join(dir, 'model.bin');
      const content = randomBytes(3 * 1024 * 1024 + 17); // spans several read chunks
      fs.writeFileSync(file, content);
      const info = await h.store.putFile(file);
      expect(info).toEqual({ digest: sha256(content), size: content.length });
      expect((await h.store.readBytes(info.digest)).equals(content)).toBe(true);
      expect(await h.store.putFile(file)).toEqual(info);
      expect(await h.countObjects()).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unknown digest is NOT_FOUND, absent for stat and has', async () => {
    await expectCode(h.store.open(unknownDigest), 'NOT_FOUND');
    await expectCode(h.store.readBytes(unknownDigest), 'NOT_FOUND');
    expect(await h.store.stat(unknownDigest)).toBeUndefined();
    expect(await h.store.has(unknownDigest)).toBe(false);
  });

  test('invalid digest strings are rejected as INVALID_ARGUMENT by every method', async () => {
    for (const bad of invalidDigests) {
      await expectCode(h.store.open(bad), 'INVALID_ARGUMENT');
      await expectCode(h.store.readBytes(bad), 'INVALID_ARGUMENT');
      await expectCode(h.store.stat(bad), 'INVALID_ARGUMENT');
      await expectCode(h.store.has(bad), 'INVALID_ARGUMENT');
      await expectCode(h.store.delete(bad), 'INVALID_ARGUMENT');
    }
  });

  test('a multi-MB generated stream round-trips through open()', async () => {
    const size = 21 * 1024 * 1024 + 12_345; // more than two S3 parts
    const source = generated(size, 64 * 1024);
    const info = await h.store.put(source.stream);
    expect(info).toEqual({ digest: source.digest(), size });
    expect(await hashOf(await h.store.open(info.digest))).toEqual(info);
    expect(await h.store.stat(info.digest)).toEqual(info);
  });

  test('delete removes the blob and is idempotent', async () => {
    const kept = await h.store.putBytes('kept');
    const gone = await h.store.putBytes('gone');
    await h.store.delete(gone.digest);
    expect(await h.store.has(gone.digest)).toBe(false);
    await expectCode(h.store.readBytes(gone.digest), 'NOT_FOUND');
    await h.store.delete(gone.digest);
    expect((await h.store.readBytes(kept.digest)).toString()).toBe('kept');
    expect(await h.countObjects()).toBe(1);
  });

  test('a source that fails mid-way stores nothing', async () => {
    async function* failing() {
      yield randomBytes(1024 * 1024);
      throw new Error('upstream broke');
    }
    await expect(h.store.put(failing())).rejects.toThrow('upstream broke');
    expect(await h.countObjects()).toBe(0);
  });
}

describe('LocalArtifactStore contract', () => {
  runArtifactStoreContract(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-artifacts-'));
    const store = new LocalArtifactStore(root);
    return {
      store,
      async countObjects() {
        const blobs = path.join(root, 'sha256');
        if (!fs.existsSync(blobs)) return 0;
        const leftovers = fs.existsSync(path.join(root, 'tmp')) ? fs.readdirSync(path.join(root, 'tmp')) : [];
        expect(leftovers).toEqual([]); // temp files never outlive a put
        return fs.readdirSync(blobs).reduce((n, dir) => n + fs.readdirSync(path.join(blobs, dir)).length, 0);
      },
      async dispose() {
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  });
});

describe('S3ArtifactStore contract (s3rver)', () => {
  let server: S3Server;
  let client: S3Client;
  const envKeys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
  const savedEnv = Object.fromEntries(envKeys.map((key) => [key, process.env[key]]));

  beforeAll(async () => {
    server = await startS3();
    // Credentials reach the store only through the SDK's normal chain, as in production.
    process.env.AWS_ACCESS_KEY_ID = s3rverCredentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3rverCredentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    client = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3rverCredentials });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
    for (const key of envKeys) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
  });

  runArtifactStoreContract(async () => {
    const prefix = `runs/${randomBytes(4).toString('hex')}`; // one fresh prefix per test
    const store = new S3ArtifactStore({
      url: `s3://${server.bucket}/${prefix}/`,
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
    });
    return {
      store,
      async countObjects() {
        // Temp objects (under tmp/) never outlive a put: every key is a blob's.
        const listed = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/` }));
        for (const { Key } of listed.Contents ?? []) expect(Key).toMatch(new RegExp(`^${prefix}/sha256/([0-9a-f]{2})/\\1[0-9a-f]{62}$`));
        return listed.KeyCount ?? 0;
      },
      async dispose() {
        await store.close();
      },
    };
  });
});
