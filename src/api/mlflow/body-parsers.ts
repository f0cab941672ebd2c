import type { FastifyInstance } from 'fastify';
import { markStreamed } from '../body-guard.js';
import { invalidParameter } from './errors.js';

/**
 * MLflow's REST endpoints read JSON only: other media types are refused as MLflow refuses them,
 * rather than parsed as text and silently read as an empty request. An empty JSON body is `{}`.
 */
export function jsonBodiesOnly(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(Object.assign(new Error(`Malformed JSON body: ${(error as Error).message}`), { statusCode: 400 }), undefined);
    }
  });
  scope.addContentTypeParser('*', (_request, _payload, done) => done(invalidParameter("Bad Request. Content-Type must be one of ['application/json']."), undefined));
}

/**
 * MLflow uploads artifacts with whatever type the file's extension suggests (a .json artifact is
 * application/json): every body on the artifact proxy is bytes to stream, never parsed.
 */
export function rawBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (request, payload, done) => {
    markStreamed(request);
    done(null, payload);
  });
}
