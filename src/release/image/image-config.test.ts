import { describe, expect, it } from 'vitest';
import { canonicalJson, imageConfig } from './image-config.js';
import type { ImageConfig } from './media-types.js';

const ours = {
  created: '2026-01-01T00:00:00Z',
  env: { GIT_SHA: 'abc', LANG: 'C.UTF-8' },
  labels: { 'ai.threadline.model': 'reco/1', maintainer: 'threadline' },
  entrypoint: ['/threadline/serve.sh'],
  cmd: [],
  exposedPorts: ['8080/tcp'],
  workingDir: '/model',
  diffIds: ['sha256:m', 'sha256:s'],
  history: ['model', 'serve'],
};

describe('imageConfig', () => {
  it('merges env and labels over the base (ours win), appends layers and history', () => {
    const base: ImageConfig = {
      architecture: 'arm64',
      os: 'linux',
      config: { Env: ['PATH=/usr/bin', 'LANG=en'], Labels: { maintainer: 'node', vendor: 'x' }, ExposedPorts: { '3000/tcp': {} }, User: 'node' },
      rootfs: { type: 'layers', diff_ids: ['sha256:b'] },
      history: [{ created_by: 'base' }],
    };
    const config = imageConfig(base, ours);
    expect(config.architecture).toBe('arm64');
    expect(config.config.Env).toEqual(['PATH=/usr/bin', 'LANG=C.UTF-8', 'GIT_SHA=abc']);
    expect(config.config.Labels).toEqual({ maintainer: 'threadline', vendor: 'x', 'ai.threadline.model': 'reco/1' });
    expect(Object.keys(config.config.ExposedPorts!)).toEqual(['3000/tcp', '8080/tcp']);
    expect(config.config.User).toBe('node');
    expect(config.rootfs.diff_ids).toEqual(['sha256:b', 'sha256:m', 'sha256:s']);
    expect(config.history!.map((h) => h.created_by)).toEqual(['base', 'model', 'serve']);
  });

  it('without a base: linux/amd64 with a PATH; canonical JSON sorts keys', () => {
    const config = imageConfig(undefined, ours);
    expect([config.os, config.architecture]).toEqual(['linux', 'amd64']);
    expect(config.config.Env![0]).toMatch(/^PATH=/);
    expect(canonicalJson({ b: 1, a: { d: 2, c: [{ f: 1, e: 2 }] } }).toString()).toBe('{"a":{"c":[{"e":2,"f":1}],"d":2},"b":1}');
  });
});
