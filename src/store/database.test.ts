import { describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl, freshStore } from '../../test/dialects.js';
import { openStore } from './database.js';

describe.each(dialects)('store on %s', (dialect) => {
  it('migrates a new database and seeds the Default experiment', async () => {
    const store = await freshStore(dialect);
    try {
      const experiments = await store.db.selectFrom('experiments').selectAll().execute();
      expect(experiments).toHaveLength(1);
      expect(experiments[0]).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' });
      expect(typeof experiments[0]!.creation_time).toBe('number');
    } finally {
      await store.close();
    }
  });

  it('opens an existing database again without re-running migrations or losing rows', async () => {
    const url = await freshDatabaseUrl(dialect);
    const first = await openStore(url);
    await first.db
      .insertInto('blobs')
      .values({ digest: 'sha256:' + 'a'.repeat(64), size: 5_000_000_000, media_type: null, created_at: 1 })
      .execute();
    await first.close();
    const second = await openStore(url);
    try {
      const rows = await second.db.selectFrom('blobs').selectAll().execute();
      expect(rows).toEqual([{ digest: 'sha256:' + 'a'.repeat(64), size: 5_000_000_000, media_type: null, created_at: 1 }]);
      expect(await second.db.selectFrom('experiments').select('name').execute()).toEqual([{ name: 'Default' }]);
    } finally {
      await second.close();
    }
  });
});
