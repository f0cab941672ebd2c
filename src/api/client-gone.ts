import { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { whileWanted } from '../store/query-scope.js';

const scopes = new WeakMap<FastifyRequest, AsyncResource>();

/**
 * Runs each request's handler inside a signal that aborts when its client hangs up before the
 * answer is sent, so the store cancels that request's queries (store/query-scope.ts). The scope
 * is entered in onRequest and entered again in preValidation: a body's 'end' event, which runs
 * the rest of the chain, fires in the socket's async context, not the request's.
 */
export function cancelWhenClientGone(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const wanted = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) wanted.abort();
    });
    whileWanted(wanted.signal, () => {
      const scope = new AsyncResource('threadline-request');
      scopes.set(request, scope);
      scope.runInAsyncScope(done);
    });
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const scope = scopes.get(request);
    if (scope) scope.runInAsyncScope(done);
    else done();
  });
}
