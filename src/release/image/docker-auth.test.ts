import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerCredentials, parseChallenge } from './docker-auth.js';

function config(auths: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-docker-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

describe('docker credentials', () => {
  it('reads auths.<host>.auth (base64 user:password) or username/password from DOCKER_CONFIG', () => {
    const dir = config({
      'registry.example.io': { auth: Buffer.from('robot:p:w').toString('base64') },
      'https://ghcr.io': { username: 'me', password: 'tok' },
      'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') },
    });
    expect(dockerCredentials('registry.example.io', { DOCKER_CONFIG: dir })).toEqual({ username: 'robot', password: 'p:w' });
    expect(dockerCredentials('ghcr.io', { DOCKER_CONFIG: dir })).toEqual({ username: 'me', password: 'tok' });
    expect(dockerCredentials('docker.io', { DOCKER_CONFIG: dir })).toEqual({ username: 'hub', password: 'pw' });
    expect(dockerCredentials('other.io', { DOCKER_CONFIG: dir })).toBeUndefined();
    expect(dockerCredentials('other.io', { DOCKER_CONFIG: path.join(dir, 'missing') })).toBeUndefined();
  });

  it('parses WWW-Authenticate challenges', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/node:pull' },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
  });
});
