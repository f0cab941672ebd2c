import { invalidArgument } from '../errors.js';
import { stages, type Stage } from './types.js';

/** What `name@alias`, `name/3`, `name/Production` or `name` (the latest version) points at. */
export type ModelRef =
  | { name: string; kind: 'alias'; alias: string }
  | { name: string; kind: 'version'; version: number }
  | { name: string; kind: 'stage'; stage: Stage }
  | { name: string; kind: 'latest' };

/**
 * Parses a model reference as users write it (and as `models:/…` URIs carry it).
 *
 * @example
 * parseModelRef('amazon-recommender@champion') // { name: 'amazon-recommender', kind: 'alias', alias: 'champion' }
 */
export function parseModelRef(raw: string): ModelRef {
  const ref = raw.replace(/^models:\/+/, '');
  const at = ref.lastIndexOf('@');
  if (at > 0) return { name: ref.slice(0, at), kind: 'alias', alias: ref.slice(at + 1) };
  const slash = ref.indexOf('/');
  if (slash < 0) {
    if (ref === '') throw invalidArgument('a model reference needs a name: NAME, NAME@ALIAS or NAME/VERSION');
    return { name: ref, kind: 'latest' };
  }
  const name = ref.slice(0, slash);
  const rest = ref.slice(slash + 1);
  if (/^[1-9]\d*$/.test(rest)) return { name, kind: 'version', version: Number(rest) };
  if (rest.toLowerCase() === 'latest') return { name, kind: 'latest' };
  const stage = stages.find((s) => s.toLowerCase() === rest.toLowerCase());
  if (stage) return { name, kind: 'stage', stage };
  throw invalidArgument(`Invalid model reference '${raw}': expected NAME, NAME@ALIAS, NAME/VERSION or NAME/STAGE`);
}
