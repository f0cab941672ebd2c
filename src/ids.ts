import { v7 as uuidv7 } from 'uuid';

/** Run ids are 32 lowercase hex characters, time-ordered (a UUIDv7 without its dashes). */
export function newRunId(): string {
  return uuidv7().replaceAll('-', '');
}

export const runIdPattern = /^[0-9a-f]{32}$/;

/** A UUID of any version, either case: prediction, event and validation ids as users paste them. */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Prediction ids and other public ids are UUIDv7 strings. */
export function newUuid(): string {
  return uuidv7();
}
