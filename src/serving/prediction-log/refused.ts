/**
 * The destination answered and will not take a batch as things are configured (a 401/403 for a
 * bad or missing token, a 404 for a wrong URL, any other 4xx but 408/429): resending at once
 * cannot help, so the prediction log keeps journaling and retries with a growing delay. The
 * message names the status and the server's error, never the request's credentials.
 */
export class InsertRefused extends Error {
  constructor(
    message: string,
    /** The HTTP status the destination answered. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'InsertRefused';
  }
}

/** 4xx answers that say "not like this" rather than "not now" (408 timeout and 429 throttling are the latter). */
export function refusesForGood(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
