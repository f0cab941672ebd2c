import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { request } from 'undici';
import { ThreadlineError } from '../../errors.js';
import { basicHeader, parseChallenge, type Credentials } from './docker-auth.js';
import { mediaTypes } from './media-types.js';
import { apiHost, type ImageName } from './reference.js';

type Body = string | Buffer | Readable;
type Method = 'GET' | 'HEAD' | 'POST' | 'PUT';

export interface RegistryOptions {
  /** Plain http (a registry on loopback, or one with `--insecure-registry`). */
  insecure?: boolean;
  credentials?: Credentials;
  /** `pull` for base images, `pull,push` for pushes: the scope a token is asked for. */
  actions?: string;
}

/**
 * A client of the OCI distribution API for one repository: anonymous, Basic, or the Bearer token
 * flow a registry asks for in `WWW-Authenticate`. Credentials stay in memory and out of messages.
 */
export class RegistryClient {
  private readonly base: string;
  private authorization: string | undefined;

  constructor(private readonly image: ImageName, private readonly options: RegistryOptions = {}) {
    this.base = `${options.insecure ? 'http' : 'https'}://${apiHost(image.registry)}`;
  }

  async hasBlob(digest: string): Promise<boolean> {
    const res = await this.send('HEAD', `/v2/${this.image.name}/blobs/${digest}`);
    await res.body.dump();
    if (res.statusCode === 200) return true;
    if (res.statusCode === 404) return false;
    throw this.failure('HEAD blob', res.statusCode);
  }

  /** A monolithic upload: POST for a session, then PUT of the whole blob with its digest. */
  async uploadBlob(digest: string, size: number, open: () => Body): Promise<void> {
    const started = await this.send('POST', `/v2/${this.image.name}/blobs/uploads/`);
    await started.body.dump();
    const location = header(started.headers, 'location');
    if (started.statusCode !== 202 || !location) throw this.failure('start blob upload', started.statusCode);
    const url = new URL(location, this.base);
    url.searchParams.set('digest', digest);
    const done = await this.send('PUT', url.toString(), { body: open(), headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) } });
    await done.body.dump();
    if (done.statusCode !== 201) throw this.failure(`upload blob ${digest}`, done.statusCode);
  }

  /** PUT the manifest under `reference` (a tag); returns the digest the registry computed. */
  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.send('PUT', `/v2/${this.image.name}/manifests/${reference}`, { body: bytes, headers: { 'content-type': mediaType } });
    await res.body.dump();
    if (res.statusCode !== 201) throw this.failure(`push manifest ${reference}`, res.statusCode);
    return header(res.headers, 'docker-content-digest') ?? sha256(bytes);
  }

  async getManifest(reference: string): Promise<{ bytes: Buffer; mediaType: string; digest: string }> {
    const accept = [mediaTypes.manifest, mediaTypes.index, mediaTypes.dockerManifest, mediaTypes.dockerList].join(', ');
    const res = await this.send('GET', `/v2/${this.image.name}/manifests/${reference}`, { headers: { accept } });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw this.failure(`get manifest ${reference}`, res.statusCode);
    }
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const digest = sha256(bytes);
    if (reference.startsWith('sha256:') && digest !== reference) throw new ThreadlineError('INTERNAL', `Registry sent a manifest whose digest ${digest} is not ${reference}`);
    const mediaType = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? header(res.headers, 'content-type') ?? mediaTypes.manifest;
    return { bytes, mediaType, digest };
  }

  /** The blob's bytes as a stream; registries often redirect to storage, which gets no auth header. */
  async openBlob(digest: string): Promise<Readable> {
    let res = await this.send('GET', `/v2/${this.image.name}/blobs/${digest}`);
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 5; hops++) {
      const location = header(res.headers, 'location');
      await res.body.dump();
      if (!location) break;
      res = await request(new URL(location, this.base), { method: 'GET' });
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw this.failure(`get blob ${digest}`, res.statusCode);
    }
    return res.body;
  }

  private async send(method: Method, pathOrUrl: string, init: { body?: Body; headers?: Record<string, string> } = {}) {
    const url = pathOrUrl.startsWith('/') ? `${this.base}${pathOrUrl}` : pathOrUrl;
    const go = () => request(url, { method, body: init.body, headers: { ...init.headers, ...(this.authorization && { authorization: this.authorization }) } });
    let res;
    try {
      res = await go();
    } catch (error) {
      throw new ThreadlineError('UNAVAILABLE', `Registry ${this.image.registry} unreachable: ${(error as Error).message}`);
    }
    if (res.statusCode !== 401) return res;
    await res.body.dump();
    const challenge = header(res.headers, 'www-authenticate');
    const streamed = init.body !== undefined && typeof init.body !== 'string' && !Buffer.isBuffer(init.body);
    if (!challenge || !(await this.authenticate(challenge)) || streamed) throw this.failure(`${method} ${new URL(url).pathname}`, 401);
    return go();
  }

  /** Answers a challenge once: Basic with the configured credentials, or a Bearer token. */
  private async authenticate(challenge: string): Promise<boolean> {
    const { scheme, params } = parseChallenge(challenge);
    const credentials = this.options.credentials;
    if (scheme === 'basic') {
      if (!credentials || this.authorization) return false;
      this.authorization = basicHeader(credentials);
      return true;
    }
    if (scheme !== 'bearer' || !params.realm) return false;
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set('service', params.service);
    // Ask for everything this client will do at once, so a push needs one token.
    const scope = this.options.actions ? `repository:${this.image.name}:${this.options.actions}` : params.scope;
    if (scope) realm.searchParams.set('scope', scope);
    const res = await request(realm, { method: 'GET', headers: credentials ? { authorization: basicHeader(credentials) } : {} });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw this.failure('get a registry token', res.statusCode);
    }
    const body = (await res.body.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) return false;
    this.authorization = `Bearer ${token}`;
    return true;
  }

  private failure(what: string, status: number): ThreadlineError {
    const code = status === 401 || status === 403 ? 'FAILED_PRECONDITION' : status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE';
    const hint = status === 401 || status === 403 ? ' (check the credentials in your Docker config)' : '';
    return new ThreadlineError(code, `Registry ${this.image.registry} refused to ${what} in ${this.image.name}: HTTP ${status}${hint}`);
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
