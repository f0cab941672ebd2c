import { loggedModelStatuses, type LoggedModelStatus } from './types.js';

/**
 * A LoggedModelStatus from what clients send: the protobuf name (`LOGGED_MODEL_READY`), its
 * number (2), or the Python enum's short name (`READY`, `FAILED` for UPLOAD_FAILED).
 */
export function statusOf(raw: unknown): LoggedModelStatus | undefined {
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\d+$/.test(raw))) return loggedModelStatuses[Number(raw)];
  if (typeof raw !== 'string') return undefined;
  const name = raw.toUpperCase();
  if ((loggedModelStatuses as readonly string[]).includes(name)) return name as LoggedModelStatus;
  if (name === 'FAILED') return 'LOGGED_MODEL_UPLOAD_FAILED';
  const prefixed = `LOGGED_MODEL_${name}`;
  return (loggedModelStatuses as readonly string[]).includes(prefixed) ? (prefixed as LoggedModelStatus) : undefined;
}
