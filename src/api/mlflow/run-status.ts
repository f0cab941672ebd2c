import { runStatuses, type RunStatus } from '../../tracking/types.js';
import { invalidParameter } from './errors.js';
import { optionalString, type Fields } from './request.js';

// MLflow's RunStatus enum numbers, for clients that send protobuf JSON with enum numbers.
const byNumber: Record<string, RunStatus> = { '1': 'RUNNING', '2': 'SCHEDULED', '3': 'FINISHED', '4': 'FAILED', '5': 'KILLED' };

export function optionalRunStatus(fields: Fields, name: string): RunStatus | undefined {
  const value = optionalString(fields, name);
  if (value === undefined || value === '') return undefined;
  const status = (runStatuses as readonly string[]).includes(value) ? (value as RunStatus) : byNumber[value];
  if (!status) throw invalidParameter(`Invalid value "${value}" for parameter '${name}': expected one of ${runStatuses.join(', ')}.`);
  return status;
}
