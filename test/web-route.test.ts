import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../src/api/server.js';
import { openThreadline, type Threadline } from '../src/context.js';
import { freshDatabaseUrl } from './dialects.js';

// The UI's files are whatever `npm run build` wrote; a small stand-in build keeps this test fast.
function fakeBuild(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-web-'));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Threadline</title><div id="root"></div>');
  fs.writeFileSync(path.join(root, 'assets', 'index-3f9d2c1a.js'), 'console.log("ui")');
  fs.writeFileSync(path.join(root, 'assets', 'index-77e0aa01.css'), 'body{}');
  return root;
}

describe('the web UI route', () => {
  let tl: Threadline;
  let served: ServerHandle;
  let bare: ServerHandle;
  const page = { accept: 'text/html,application/xhtml+xml' };

  beforeAll(async () => {
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl('sqlite'), artifactsUrl: fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-web-art-')), s3: { region: 'us-east-1', forcePathStyle: true } });
    served = await startServer(tl, '127.0.0.1', 0, { webRoot: fakeBuild() });
    bare = await startServer(tl, '127.0.0.1', 0, { webRoot: null });
  });
  afterAll(async () => {
    await served.app.close();
    await bare.app.close();
    await tl.close();
  });

  it('serves index.html at / and for client routes a browser opens, never cached', async () => {
    for (const url of ['/', '/runs/0193c1f2', '/lineage/run/abc?depth=2', '/deployments/prod']) {
      const response = await fetch(served.url + url, { headers: page });
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with their content type, cached for a year', async () => {
    const js = await fetch(`${served.url}/assets/index-3f9d2c1a.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^(application|text)\/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log("ui")');
    const css = await fetch(`${served.url}/assets/index-77e0aa01.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('keeps API 404s JSON, even for a browser, and a missing file a 404', async () => {
    // The MLflow routes answer in MLflow's own words (ENDPOINT_NOT_FOUND).
    const expected = { '/api/nothing-here': 'NOT_FOUND', '/assets/gone-12345678.js': 'NOT_FOUND', '/api/2.0/mlflow/nothing': 'ENDPOINT_NOT_FOUND', '/ajax-api/2.0/mlflow/nothing': 'ENDPOINT_NOT_FOUND' };
    for (const [url, code] of Object.entries(expected)) {
      const response = await fetch(served.url + url, { headers: page });
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({ error_code: code, message: expect.any(String) });
    }
    // Not a page request: a script or curl asking for JSON gets the JSON 404.
    const curl = await fetch(`${served.url}/runs/0193c1f2`);
    expect(curl.status).toBe(404);
    expect(await curl.json()).toMatchObject({ error_code: 'NOT_FOUND' });
    // The API itself is unchanged beside the UI.
    expect((await fetch(`${served.url}/api/deployments`)).status).toBe(200);
  });

  it('serves the API alone without a build', async () => {
    const response = await fetch(`${bare.url}/`, { headers: page });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error_code: 'NOT_FOUND', message: 'No route for GET /' });
  });
});
