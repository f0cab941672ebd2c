import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../../test/dialects.js';
import { openThreadline, type Threadline } from '../context.js';
import { startServer } from './server.js';

/** A raw client on loopback: sends what it is told, reports what came back and when it closed. */
function rawClient(port: number): { socket: net.Socket; received: () => string; closed: Promise<number> } {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk) => (text += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const started = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  return { socket, received: () => text, closed };
}

const head = (url: string, length: number) => `POST ${url} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;

describe('request bodies: timeouts and the in-flight budget', () => {
  let tl: Threadline;
  let app: FastifyInstance;
  let port: number;
  let home: string;

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bodies-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl('sqlite'), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    const started = await startServer(tl, '127.0.0.1', 0, { bodies: { bodyTimeoutMs: 1_000, inflightBytes: 32 * 1024 * 1024 } });
    app = started.app;
    port = Number(new URL(started.url).port);
  });
  afterAll(async () => {
    await app.close();
    await tl.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('closes a body trickling one byte at a time once the body timeout passes', async () => {
    const client = rawClient(port);
    client.socket.write(head('/api/2.0/mlflow/runs/create', 1000));
    const trickle = setInterval(() => client.socket.writable && client.socket.write('{'), 200);
    try {
      const after = await Promise.race([client.closed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 8_000))]);
      expect(after, 'the server never closed the connection').toBeGreaterThan(0);
      expect(after).toBeLessThan(5_000);
      expect(client.received()).toMatch(/^HTTP\/1.1 (408|400) /);
    } finally {
      clearInterval(trickle);
      client.socket.destroy();
    }
  });

  it('keeps memory bounded under many stalled large bodies, refusing past the budget with 503', async () => {
    const before = process.memoryUsage().rss;
    const chunk = Buffer.alloc(8 * 1024 * 1024, 'a');
    const clients = Array.from({ length: 40 }, () => rawClient(port));
    for (const c of clients) {
      c.socket.write(head('/api/runs', 60 * 1024 * 1024));
      c.socket.write(chunk);
    }
    // Every one of them stalls; the server must let go of them all within the body timeout.
    await Promise.all(clients.map((c) => c.closed));
    const grownMb = (process.memoryUsage().rss - before) / 2 ** 20;
    if (process.env.THREADLINE_SHOW_RSS) console.log(`RSS grew ${Math.round(grownMb)} MB under 40 stalled 8 MB bodies`);
    const answers = clients.map((c) => c.received().slice(0, 12));
    expect(answers.filter((a) => a === 'HTTP/1.1 503').length, answers.join(',')).toBeGreaterThan(20);
    expect(grownMb, 'RSS growth in MB with 40 × 8 MB bodies stalled').toBeLessThan(200);
    // And the server still answers.
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
  });

  it('still takes a large body that arrives in time, and streams uploads past the budget', async () => {
    const body = JSON.stringify({ name: 'big', tags: { note: 'x'.repeat(4000) } });
    const response = await fetch(`http://127.0.0.1:${port}/api/experiments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(201);
    const blob = await fetch(`http://127.0.0.1:${port}/api/blobs`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(48 * 1024 * 1024, 1) });
    expect(blob.status).toBe(201);
  });
});
