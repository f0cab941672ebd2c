import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { openThreadline, type Threadline } from '../../context.js';
import { edgesFrom } from '../../lineage/edge-store.js';
import { readProject } from '../project-file.js';
import { planObservers, runOnce } from '../scheduler.js';

/** What the publisher serves right now; the test changes it between pokes. */
interface Published {
  body: string;
  etag: string | null;
  lastModified: string | null;
  sha: string;
  /** Drop every connection, as a publisher that went away. */
  down?: boolean;
}

interface Seen {
  method: string;
  path: string;
  conditional: boolean;
  authorization?: string;
}

/** A publisher on 127.0.0.1 that honours If-None-Match / If-Modified-Since and logs each request. */
async function startPublisher(published: Published) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const conditional = Boolean(req.headers['if-none-match'] || req.headers['if-modified-since']);
    seen.push({ method: req.method!, path: req.url!, conditional, authorization: req.headers.authorization });
    if (published.down) return void req.socket.destroy();
    const headers: Record<string, string> = {};
    if (published.etag) headers.etag = published.etag;
    if (published.lastModified) headers['last-modified'] = published.lastModified;
    if (req.url!.startsWith('/api/models/acme/reco/revision/main')) {
      if (req.headers.authorization !== `Bearer ${process.env.TL_TEST_HF_TOKEN}`) return void res.writeHead(401).end('{"error":"unauthorized"}');
      const etag = `"${published.sha}"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
      return void res.writeHead(200, { 'content-type': 'application/json', etag }).end(JSON.stringify({ id: 'acme/reco', sha: published.sha, lastModified: '2026-11-25T10:00:00.000Z', siblings: [] }));
    }
    const notModified =
      (req.headers['if-none-match'] && req.headers['if-none-match'] === published.etag) ||
      (!req.headers['if-none-match'] && req.headers['if-modified-since'] && published.lastModified && Date.parse(req.headers['if-modified-since']) >= Date.parse(published.lastModified));
    if (notModified) return void res.writeHead(304, headers).end();
    res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : published.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const sha256 = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

describe.each(dialects)('external observer on %s', (dialect) => {
  let tl: Threadline;
  let dir: string;
  const published: Published = { body: 'weights v1', etag: '"v1"', lastModified: 'Tue, 24 Nov 2026 10:00:00 GMT', sha: 'a'.repeat(40) };
  let publisher: Awaited<ReturnType<typeof startPublisher>>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-external-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(dir, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    publisher = await startPublisher(published);
  });
  afterAll(async () => {
    await publisher.close();
    await tl.close();
  });

  const poke = async (name: string, settings: Record<string, unknown>) => {
    const project = readProject({ observe: { external: [{ name, ...settings }] } }, path.join(dir, 'threadline.yaml'));
    return (await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} }))[0]!;
  };

  it('records a URL once, pays a 304 while it is unchanged, and reports a new revision with old and new when the body and ETag change', async () => {
    Object.assign(published, { body: 'weights v1', etag: '"v1"' });
    const url = `${publisher.url}/files/model.onnx`;
    // A run that declared the URL as its input links to the dataset once it is known.
    const experiment = await tl.experiments.ensure('external');
    const run = await tl.runs.create({ experimentId: experiment.experimentId });
    await tl.runs.recordData(run.runId, 'input', url, { digest: sha256('local copy'), uri: url, format: 'other', files: [], totalSize: 0, rowCount: null, schema: null });
    const start = publisher.seen.length;

    const first = await poke('model', { url });
    expect(first.ok).toBe(true);
    expect(first.events).toHaveLength(1);
    expect(first.events[0]).toMatchObject({ kind: 'revision_discovered', severity: 'info', details: { after: { digest: sha256('weights v1'), etag: '"v1"', version: sha256('weights v1') } } });
    const [dataRef, datasetRef] = first.events[0]!.subjects;
    expect(dataRef!.type).toBe('data');
    expect(datasetRef!.type).toBe('dataset');
    expect(await edgesFrom(tl.store.db, dataRef!)).toEqual([{ from: dataRef, relation: 'version_of', to: datasetRef }]);
    expect((await edgesFrom(tl.store.db, { type: 'run', id: run.runId })).map((e) => e.to)).toContainEqual(datasetRef);

    const second = await poke('model', { url });
    expect(second).toMatchObject({ ok: true, events: [] });
    expect(publisher.seen.slice(start).map((s) => [s.method, s.conditional])).toEqual([
      ['GET', false],
      ['GET', true],
    ]);

    Object.assign(published, { body: 'weights v2', etag: '"v2"' });
    const third = await poke('model', { url });
    expect(third.events.map((e) => [e.kind, e.severity])).toEqual([['new_revision', 'info']]);
    expect(third.events[0]!.details).toMatchObject({ before: { etag: '"v1"', digest: sha256('weights v1') }, after: { etag: '"v2"', digest: sha256('weights v2') } });
    expect(third.events[0]!.subjects[2]).toEqual(dataRef);
    expect(third.events[0]!.subjects[1]).toEqual(datasetRef);
    expect((await poke('model', { url })).events).toEqual([]);
    expect(publisher.seen.at(-1)).toMatchObject({ conditional: true });

    // A new ETag over the same bytes is not a new version under `auto` (the digest decides).
    Object.assign(published, { etag: '"v2-regenerated"' });
    expect((await poke('model', { url })).events).toEqual([]);
  });

  it('watches by Last-Modified with HEAD requests, and by ETag', async () => {
    Object.assign(published, { body: 'table', etag: null, lastModified: 'Tue, 24 Nov 2026 10:00:00 GMT' });
    const url = `${publisher.url}/data/table.csv`;
    const start = publisher.seen.length;
    expect((await poke('table', { url, method: 'last_modified' })).events.map((e) => e.kind)).toEqual(['revision_discovered']);
    expect((await poke('table', { url, method: 'last_modified' })).events).toEqual([]);
    published.lastModified = 'Wed, 25 Nov 2026 10:00:00 GMT';
    const changed = await poke('table', { url, method: 'last_modified' });
    expect(changed.events[0]).toMatchObject({ kind: 'new_revision', details: { before: { version: 'Tue, 24 Nov 2026 10:00:00 GMT' }, after: { version: 'Wed, 25 Nov 2026 10:00:00 GMT', digest: null } } });
    expect(publisher.seen.slice(start).map((s) => [s.method, s.conditional])).toEqual([
      ['HEAD', false],
      ['HEAD', true],
      ['HEAD', true],
    ]);

    const failed = await poke('table-etag', { url, method: 'etag' });
    expect(failed).toMatchObject({ ok: false, events: [] });
    expect(failed.error).toMatch(/sends no ETag/);
  });

  it('follows a Hugging Face revision by its sha with the token from the environment, never storing it', async () => {
    process.env.TL_TEST_HF_TOKEN = 'hf_secret_value_123';
    const settings = { huggingface: { repo: 'acme/reco', revision: 'main', base_url: publisher.url, token: { env: 'TL_TEST_HF_TOKEN' } } };
    published.sha = 'a'.repeat(40);
    const first = await poke('hf', settings);
    expect(first.events[0]).toMatchObject({ kind: 'revision_discovered', details: { target: 'huggingface:model/acme/reco@main', after: { sha: 'a'.repeat(40) } } });
    const requests = publisher.seen.length;
    expect((await poke('hf', settings)).events).toEqual([]);
    expect(publisher.seen.at(-1)).toMatchObject({ conditional: true, authorization: 'Bearer hf_secret_value_123' });
    expect(publisher.seen.length).toBe(requests + 1);

    published.sha = 'b'.repeat(40);
    const bumped = await poke('hf', settings);
    expect(bumped.events[0]).toMatchObject({ kind: 'new_revision', details: { before: { sha: 'a'.repeat(40) }, after: { sha: 'b'.repeat(40) } } });
    expect(bumped.events[0]!.summary).toMatch(/acme\/reco@main: new revision a+… → b+…/);

    const stored = JSON.stringify([await tl.events.list({ stage: 'external', limit: 1000 }), await tl.store.db.selectFrom('observer_state').selectAll().execute(), await tl.store.db.selectFrom('ol_datasets').selectAll().execute()]);
    expect(stored).not.toContain('hf_secret_value_123');

    delete process.env.TL_TEST_HF_TOKEN;
    const noToken = await poke('hf', settings);
    expect(noToken).toMatchObject({ ok: false });
    expect(noToken.error).toMatch(/TL_TEST_HF_TOKEN is not set/);
    expect(() => planObservers(readProject({ observe: { external: { url: 'http://127.0.0.1/x', headers: { Authorization: 'Bearer literal' } } } }, path.join(dir, 'threadline.yaml')))).toThrow(/headers: a credential header/);
  });

  it('turns a network error into a failed poke with a clear message and keeps the state', async () => {
    Object.assign(published, { body: 'stable', etag: '"s1"' });
    const url = `${publisher.url}/files/stable.bin`;
    expect((await poke('flaky', { url })).events.map((e) => e.kind)).toEqual(['revision_discovered']);
    published.down = true;
    Object.assign(published, { body: 'changed while down', etag: '"s2"' });
    const down = await poke('flaky', { url });
    published.down = false;
    expect(down).toMatchObject({ ok: false, events: [] });
    expect(down.error).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/files\/stable\.bin failed: \S+/);
    // The failed poke left the last version in place: the change is reported against it.
    const back = await poke('flaky', { url });
    expect(back.events[0]).toMatchObject({ kind: 'new_revision', details: { before: { etag: '"s1"', digest: sha256('stable') }, after: { etag: '"s2"' } } });
  });
});
