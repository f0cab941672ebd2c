/**
 * Well-known secret formats, recognised by their shape wherever they appear. Each is a regex
 * source with a bounded length (so that a stream can keep that many characters between chunks)
 * and starts where a token starts (the look-behind), so that a long run of token characters is
 * scanned once, not once per position: matching stays linear in the text's length.
 */
export interface SecretShape {
  name: string;
  source: string;
  /** The longest text the source can match. */
  maxLength: number;
}

const start = '(?<![A-Za-z0-9_-])';

export const secretShapes: readonly SecretShape[] = [
  { name: 'github-token', source: `${start}gh[pousr]_[A-Za-z0-9]{30,251}`, maxLength: 255 },
  { name: 'github-fine-grained-token', source: `${start}github_pat_[A-Za-z0-9_]{22,244}`, maxLength: 255 },
  { name: 'gitlab-token', source: `${start}glpat-[A-Za-z0-9_-]{20,64}`, maxLength: 70 },
  { name: 'aws-access-key-id', source: `${start}(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}`, maxLength: 20 },
  { name: 'slack-token', source: `${start}xox[abposr]-[A-Za-z0-9-]{10,250}`, maxLength: 255 },
  { name: 'slack-webhook', source: 'hooks\\.slack\\.com/services/[A-Za-z0-9_/-]{10,200}', maxLength: 227 },
  { name: 'jwt', source: `${start}eyJ[A-Za-z0-9_-]{5,4096}\\.eyJ[A-Za-z0-9_-]{5,8192}\\.[A-Za-z0-9_-]{0,4096}`, maxLength: 16400 },
  { name: 'private-key', source: '-----BEGIN[A-Z ]{0,40} PRIVATE KEY-----[A-Za-z0-9+/=\\s\\\\]{0,16384}(?:-----END[A-Z ]{0,40} PRIVATE KEY-----)?', maxLength: 16500 },
  { name: 'databricks-token', source: `${start}dapi[0-9a-f]{32}(?:-[0-9])?`, maxLength: 38 },
  { name: 'google-api-key', source: `${start}AIza[0-9A-Za-z_-]{35}`, maxLength: 39 },
  { name: 'stripe-key', source: `${start}[sr]k_live_[0-9A-Za-z]{20,99}`, maxLength: 107 },
  { name: 'openai-key', source: `${start}sk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{32,200}`, maxLength: 210 },
  { name: 'npm-token', source: `${start}npm_[A-Za-z0-9]{36}`, maxLength: 40 },
  { name: 'huggingface-token', source: `${start}hf_[A-Za-z0-9]{30,40}`, maxLength: 43 },
  { name: 'bearer', source: '(?<![A-Za-z])[Bb]earer [A-Za-z0-9._~+/=-]{12,4096}', maxLength: 4103 },
];

/**
 * User-defined shapes from `THREADLINE_SECRET_PATTERNS`, a JSON array of regex sources
 * (`["ACME-[0-9]{12}"]`). Their matches are assumed to be at most 4,096 characters long.
 */
export function configuredShapes(env: NodeJS.ProcessEnv = process.env): SecretShape[] {
  const raw = env.THREADLINE_SECRET_PATTERNS;
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    list = [raw];
  }
  if (!Array.isArray(list)) list = [list];
  return (list as unknown[])
    .filter((source): source is string => typeof source === 'string' && source.length > 0)
    .map((source, i) => {
      new RegExp(source); // an invalid pattern fails here, naming itself, rather than inside the combined one
      return { name: `configured-${i}`, source: `(?:${source})`, maxLength: 4096 };
    });
}
