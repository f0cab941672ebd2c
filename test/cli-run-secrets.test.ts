import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allBytesUnder, dumpDatabase, makeGitRepo, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';

// Twenty planted secrets, as issue 13's probe planted them: in variables whose names the old
// pattern missed, in well-known token shapes the command prints, on the command line, in params
// and tags, and one across the 1 MiB point of a long line.
const planted = {
  dbPass: 'db-pass-8d1f0c2e',
  githubPat: 'pat-value-77ac41b9e0',
  slackWebhook: 'https://hooks.example.com/services/T0ABC/B0DEF/wh00k5ecret',
  apiToken: 'api-token-5e6f7a8b9c',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sentryDsn: 'https://dsnpublic4242@sentry.example.com/17',
  mixedCase: 'mixed-case-pw-31337',
  ghp: 'ghp_' + 'Zq9x'.repeat(9),
  akia: 'AKIAQWERTYUIOP123456',
  slackToken: 'xoxb-2222222222-3333333333-slacktokenvalue',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlLXBsYW50ZWQtand0',
  privateKey: 'MIIEpAIBAAKCAQEAplantedprivatekeybody0123456789abcdefABCDEF',
  urlPassword: 'url-userinfo-pw-5150',
  flagPassword: 'flag-password-6a6b',
  flagToken: 'flag-token-7c7d',
  assignment: 'assigned-secret-8e8f',
  paramPassword: 'param-password-9a9b',
  paramApiKey: 'param-api-key-0c0d',
  childParam: 'child-logged-secret-1e1f',
  straddling: 'straddle-secret-2a2b3c',
};

const childScript = `
const p = ${JSON.stringify(planted)};
console.log('env', process.env.DB_PASS, process.env.GITHUB_PAT, process.env.SLACK_WEBHOOK, process.env.API_TOKEN, process.env.AWS_SECRET_ACCESS_KEY, process.env.SENTRY_DSN, process.env.Password);
console.log('shapes', p.ghp, p.akia, p.slackToken, p.jwt);
console.log('-----BEGIN RSA PRIVATE KEY-----\\n' + p.privateKey + '\\n-----END RSA PRIVATE KEY-----');
console.error('clone https://deploy:' + p.urlPassword + '@git.example.com/x.git');
// A line of 2 MiB with a secret value across the 1 MiB point, written in uneven pieces.
const line = 'x'.repeat((1 << 20) - 7) + ' ' + process.env.STRADDLE_TOKEN + ' ' + 'y'.repeat(1 << 20) + '\\n';
for (let i = 0; i < line.length; i += 40009) process.stdout.write(line.slice(i, i + 40009));
(async () => {
  const r = await fetch(process.env.THREADLINE_URL + '/api/runs/' + process.env.THREADLINE_RUN_ID + '/batch', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ params: [{ key: 'Api-Key', value: p.childParam }], tags: [{ key: 'note', value: 'token ' + p.ghp }] }) });
  if (!r.ok) throw new Error('log failed ' + r.status);
})();
`;

describe.each(dialects)('threadline run keeps planted secrets out on %s', (dialect) => {
  it('stores none of the 20 in the database, the artifacts or the logs', async () => {
    const repo = makeGitRepo({ 'child.js': childScript, '.gitignore': '.threadline/\n' });
    const databaseUrl = await freshDatabaseUrl(dialect);
    const env = {
      THREADLINE_DB_URL: databaseUrl,
      THREADLINE_HOME: path.join(repo, '.threadline'),
      THREADLINE_URL: '',
      DB_PASS: planted.dbPass,
      GITHUB_PAT: planted.githubPat,
      SLACK_WEBHOOK: planted.slackWebhook,
      API_TOKEN: planted.apiToken,
      AWS_SECRET_ACCESS_KEY: planted.awsSecret,
      SENTRY_DSN: planted.sentryDsn,
      Password: planted.mixedCase,
      STRADDLE_TOKEN: planted.straddling,
    };
    const result = await runCli(
      [
        'run',
        '--param', `password=${planted.paramPassword}`,
        '--param', `api_key=${planted.paramApiKey}`,
        '--param', 'epochs=3',
        '--', 'node', 'child.js', '--password', planted.flagPassword, `--token=${planted.flagToken}`, `DEPLOY_SECRET=${planted.assignment}`,
      ],
      { cwd: repo, env },
    );
    expect(result.stderr).toContain('finished (exit 0)');
    const runId = result.stdout.trim();

    // Raw bytes: the SQLite file with its WAL, the artifact folder (logs included); PostgreSQL's rows.
    const files = Buffer.concat([allBytesUnder(path.join(repo, '.threadline')), dialect === 'sqlite' ? allBytesUnder(path.dirname(databaseUrl)) : Buffer.alloc(0)]);
    const stored = files.toString('latin1') + (dialect === 'postgres' ? JSON.stringify(await dumpDatabase(databaseUrl)) : '');
    expect(stored).toContain(runId.slice(0, 8));
    // The logs were stored, and the rest of the output with them.
    expect(stored).toContain('x'.repeat(1000));
    expect(stored).toContain('epochs');
    const leaked = Object.entries(planted).filter(([, value]) => stored.includes(value));
    expect(leaked.map(([name]) => name)).toEqual([]);
  });
});
