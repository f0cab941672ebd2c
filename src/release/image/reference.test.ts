import { describe, expect, it } from 'vitest';
import { apiHost, parseImageRef, parseRepository } from './reference.js';

describe('image references', () => {
  it('splits registry and name; Docker Hub short names get library/', () => {
    expect(parseRepository('127.0.0.1:5000/amazon-recommender')).toEqual({ registry: '127.0.0.1:5000', name: 'amazon-recommender' });
    expect(parseRepository('ghcr.io/acme/reco')).toEqual({ registry: 'ghcr.io', name: 'acme/reco' });
    expect(parseRepository('localhost/reco')).toEqual({ registry: 'localhost', name: 'reco' });
    expect(parseRepository('node')).toEqual({ registry: 'docker.io', name: 'library/node' });
    expect(parseRepository('acme/reco')).toEqual({ registry: 'docker.io', name: 'acme/reco' });
    expect(apiHost('docker.io')).toBe('registry-1.docker.io');
  });

  it('reads tags and digests, and refuses malformed ones', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageRef('127.0.0.1:5000/reco:run-1')).toMatchObject({ repository: '127.0.0.1:5000/reco', tag: 'run-1' });
    expect(parseImageRef(`127.0.0.1:5000/reco@${digest}`)).toEqual({ registry: '127.0.0.1:5000', name: 'reco', repository: '127.0.0.1:5000/reco', digest });
    expect(parseImageRef(`node:20-slim@${digest}`)).toMatchObject({ repository: 'docker.io/library/node', tag: '20-slim', digest });
    expect(parseImageRef('127.0.0.1:5000/reco').tag).toBeUndefined();
    expect(() => parseImageRef('reco@sha256:abc')).toThrow(/Invalid image digest/);
    expect(() => parseImageRef('reco:bad tag')).toThrow();
  });
});
