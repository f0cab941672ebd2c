import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The signal of the work a query runs for (an HTTP request): queries issued inside
 * `whileWanted(signal, …)` are cancelled on the database once the signal aborts, so a client that
 * hangs up stops holding a connection and the server's CPU (see postgres.ts).
 */
const scope = new AsyncLocalStorage<AbortSignal>();

export function whileWanted<T>(signal: AbortSignal, work: () => T): T {
  return scope.run(signal, work);
}

/** The signal of the current work, if any. */
export function currentSignal(): AbortSignal | undefined {
  return scope.getStore();
}
