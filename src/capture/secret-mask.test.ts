import { describe, expect, it } from 'vitest';
import { maskCommand } from './mask-command.js';
import { SecretMasker, secretValues } from './secret-mask.js';
import { isSecretName } from './secret-names.js';

const env = {
  DB_PASS: 'hunter2-db-pass',
  GITHUB_PAT: 'pat-value-1234567',
  SLACK_WEBHOOK: 'https://hooks.example.com/T0/B0/webhookvalue',
  SENTRY_DSN: 'https://abc@sentry.example.com/1',
  TOKENIZERS_PARALLELISM: 'false',
  PATH: '/usr/bin',
  PWD: '/home/me/project',
  GIT_AUTHOR_NAME: 'Alice Example',
};

function streamed(masker: SecretMasker, text: string, cuts: number[]): Promise<string> {
  const stream = masker.stream();
  let out = '';
  stream.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const bytes = Buffer.from(text);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    stream.write(bytes.subarray(at, cut));
    at = cut;
  }
  stream.end();
  return new Promise((resolve) => stream.on('end', () => resolve(out)));
}

describe('secret names', () => {
  it.each(['DB_PASS', 'GITHUB_PAT', 'SLACK_WEBHOOK', 'SENTRY_DSN', 'Password', 'api_key', 'API_KEY', 'DB_PWD', 'HTTP_AUTH', 'AUTHORIZATION', '--token', 'AZURE_STORAGE_CONNECTION_STRING'])('%s is secret', (name) =>
    expect(isSecretName(name)).toBe(true),
  );
  it.each(['PATH', 'PWD', 'OLDPWD', 'GIT_AUTHOR_NAME', 'TOKENIZERS_PARALLELISM', 'MAX_TOKENS', 'NODE_COMPAT', 'epochs'])('%s is not', (name) => expect(isSecretName(name)).toBe(false));
  it('takes extra names from THREADLINE_SECRET_NAMES', () => {
    expect(isSecretName('LICENSE_PIN', { THREADLINE_SECRET_NAMES: '*_PIN, other' })).toBe(true);
    expect(isSecretName('LICENSE_PIN', {})).toBe(false);
  });
  it('takes the values of secret-named variables, not of harmless ones', () => {
    expect(secretValues(env).sort()).toEqual([env.DB_PASS, env.GITHUB_PAT, env.SENTRY_DSN, env.SLACK_WEBHOOK].sort());
  });
});

describe('SecretMasker', () => {
  const masker = SecretMasker.fromEnv(env);
  const shapes = [
    'ghp_' + 'a1B2'.repeat(9),
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    'AKIAIOSFODNN7EXAMPLE',
    'xoxb-123456789012-abcdefABCDEF',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nZm9vYmFy+/==\n-----END RSA PRIVATE KEY-----',
    'dapi0123456789abcdef0123456789abcdef',
  ];
  it.each(shapes)('masks the shape %s', (secret) => {
    const out = masker.mask(`before ${secret} after`);
    expect(out).toBe('before *** after');
  });
  it('masks env values and URL credentials, and leaves harmless text alone', () => {
    expect(masker.mask(`pw=${env.DB_PASS}; pat ${env.GITHUB_PAT} hook ${env.SLACK_WEBHOOK}`)).toBe('pw=***; pat *** hook ***');
    expect(masker.mask('clone https://bob:s3cret@git.example.com/x.git?access_token=abc')).toBe('clone https://git.example.com/x.git?access_token=REDACTED');
    expect(masker.mask('tokenizers false, author Alice Example in /home/me/project')).toBe('tokenizers false, author Alice Example in /home/me/project');
  });

  it('is the same whatever the chunking, a secret across any cut included', async () => {
    const masker = SecretMasker.fromEnv({ API_TOKEN: 'tok-9f8e7d6c5b4a' });
    const line = 'x'.repeat(70_000) + ' tok-9f8e7d6c5b4a ' + 'é'.repeat(10) + ' https://u:p@h/x ' + 'y'.repeat(30_000) + '\n';
    const whole = masker.mask(line);
    expect(whole).not.toContain('tok-9f8e7d6c5b4a');
    expect(whole).not.toContain('u:p@');
    const secretAt = Buffer.from(line).indexOf('tok-9f8e7d6c5b4a');
    for (let offset = 0; offset <= 17; offset++) {
      expect(await streamed(masker, line, [secretAt + offset])).toBe(whole);
    }
    const sizes = [7, 1000, 4096, 65536];
    for (const size of sizes) {
      const cuts = [];
      for (let at = size; at < line.length; at += size) cuts.push(at);
      expect(await streamed(masker, line, cuts)).toBe(whole);
    }
  });

  it('masks a long line in linear time (an 80,000-character line took 9.9 s)', () => {
    // Not a timing assertion: the 4 MiB line would take hours if matching were quadratic.
    const masker = SecretMasker.fromEnv(env);
    const out = masker.mask('a'.repeat(4 << 20) + env.DB_PASS);
    expect(out.endsWith('a***')).toBe(true);
  });
});

describe('maskCommand', () => {
  const masker = SecretMasker.fromEnv(env);
  it('masks secret flags, assignments and values found in arguments', () => {
    expect(maskCommand(['python', 'train.py', '--password', 'x1', '--token=y2', '--epochs', '3', 'DB_PASS=z3', `--url=${env.SENTRY_DSN}`], masker)).toEqual([
      'python',
      'train.py',
      '--password',
      '***',
      '--token=***',
      '--epochs',
      '3',
      'DB_PASS=***',
      '--url=***',
    ]);
    expect(maskCommand(['sh', '-c', 'train --api-key abc123 --lr 0.1 && API_TOKEN=qq run'], masker)).toEqual(['sh', '-c', 'train --api-key *** --lr 0.1 && API_TOKEN=*** run']);
  });
});
