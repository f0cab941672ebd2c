/** Whether a driver error is a primary-key / unique conflict, on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** PostgreSQL's serialization failure: a concurrent transaction won; trying again may succeed. */
export function isSerializationFailure(error: unknown): boolean {
  return codeOf(error) === '40001';
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

export interface NumberedInsert<T> {
  /** Reads the highest number in use and inserts the next one (in one transaction where it can). */
  insert: () => Promise<T>;
  /** Tries in all, counting the first. */
  attempts: number;
  /** Called on each conflict: may throw a clearer error (the name was taken meanwhile). */
  onConflict?: (error: unknown) => Promise<void>;
  /** The error once every attempt conflicted; by default the last conflict itself. */
  exhausted?: () => Error;
}

/**
 * "max + 1 and retry": experiment ids, model versions and deployment numbers are handed out in
 * order by reading the highest one and inserting the next. Two writers can read the same max; the
 * loser hits the unique key (or, on PostgreSQL, a serialization failure) and tries again after a
 * short random pause, with a fresh max. Any other error is thrown at once.
 */
export async function insertNextNumber<T>(op: NumberedInsert<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op.insert();
    } catch (error) {
      if (!isUniqueViolation(error) && !isSerializationFailure(error)) throw error;
      await op.onConflict?.(error);
      if (attempt >= op.attempts) throw op.exhausted?.() ?? error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
