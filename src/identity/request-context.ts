import { AsyncLocalStorage } from 'node:async_hooks';
import os from 'node:os';
import type { Caller } from './types.js';

/** What one request carries through the domain services: who asks, and the request's id. */
export interface RequestContext {
  caller?: Caller;
  requestId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (and everything it starts) as part of the request `context`. */
export function withRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Outside a request (embedded use, the CLI): the login name of this process, as git would record it. */
export function localUser(): string {
  // Asked once: os.userInfo() is a passwd lookup, and every unauthenticated request asks.
  return (cachedUser ??= lookUpUser());
}

let cachedUser: string | undefined;

function lookUpUser(): string {
  try {
    return os.userInfo().username || 'local';
  } catch {
    return 'local';
  }
}

/** Who the current mutation is by: the authenticated caller, else the local user. */
export function currentActor(): string {
  return actorOf();
}

/**
 * Who a change is by, for the records that name one (alias history, deployments): an
 * authenticated caller is taken from its credentials, never from what the client claims; a
 * server without authentication takes the client's word (the CLI sends its login name), and
 * embedded use is the local user.
 */
export function actorOf(claimed?: string): string {
  const caller = storage.getStore()?.caller;
  if (caller && caller.via !== 'local') return caller.name;
  return claimed || caller?.name || localUser();
}
