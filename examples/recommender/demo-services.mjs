// The demo's stand-ins for the outside world, on 127.0.0.1: a supplier's product catalog that
// someone else publishes (GET /catalog.json, with an ETag and 304s, watched by the external
// observer) and a webhook receiver for alerts (POST /alerts, appended to alerts.jsonl).
// Usage: node demo-services.mjs DIR   (prints the port; serves DIR/catalog.json, writes DIR/alerts.jsonl)
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? '.');
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/catalog.json') {
    const body = fs.readFileSync(path.join(dir, 'catalog.json'));
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
    return res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
  }
  if (req.method === 'POST' && req.url === '/alerts') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      fs.appendFileSync(path.join(dir, 'alerts.jsonl'), JSON.stringify(JSON.parse(body)) + '\n');
      res.writeHead(204).end();
    });
    return;
  }
  res.writeHead(404).end();
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
