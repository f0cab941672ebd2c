import { afterEach, describe, expect, it } from 'vitest';
import { edgesFrom } from '../lineage/edge-store.js';
import type { Store } from '../store/database.js';
import { dialects, freshStore } from '../../test/dialects.js';
import { findImages, saveImage } from './image-store.js';
import type { ImageRecord } from './image-types.js';

function image(overrides: Partial<ImageRecord> = {}): ImageRecord {
  const digest = overrides.digest ?? `sha256:${'1'.repeat(64)}`;
  return {
    reference: `127.0.0.1:5000/reco@${digest}`,
    repository: '127.0.0.1:5000/reco',
    digest,
    tag: 'run-abc',
    modelName: 'reco',
    modelVersion: 1,
    runId: '0'.repeat(32),
    gitSha: 'f'.repeat(40),
    labels: { 'ai.threadline.model': 'reco/1' },
    layoutPath: '/tmp/layout',
    pushed: false,
    createdAt: 1_000,
    ...overrides,
  };
}

describe.each(dialects)('image store on %s', (dialect) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
  });

  it('saves images with their packages edge and finds them by model, version, run and reference, newest first', async () => {
    store = await freshStore(dialect);
    const first = await saveImage(store.db, image());
    expect(first).toEqual(image());
    const second = image({ digest: `sha256:${'2'.repeat(64)}`, modelVersion: 2, runId: '9'.repeat(32), createdAt: 2_000, pushed: true });
    await saveImage(store.db, second);
    await saveImage(store.db, image({ reference: `other/x@sha256:${'3'.repeat(64)}`, digest: `sha256:${'3'.repeat(64)}`, modelName: 'other', createdAt: 3_000 }));

    expect((await findImages(store.db, { modelName: 'reco' })).map((i) => i.modelVersion)).toEqual([2, 1]);
    expect((await findImages(store.db, { modelName: 'reco', modelVersion: 1 })).map((i) => i.reference)).toEqual([first.reference]);
    expect((await findImages(store.db, { runId: '9'.repeat(32) }))[0]).toEqual(second);
    expect(await findImages(store.db, { reference: 'nope@sha256:0' })).toEqual([]);
    expect(await findImages(store.db)).toHaveLength(3);
    expect(await edgesFrom(store.db, { type: 'image', id: first.reference })).toEqual([{ from: { type: 'image', id: first.reference }, relation: 'packages', to: { type: 'model_version', id: 'reco/1' } }]);
  });

  it('keeps one row, its first tag and creation time for a rebuild of the same reference; pushed only turns on', async () => {
    store = await freshStore(dialect);
    await saveImage(store.db, image({ pushed: true }));
    const again = await saveImage(store.db, image({ pushed: false, createdAt: 5_000, layoutPath: '/tmp/other', tag: 'copy' }));
    expect(again).toMatchObject({ pushed: true, createdAt: 1_000, layoutPath: '/tmp/other', tag: 'run-abc' });
    expect(await findImages(store.db)).toHaveLength(1);
  });
});
