import path from 'node:path';
import { expect, test } from 'vitest';
import { LazyS3ArtifactStore } from './lazy-s3-store.js';
import { LocalArtifactStore } from './local-store.js';
import { openArtifactStore } from './open.js';
import { S3ArtifactStore, parseS3Url } from './s3-store.js';

const s3 = { region: 'us-east-1', forcePathStyle: true, endpoint: 'http://127.0.0.1:9' };

test('a path or file:// URL opens a local store', () => {
  const local = openArtifactStore({ artifactsUrl: 'rel/artifacts', s3 });
  expect(local).toBeInstanceOf(LocalArtifactStore);
  expect(local.url).toBe(path.resolve('rel/artifacts'));
  expect(openArtifactStore({ artifactsUrl: 'file:///var/lib/tl', s3 }).url).toBe('/var/lib/tl');
});

test('s3://bucket/prefix opens an S3 store with keys under the prefix', async () => {
  const store = openArtifactStore({ artifactsUrl: 's3://lake/threadline/artifacts/', s3 });
  // The SDK is loaded on first use only.
  expect(store).toBeInstanceOf(LazyS3ArtifactStore);
  expect(store.url).toBe('s3://lake/threadline/artifacts');
  const digest = `sha256:ab${'c'.repeat(62)}`;
  expect((await (store as LazyS3ArtifactStore).load()).key(digest)).toBe(`threadline/artifacts/sha256/ab/ab${'c'.repeat(62)}`);
  expect(new S3ArtifactStore({ url: 's3://lake', ...s3 }).key(digest)).toBe(`sha256/ab/ab${'c'.repeat(62)}`);
  await store.close?.();
});

test('bad URLs are INVALID_ARGUMENT and never echo user-info', () => {
  expect(parseS3Url('s3://b/p//q/')).toEqual({ bucket: 'b', prefix: 'p//q' });
  expect(() => openArtifactStore({ artifactsUrl: 'gs://bucket/x', s3 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  let message = '';
  try {
    parseS3Url('s3://AKIAXXXX:secret@bucket/x');
  } catch (error) {
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    message = (error as Error).message;
  }
  expect(message).toMatch(/invalid S3 artifacts URL/);
  expect(message).not.toContain('secret');
});
