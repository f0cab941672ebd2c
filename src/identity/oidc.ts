import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { invalidArgument, unauthenticated, unavailable } from '../errors.js';
import { roles, type Role } from './types.js';

/** An OIDC issuer whose ID or access tokens are accepted as Bearer tokens. */
export interface OidcSettings {
  issuer: string;
  audience: string;
  /** Where the signing keys are; by default the issuer's discovery document says. */
  jwksUrl?: string;
  /** The claim that names the user (default `preferred_username`, then `email`, then `sub`). */
  userClaim?: string;
  /** The claim that lists the user's groups (default `groups`). */
  groupsClaim?: string;
  /** Group → role; the strongest role of any of the user's groups wins, `none` when no group matches. */
  roleOfGroup: Readonly<Record<string, Role>>;
}

/** The verified identity a JWT carries. */
export interface OidcIdentity {
  name: string;
  role: Role;
}

/** THREADLINE_OIDC_*: undefined when no issuer is set. */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OidcSettings | undefined {
  const issuer = env.THREADLINE_OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  const audience = env.THREADLINE_OIDC_AUDIENCE?.trim();
  if (!audience) throw invalidArgument('THREADLINE_OIDC_ISSUER is set but THREADLINE_OIDC_AUDIENCE is not: tokens for other clients of the issuer would be accepted');
  const roleOfGroup: Record<string, Role> = {};
  for (const role of ['viewer', 'editor', 'admin'] as const) {
    for (const group of (env[`THREADLINE_OIDC_${role.toUpperCase()}_GROUPS`] ?? '').split(',').map((g) => g.trim()).filter(Boolean)) roleOfGroup[group] = role;
  }
  return { issuer, audience, jwksUrl: env.THREADLINE_OIDC_JWKS_URL?.trim() || undefined, userClaim: env.THREADLINE_OIDC_USER_CLAIM?.trim() || undefined, groupsClaim: env.THREADLINE_OIDC_GROUPS_CLAIM?.trim() || undefined, roleOfGroup };
}

/** Checks JWTs against the issuer's keys (fetched once, cached, refetched for an unknown key id). */
export class OidcVerifier {
  private keys?: ReturnType<typeof createRemoteJWKSet>;

  constructor(readonly settings: OidcSettings) {}

  /** Whether a Bearer credential looks like a JWT rather than one of our tokens. */
  static looksLikeJwt(credential: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(credential);
  }

  async verify(token: string): Promise<OidcIdentity> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), { issuer: this.settings.issuer, audience: this.settings.audience, clockTolerance: 30 }));
    } catch (error) {
      throw unauthenticated(`the bearer token was not accepted: ${(error as Error).message}`);
    }
    const name = this.nameOf(payload);
    if (!name) throw unauthenticated('the bearer token names no user');
    return { name, role: this.roleOf(payload) };
  }

  private nameOf(payload: JWTPayload): string | undefined {
    const claims = this.settings.userClaim ? [this.settings.userClaim] : ['preferred_username', 'email', 'sub'];
    for (const claim of claims) {
      const value = payload[claim];
      if (typeof value === 'string' && value !== '') return value;
    }
    return undefined;
  }

  private roleOf(payload: JWTPayload): Role {
    const groups = payload[this.settings.groupsClaim ?? 'groups'];
    let best: Role = 'none';
    for (const group of Array.isArray(groups) ? groups : []) {
      const role = typeof group === 'string' ? this.settings.roleOfGroup[group] : undefined;
      if (role && roles.indexOf(role) > roles.indexOf(best)) best = role;
    }
    return best;
  }

  private async keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.keys) return this.keys;
    const url = this.settings.jwksUrl ?? (await this.discoverJwksUrl());
    this.keys = createRemoteJWKSet(new URL(url), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5000 });
    return this.keys;
  }

  private async discoverJwksUrl(): Promise<string> {
    const where = `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    try {
      const response = await fetch(where, { signal: AbortSignal.timeout(5000) });
      const document = (await response.json()) as { jwks_uri?: unknown };
      if (!response.ok || typeof document.jwks_uri !== 'string') throw new Error(`HTTP ${response.status}, no jwks_uri`);
      return document.jwks_uri;
    } catch (error) {
      throw unavailable(`cannot read the OIDC issuer's discovery document ${where}: ${(error as Error).message}`);
    }
  }
}
