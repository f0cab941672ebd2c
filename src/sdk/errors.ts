/** An error answered by a Threadline server: its `error_code`, message and HTTP status. */
export class ThreadlineApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ThreadlineApiError';
  }
}
