import { maskCommand } from '../capture/mask-command.js';
import { SecretMasker } from '../capture/secret-mask.js';
import { isSecretName } from '../capture/secret-names.js';

/** What a param or tag with a secret-like key is stored as. */
export const redactedValue = '[REDACTED]';

// Keys Threadline and MLflow set themselves (threadline.params, mlflow.source.name…) are not secret
// by their name; their values are still masked by shape.
const systemKey = /^(?:mlflow|threadline)\./;

/**
 * Params and tags as stored: a secret-like key (`password`, `api_key`, `Slack-Webhook`) keeps only
 * `[REDACTED]`, and any value loses what looks like a secret (tokens, keys, URL credentials).
 */
export class SecretEntries {
  private readonly masker = SecretMasker.fromEnv(process.env);

  redact<T extends { key: string; value: string }>(entries: readonly T[]): T[] {
    return entries.map((entry) => {
      if (!systemKey.test(entry.key) && isSecretName(entry.key)) return { ...entry, value: redactedValue };
      const value = this.masker.mask(entry.value);
      return value === entry.value ? entry : { ...entry, value };
    });
  }

  /** A recorded command line, masked as `threadline run` masks it (for clients that did not). */
  command(args: readonly string[]): string[] {
    return maskCommand(args, this.masker);
  }
}
