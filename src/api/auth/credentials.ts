import type { FastifyRequest } from 'fastify';
import { parseCookie } from 'cookie';

/** What a request presents to prove who it is. */
export type Credentials =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string }
  | { kind: 'session'; sessionId: string; csrfToken: string | undefined }
  | { kind: 'none' };

export const sessionCookie = 'threadline_session';
/** Readable by the page (not HttpOnly): the double-submit copy the UI echoes in `x-csrf-token`. */
export const csrfCookie = 'threadline_csrf';
export const csrfHeader = 'x-csrf-token';

/** Bearer (our tokens, OIDC JWTs, MLFLOW_TRACKING_TOKEN), Basic (MLFLOW_TRACKING_USERNAME/PASSWORD), or a session cookie. */
export function credentialsOf(request: FastifyRequest): Credentials {
  const header = request.headers.authorization?.trim();
  if (header) {
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme === 'bearer') return { kind: 'bearer', token: value };
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon < 0 ? { kind: 'basic', user: decoded, password: '' } : { kind: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    return { kind: 'bearer', token: '' };
  }
  const cookies = request.headers.cookie ? parseCookie(request.headers.cookie) : {};
  const sessionId = cookies[sessionCookie];
  if (sessionId) {
    const csrf = request.headers[csrfHeader];
    return { kind: 'session', sessionId, csrfToken: typeof csrf === 'string' ? csrf : undefined };
  }
  return { kind: 'none' };
}
