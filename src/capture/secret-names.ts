/**
 * Which names (environment variables, command-line flags, params, tags, JSON keys) hold secrets.
 * Matched case-insensitively on the name's parts; `THREADLINE_SECRET_NAMES` adds more.
 */

// Each entry is one way a secret is commonly named. Exceptions are spelled out where a common,
// harmless name would match: PWD (the shell's working folder), GIT_AUTHOR_*, TOKENIZERS_*, MAX_TOKENS.
const builtInPatterns: readonly RegExp[] = [
  /PASS/i, // PASSWORD, PASSWD, DB_PASS, PASSPHRASE
  /PWD/i, // DB_PWD (PWD and OLDPWD themselves are excluded below)
  /(?:^|[^a-z0-9])PAT(?:$|[^a-z0-9])/i, // GITHUB_PAT, not PATH or COMPAT
  /TOKEN(?!S|IZ)/i, // API_TOKEN, not TOKENIZERS_PARALLELISM or MAX_TOKENS
  /SECRET/i,
  /KEY/i, // API_KEY, AWS_SECRET_ACCESS_KEY, SSH_KEY
  /CREDENTIAL/i,
  /WEBHOOK/i,
  /(?:^|[^a-z0-9])DSN(?:$|[^a-z0-9])/i, // SENTRY_DSN
  /AUTH(?!OR(?!I[SZ]))/i, // HTTP_AUTH, AUTHORIZATION, not GIT_AUTHOR_NAME
  /PRIVATE/i,
  /COOKIE/i,
  /CONN(?:ECTION)?_?STR/i, // AZURE_STORAGE_CONNECTION_STRING
  /(?:^|[^a-z0-9])SAS(?:$|[^a-z0-9])/i, // Azure shared access signatures
];

const notSecret = new Set(['PWD', 'OLDPWD']);

/** `*_PIN`, `MY_CERT` → a case-insensitive matcher; `*` stands for any characters. */
function globPattern(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

/** Extra secret names from `THREADLINE_SECRET_NAMES` (comma-separated globs, `*_PIN,LICENSE`). */
export function configuredSecretNames(env: NodeJS.ProcessEnv = process.env): RegExp[] {
  return (env.THREADLINE_SECRET_NAMES ?? '')
    .split(',')
    .map((glob) => glob.trim())
    .filter((glob) => glob.length > 0)
    .map(globPattern);
}

let cached: { source: string | undefined; patterns: RegExp[] } | undefined;

function patternsFor(env: NodeJS.ProcessEnv): RegExp[] {
  const source = env.THREADLINE_SECRET_NAMES;
  if (!cached || cached.source !== source) cached = { source, patterns: [...builtInPatterns, ...configuredSecretNames(env)] };
  return cached.patterns;
}

/** True when a name (DB_PASS, GITHUB_PAT, api_key, Password, --token) says its value is a secret. */
export function isSecretName(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const bare = name.replace(/^-+/, '');
  if (notSecret.has(bare.toUpperCase())) return false;
  return patternsFor(env).some((pattern) => pattern.test(bare));
}
