import { isSecretName } from './secret-names.js';

/**
 * Secrets never reach the store: URLs lose their credentials, secret-named environment variables
 * keep only their names, and values are recorded only for a short allow-list.
 */

const schemeUrl = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s;

/**
 * Removes credentials from a URL, keeping its text otherwise as written (no normalisation).
 * - `https://user:pass@host/x` and `https://TOKEN@host/x` → `https://host/x`: over http(s) (and
 *   any scheme other than ssh) a bare user name is often a token, so the whole user-info goes.
 * - `ssh://git@host/x` keeps `git@` (a login name, no secret); `ssh://u:pw@host` → `ssh://u@host`.
 * - scp-style `git@host:org/repo.git` and local paths are returned as they are; a password-like
 *   `user:pw@host:path` (not valid scp syntax, but possible) loses `user:pw@`.
 */
export function stripUserInfo(url: string): string {
  const match = schemeUrl.exec(url);
  if (match) {
    const [, scheme = '', authority = '', rest = ''] = match;
    const at = authority.lastIndexOf('@');
    if (at < 0) return url;
    const userInfo = authority.slice(0, at);
    const host = authority.slice(at + 1);
    if (/^(git\+)?ssh:\/\/$/i.test(scheme)) {
      const colon = userInfo.indexOf(':');
      const user = colon < 0 ? userInfo : userInfo.slice(0, colon);
      return `${scheme}${user ? `${user}@` : ''}${host}${rest}`;
    }
    return `${scheme}${host}${rest}`;
  }
  const scp = /^([^@/]*)@([^/]*:.*)$/s.exec(url);
  if (scp && scp[1]!.includes(':')) return scp[2]!;
  return url;
}

const secretQueryParam = /([?&][^=&#]*(?:token|secret|password|passwd|key|credential|auth|sig)[^=&#]*=)[^&#]*/gi;

/** stripUserInfo, and values of secret-looking query parameters (`?access_token=…`) removed. */
export function redactUrl(url: string): string {
  return stripUserInfo(url).replace(secretQueryParam, '$1REDACTED');
}

/**
 * A URL inside free text. It starts where a run of scheme characters starts (the look-behind) and
 * every part is bounded, so that scanning a long line is linear: without the look-behind a line of
 * letters was tried from every position to its end (quadratic: 9.9 s for 80,000 characters).
 */
export const urlSource = `(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]{0,255}:\\/\\/[^\\s"'<>]{0,4096}`;
export const urlMaxLength = 256 + 3 + 4096;
const urlInText = new RegExp(urlSource, 'g');

/** Redacts every URL found inside free text (an env value, a `pip freeze` line). */
export function redactUrlsIn(text: string): string {
  return text.replace(urlInText, (url) => redactUrl(url));
}

export { isSecretName } from './secret-names.js';

/** Values worth recording that are not secrets: locale, determinism knobs, CI ids. */
export const defaultEnvAllowList: readonly string[] = [
  'LANG',
  'LC_ALL',
  'TZ',
  'CUDA_VISIBLE_DEVICES',
  'PYTHONHASHSEED',
  'OMP_NUM_THREADS',
  'MKL_NUM_THREADS',
  'NODE_ENV',
  'GIT_SHA',
  'CI',
  'GITHUB_ACTIONS',
  'GITHUB_SHA',
  'GITHUB_REF',
  'GITHUB_REF_NAME',
  'GITHUB_REPOSITORY',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_NUMBER',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_WORKFLOW',
  'GITHUB_JOB',
  'GITHUB_EVENT_NAME',
];

/** The default allow-list plus the comma-separated names in `THREADLINE_ENV_ALLOW`. */
export function envAllowList(env: NodeJS.ProcessEnv): string[] {
  const extra = (env.THREADLINE_ENV_ALLOW ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  return [...new Set([...defaultEnvAllowList, ...extra])];
}

export interface RedactedEnv {
  /** Every variable name, sorted. */
  names: string[];
  /** Values of allow-listed, non-secret names only, with credentials removed from URLs. */
  values: Record<string, string>;
}

export function redactEnv(env: NodeJS.ProcessEnv, allowList: readonly string[] = envAllowList(env)): RedactedEnv {
  const allowed = new Set(allowList);
  const names = Object.keys(env)
    .filter((name) => env[name] !== undefined)
    .sort();
  const values: Record<string, string> = {};
  for (const name of names) {
    // A secret name stays secret even if someone allow-lists it.
    if (!allowed.has(name) || isSecretName(name)) continue;
    values[name] = redactUrlsIn(env[name]!);
  }
  return { names, values };
}
