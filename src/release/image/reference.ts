import { invalidArgument } from '../../errors.js';

export const digestPattern = /^sha256:[a-f0-9]{64}$/;

/** Where an image lives: the registry host (as in the reference) and the repository name on it. */
export interface ImageName {
  /** `127.0.0.1:5000`, `ghcr.io`, `docker.io`. */
  registry: string;
  /** `reco`, `library/node`. */
  name: string;
}

export interface ImageRef extends ImageName {
  /** `<registry>/<name>` as written by the user (docker.io spelled out). */
  repository: string;
  tag?: string;
  digest?: string;
}

/** `127.0.0.1:5000/reco` → registry + name; a first part without `.`/`:` is a Docker Hub name. */
export function parseRepository(repository: string): ImageName {
  const trimmed = repository.trim();
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._:/-]*$/.test(trimmed) || trimmed.includes('//')) throw invalidArgument(`Invalid image repository '${repository}'`);
  const slash = trimmed.indexOf('/');
  const first = slash < 0 ? '' : trimmed.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first, name: trimmed.slice(slash + 1).toLowerCase() };
  }
  return { registry: 'docker.io', name: trimmed.includes('/') ? trimmed : `library/${trimmed}` };
}

/** `REPO`, `REPO:TAG`, `REPO@sha256:…` or `REPO:TAG@sha256:…`; the tag defaults to `latest` only when no digest. */
export function parseImageRef(ref: string): ImageRef {
  const at = ref.indexOf('@');
  const digest = at < 0 ? undefined : ref.slice(at + 1);
  const rest = at < 0 ? ref : ref.slice(0, at);
  if (digest !== undefined && !digestPattern.test(digest)) throw invalidArgument(`Invalid image digest '${digest}': expected sha256:<64 lowercase hex>`);
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const repository = hasTag ? rest.slice(0, colon) : rest;
  const tag = hasTag ? rest.slice(colon + 1) : undefined;
  if (tag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag)) throw invalidArgument(`Invalid image tag '${tag}'`);
  const name = parseRepository(repository);
  return { ...name, repository: `${name.registry}/${name.name}`, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** The host the distribution API answers on (Docker Hub's API is not on docker.io itself). */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}
