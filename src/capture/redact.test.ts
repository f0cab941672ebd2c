import { describe, expect, it } from 'vitest';
import { envAllowList, isSecretName, redactEnv, redactUrl, redactUrlsIn, stripUserInfo } from './redact.js';

describe('stripUserInfo', () => {
  it.each([
    ['https://user:pass@host/x', 'https://host/x'],
    ['https://ghp_token123@github.com/org/repo.git', 'https://github.com/org/repo.git'],
    ['http://u:p@host:8080/a?b=c#d', 'http://host:8080/a?b=c#d'],
    ['https://host/x', 'https://host/x'],
    ['git@github.com:org/repo.git', 'git@github.com:org/repo.git'],
    ['ssh://git@host/org/repo.git', 'ssh://git@host/org/repo.git'],
    ['ssh://git:pw@host:22/org/repo.git', 'ssh://git@host:22/org/repo.git'],
    ['user:pw@host:org/repo.git', 'host:org/repo.git'],
    ['/srv/git/repo.git', '/srv/git/repo.git'],
    ['file:///srv/git/repo.git', 'file:///srv/git/repo.git'],
    ['https://host/path@v1', 'https://host/path@v1'],
  ])('%s → %s', (input, expected) => {
    expect(stripUserInfo(input)).toBe(expected);
  });

  it('redactUrl also blanks secret-looking query parameters', () => {
    expect(redactUrl('https://u:p@host/repo.git?access_token=abc&x=1')).toBe('https://host/repo.git?access_token=REDACTED&x=1');
  });

  it('redactUrlsIn cleans every URL inside text', () => {
    expect(redactUrlsIn('pkg @ git+https://tok@github.com/o/r.git@v1 and https://a:b@h/x')).toBe(
      'pkg @ git+https://github.com/o/r.git@v1 and https://h/x',
    );
  });
});

describe('isSecretName', () => {
  it.each(['API_TOKEN', 'db_password', 'AWS_SECRET_ACCESS_KEY', 'MYSQL_PASSWD', 'GOOGLE_APPLICATION_CREDENTIALS', 'HTTP_AUTH', 'ssh_key'])(
    '%s is secret',
    (name) => expect(isSecretName(name)).toBe(true),
  );
  it.each(['PATH', 'LANG', 'GITHUB_RUN_ID', 'CUDA_VISIBLE_DEVICES'])('%s is not', (name) => expect(isSecretName(name)).toBe(false));
});

describe('redactEnv', () => {
  const env = {
    LANG: 'C.UTF-8',
    API_TOKEN: 'supersecret',
    PATH: '/usr/bin',
    GITHUB_RUN_ID: '123',
    EXTRA: 'https://bob:pw123@example.com/x',
    GITHUB_TOKEN: 'ghp_zzz',
    THREADLINE_ENV_ALLOW: 'EXTRA, GITHUB_TOKEN',
    UNSET: undefined,
  };

  it('keeps all names, sorted, and values only for allow-listed non-secret names', () => {
    const { names, values } = redactEnv(env);
    expect(names).toEqual(['API_TOKEN', 'EXTRA', 'GITHUB_RUN_ID', 'GITHUB_TOKEN', 'LANG', 'PATH', 'THREADLINE_ENV_ALLOW']);
    expect(values).toEqual({ LANG: 'C.UTF-8', GITHUB_RUN_ID: '123', EXTRA: 'https://example.com/x' });
    const json = JSON.stringify(redactEnv(env));
    for (const secret of ['supersecret', 'ghp_zzz', 'pw123']) expect(json).not.toContain(secret);
  });

  it('takes additions from THREADLINE_ENV_ALLOW', () => {
    expect(envAllowList(env)).toContain('EXTRA');
    expect(envAllowList({})).not.toContain('PATH');
  });
});
