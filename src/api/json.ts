/**
 * JSON has no NaN or ±Infinity, yet metrics can hold them. On the wire they travel as the strings
 * "NaN", "Infinity" and "-Infinity", as in protobuf's JSON mapping that MLflow clients speak.
 */
export function stringifyWithNonFinite(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

export function decodeNumber(value: unknown): unknown {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return value;
}
