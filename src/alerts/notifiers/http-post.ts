import { ThreadlineError } from '../../errors.js';

const timeoutMs = 5000;

/** POSTs JSON; a non-2xx answer or a timeout is an error naming the status (never the URL: it may hold a token). */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, what: string): Promise<void> {
  let status: number;
  try {
    // Loaded when an alert is sent, not at every CLI start.
    const { request } = await import('undici');
    const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    status = response.statusCode;
    await response.body.dump();
  } catch (error) {
    throw new ThreadlineError('UNAVAILABLE', `${what}: ${(error as Error).message}`);
  }
  if (status < 200 || status >= 300) throw new ThreadlineError('UNAVAILABLE', `${what}: answered HTTP ${status}`);
}
