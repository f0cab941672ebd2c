import os from 'node:os';
import type { Command } from 'commander';
import { invalidArgument } from '../../errors.js';
import type { IdentityApi } from '../../identity/api.js';
import { permissions, resourceTypes, roles, scopes, type Permission, type ResourceType, type Role, type Scope } from '../../identity/types.js';
import { parseDuration } from '../../duration.js';
import { withBackend } from '../backend.js';
import { removeCredential, saveCredential } from '../credentials.js';
import { loadConfig } from '../../config.js';
import { formatTime, printJson, printLine, printTable, progress } from '../output.js';

/** The identity part of the backend's API: the server's (with the caller's token) or the store's. */
function withIdentity<T>(work: (identity: IdentityApi) => Promise<T>): Promise<T> {
  return withBackend((backend) => work(backend.api));
}

/** A secret from stdin (a pipe or a typed line): never a flag, which `ps` and shell history would keep. */
async function readSecret(what: string): Promise<string> {
  if (process.stdin.isTTY) progress(`${what} (then Enter):`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (process.stdin.isTTY && Buffer.concat(chunks).includes(10)) break;
  }
  const secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (secret === '') throw invalidArgument(`no ${what} on stdin`);
  return secret;
}

function oneOf<T extends string>(list: readonly T[], value: string, flag: string): T {
  if (!(list as readonly string[]).includes(value)) throw invalidArgument(`${flag} takes one of ${list.join(', ')}, got '${value}'`);
  return value as T;
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('people and service accounts, and their roles');
  users
    .command('list')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) =>
      withIdentity(async (identity) => {
        const rows = await identity.listPrincipals();
        if (opts.json) return printJson(rows);
        printTable([['NAME', 'KIND', 'ROLE', 'SOURCE', 'CREATED', 'DISABLED'], ...rows.map((p) => [p.name, p.kind, p.role, p.source, formatTime(p.createdAt), p.disabled ? 'yes' : ''])]);
      }),
    );
  users
    .command('create')
    .argument('<name>')
    .option('--role <role>', `one of ${roles.join(', ')}`, 'viewer')
    .option('--service', 'a service account: tokens only, no password')
    .option('--password-stdin', 'read a password from stdin (at least 12 characters)')
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { role: string; service?: boolean; passwordStdin?: boolean; json?: boolean }) => {
      const role = oneOf(roles, opts.role, '--role');
      const password = opts.passwordStdin ? await readSecret('password') : undefined;
      await withIdentity(async (identity) => {
        const principal = await identity.createPrincipal({ name, role, kind: opts.service ? 'service' : 'user', password });
        if (opts.json) return printJson(principal);
        printLine(principal.name);
      });
    });
  users
    .command('set')
    .argument('<name>')
    .option('--role <role>', `one of ${roles.join(', ')}`)
    .option('--disable', 'refuse its password and tokens from now on')
    .option('--enable', 'accept them again')
    .option('--password-stdin', 'read a new password from stdin')
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { role?: string; disable?: boolean; enable?: boolean; passwordStdin?: boolean; json?: boolean }) => {
      const role: Role | undefined = opts.role === undefined ? undefined : oneOf(roles, opts.role, '--role');
      const password = opts.passwordStdin ? await readSecret('password') : undefined;
      await withIdentity(async (identity) => {
        const p = await identity.updatePrincipal(name, { role, disabled: opts.disable ? true : opts.enable ? false : undefined, password });
        if (opts.json) return printJson(p);
        printLine(`${p.name} ${p.role}${p.disabled ? ' (disabled)' : ''}`);
      });
    });
}

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('API tokens: for CI (THREADLINE_TOKEN) and MLflow clients (MLFLOW_TRACKING_TOKEN)');
  tokens
    .command('create')
    .argument('<name>', 'what the token is for (github-ci, laptop)')
    .option('--for <principal>', 'a token of another principal (admins)')
    .option('--scope <scope...>', `any of ${scopes.join(', ')}`)
    .option('--expires <duration>', 'lifetime: 30d, 12h; none: until revoked')
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { for?: string; scope?: string[]; expires?: string; json?: boolean }) => {
      const chosen: Scope[] | undefined = opts.scope?.map((s) => oneOf(scopes, s, '--scope'));
      const expiresInMs = opts.expires === undefined ? undefined : parseDuration(opts.expires, '--expires');
      await withIdentity(async (identity) => {
        const created = await identity.createToken({ name, principal: opts.for, scopes: chosen, expiresInMs });
        if (opts.json) return printJson(created);
        progress(`token ${created.id} for ${created.principal} (${created.scopes.join(', ')}): shown once, store it now`);
        printLine(created.token);
      });
    });
  tokens
    .command('list')
    .option('--for <principal>', "another principal's tokens (admins)")
    .option('--json', 'JSON output')
    .action(async (opts: { for?: string; json?: boolean }) =>
      withIdentity(async (identity) => {
        const rows = await identity.listTokens(opts.for);
        if (opts.json) return printJson(rows);
        printTable([
          ['ID', 'PRINCIPAL', 'NAME', 'PREFIX', 'SCOPES', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'],
          ...rows.map((t) => [t.id, t.principal, t.name, `${t.prefix}…`, t.scopes.join(','), formatTime(t.createdAt), formatTime(t.expiresAt), formatTime(t.lastUsedAt), formatTime(t.revokedAt)]),
        ]);
      }),
    );
  tokens
    .command('revoke')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { json?: boolean }) =>
      withIdentity(async (identity) => {
        await identity.revokeToken(id);
        if (opts.json) return printJson({ revoked: id });
        printLine(`revoked ${id}`);
      }),
    );
}

export function registerGrants(program: Command): void {
  const grants = program.command('grants').description('READ, EDIT or MANAGE on one experiment (by id), model or environment, beyond a role');
  grants
    .command('list')
    .argument('<principal>')
    .option('--json', 'JSON output')
    .action(async (principal: string, opts: { json?: boolean }) =>
      withIdentity(async (identity) => {
        const rows = await identity.listGrants(principal);
        if (opts.json) return printJson(rows);
        printTable([['TYPE', 'RESOURCE', 'PERMISSION', 'GRANTED'], ...rows.map((g) => [g.resourceType, g.resourceName, g.permission, formatTime(g.grantedAt)])]);
      }),
    );
  grants
    .command('set')
    .argument('<principal>')
    .argument('<type>', resourceTypes.join(' | '))
    .argument('<resource>')
    .argument('<permission>', permissions.join(' | '))
    .option('--json', 'JSON output')
    .action(async (principal: string, type: string, resource: string, permission: string, opts: { json?: boolean }) =>
      withIdentity(async (identity) => {
        const grant = await identity.grant({ principal, resourceType: oneOf(resourceTypes, type, 'TYPE') as ResourceType, resourceName: resource, permission: oneOf(permissions, permission.toUpperCase(), 'PERMISSION') as Permission });
        if (opts.json) return printJson(grant);
        printLine(`${grant.principal} ${grant.permission} ${grant.resourceType} ${grant.resourceName}`);
      }),
    );
  grants
    .command('revoke')
    .argument('<principal>')
    .argument('<type>')
    .argument('<resource>')
    .option('--json', 'JSON output')
    .action(async (principal: string, type: string, resource: string, opts: { json?: boolean }) =>
      withIdentity(async (identity) => {
        await identity.revokeGrant(principal, oneOf(resourceTypes, type, 'TYPE'), resource);
        if (opts.json) return printJson({ revoked: { principal, type, resource } });
        printLine(`revoked ${principal}'s grant on ${type} ${resource}`);
      }),
    );
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit log: who changed what, when, from what (admins)');
  audit
    .command('list')
    .option('--actor <name>', 'only changes by this principal')
    .option('--action <action>', 'only this action (alias.set, deployment.deploy, token.create, …)')
    .option('--subject <type:id>', 'only changes to this (model_alias:reco@champion, deployment:prod#3)')
    .option('--since <time>', 'a duration back from now (30m, 1d) or an ISO time')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'JSON output')
    .action(async (opts: { actor?: string; action?: string; subject?: string; since?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw invalidArgument(`--limit takes a positive whole number, got '${opts.limit}'`);
      const colon = opts.subject?.indexOf(':') ?? -1;
      if (opts.subject !== undefined && colon <= 0) throw invalidArgument(`--subject takes TYPE:ID, got '${opts.subject}'`);
      await withIdentity(async (identity) => {
        const rows = await identity.listAudit({ actor: opts.actor, action: opts.action, subjectType: opts.subject?.slice(0, colon), subjectId: opts.subject?.slice(colon + 1), since: opts.since, limit });
        if (opts.json) return printJson(rows);
        if (rows.length === 0) return printLine('no audit records');
        printTable([
          ['TIME', 'ACTOR', 'ACTION', 'SUBJECT', 'FROM', 'TO', 'REQUEST'],
          ...rows.map((r) => [formatTime(r.time), r.actor, r.action, `${r.subjectType}:${r.subjectId}`, r.before === null ? '-' : JSON.stringify(r.before), r.after === null ? '-' : JSON.stringify(r.after), r.requestId ?? '-']),
        ]);
      });
    });
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('sign in to the server at THREADLINE_URL: a token is made for this machine and kept in ~/.config/threadline/credentials.json (mode 0600)')
    .option('--username <name>', 'sign in with this user and a password read from stdin')
    .option('--token-stdin', 'store a token read from stdin instead (made with `threadline tokens create`)')
    .option('--json', 'JSON output')
    .action(async (opts: { username?: string; tokenStdin?: boolean; json?: boolean }) => {
      const url = loadConfig().serverUrl;
      if (!url) throw invalidArgument('login needs a server: set THREADLINE_URL');
      const { ThreadlineClient } = await import('../../sdk/client.js');
      const { loginWithPassword } = await import('../../sdk/identity-client.js');
      let token: string;
      if (opts.tokenStdin) token = await readSecret('token');
      else if (opts.username) token = (await loginWithPassword(url, opts.username, await readSecret('password'), `cli@${os.hostname()}`)).token;
      else throw invalidArgument('login takes --username NAME (password on stdin) or --token-stdin');
      const client = new ThreadlineClient(url, { token });
      try {
        const me = await client.whoami();
        saveCredential(url, { token, principal: me.principal, createdAt: Date.now() });
        if (opts.json) return printJson({ url, principal: me.principal, role: me.role });
        printLine(`signed in to ${url} as ${me.principal} (${me.role})`);
      } finally {
        await client.close();
      }
    });
  program
    .command('logout')
    .description('forget the token stored for THREADLINE_URL (revoke it on the server with `threadline tokens revoke`)')
    .option('--json', 'JSON output')
    .action((opts: { json?: boolean }) => {
      const url = loadConfig().serverUrl;
      if (!url) throw invalidArgument('logout needs a server: set THREADLINE_URL');
      const removed = removeCredential(url);
      if (opts.json) return printJson({ url, signedOut: removed !== undefined });
      printLine(removed ? `signed out of ${url} (was ${removed.principal})` : `not signed in to ${url}`);
    });
}
