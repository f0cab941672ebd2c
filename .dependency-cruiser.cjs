// @ts-check
/**
 * The layering of DESIGN.md ("Modules"), checked by `npm run depcheck` (scripts/test.sh runs it
 * before the tests): the shell (src/api, src/cli) → domain modules → src/store, src/artifacts →
 * nothing of ours; no cycles; the pure modules import no I/O; nothing imports the shell but the
 * entry points. Type-only imports count: a type is a dependency too. Tests and test helpers
 * (`*.test.ts`, `testing.ts`, test/, bench/) are not cruised.
 *
 * Domain folders are ranked in `layers`: a folder imports only folders of LOWER layers, so no two
 * domains can form a cycle. A new dependency between two folders of one layer (or upward) fails:
 * move the imported folder down a layer when that forms no cycle, else the code is in the wrong
 * folder. `known` lists today's violations, each a temporary exception naming the issue point that
 * removes it; anything else that breaks a rule fails the check, so no new violation can land.
 */

/** Modules of ours that every layer may use: the error type, ids, durations, the configuration, a pid check, progress, percent-decoding and artifact paths. */
const kernel = '^src/(errors|ids|duration|config|process-exists|progress|percent|artifact-path)\\.ts$';
const shell = ['^src/(api|cli)/', '^src/(index|context)\\.ts$'];
const lower = '^src/(store|artifacts)/';

/** Domain folders, bottom first. The persistence layer is first; the SDK (a client that shares the domains' types) is last. */
const layers = [
  ['store', 'artifacts'],
  // Identity (principals, permissions, the audit log) is below every domain that records who did what.
  ['stats', 'capture', 'lineage', 'identity'],
  // Events are used by alerts, observers, validate and the server; drift scoring by observers and `threadline drift`.
  ['tracking', 'events', 'drift'],
  // What MLflow clients send, as tracking's entities; below registry so MLflow 3 logged models can use it.
  // The validation service records the data version it checked (tracking) and an event about it.
  ['ingest-mlflow', 'validate'],
  ['registry', 'openlineage'],
  ['serving', 'release'],
  ['observe'],
  ['alerts', 'reproduce'],
  ['sdk'],
];

/** Node built-ins and packages that do I/O: the pure modules import none of them. */
const io = [
  '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|dns|tls|worker_threads|cluster|readline|os)$',
  // Packages resolve to their files under node_modules/.
  '^(node_modules/)?(pg|better-sqlite3|kysely|undici|@duckdb/node-api|@aws-sdk/|nodemailer|onnxruntime-node|prom-client|fastify)(/|$)',
];

/**
 * The files of src/validate that do I/O: the DuckDB engine that computes a suite's facts, and the
 * service and store that record results. Suites, their evaluation and their facts stay pure.
 */
const validateIo = '^src/validate/(duckdb-facts|validation-service|validation-store)\\.ts$';

/**
 * Known violations, to be removed by the issue point each names: rule, the importing file or
 * folder (a path prefix), the imported ones (path prefixes), and why.
 * @type {{ rule: string, from: string, to: string[], why: string }[]}
 */
const known = [];

const escape = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A path prefix as a pattern: a file matches itself, a folder or name prefix everything under it. */
const prefix = (/** @type {string} */ p) => `^${escape(p)}`;
const asList = (/** @type {string | string[] | undefined} */ p) => (p === undefined ? [] : Array.isArray(p) ? p : [p]);

/**
 * A rule, split so that its known exceptions do not match: one rule for every other source, and
 * one per excepted source (inside the rule's scope) that leaves out its excepted targets.
 * @param {any} rule
 * @returns {any[]}
 */
function withKnown(rule) {
  const inScope = (/** @type {string} */ file) =>
    asList(rule.from.path).every((p) => new RegExp(p).test(file)) && !asList(rule.from.pathNot).some((p) => new RegExp(p).test(file));
  const exceptions = known.filter((k) => k.rule === rule.name && inScope(k.from));
  if (exceptions.length === 0) return [rule];
  const rules = [{ ...rule, from: { ...rule.from, pathNot: [...asList(rule.from.pathNot), ...exceptions.map((k) => prefix(k.from))] } }];
  for (const k of exceptions) {
    rules.push({
      ...rule,
      comment: `${rule.comment} Known exception: ${k.why}.`,
      from: { ...rule.from, path: prefix(k.from) },
      to: { ...rule.to, pathNot: [...asList(rule.to.pathNot), ...k.to.map(prefix)] },
    });
  }
  return rules;
}

/** One rule per domain folder: it may not import a folder of its own layer or above. */
const layerRules = layers.flatMap((layer, rank) =>
  layer.flatMap((folder) => {
    const notBelow = layers.slice(rank).flat().filter((f) => f !== folder);
    return withKnown({
      name: 'layers',
      comment: `src/${folder} (layer ${rank}) imports only the layers below it: not ${notBelow.join(', ')}.`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: `^src/(${notBelow.join('|')})/` },
    });
  }),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...withKnown({
      name: 'no-cycles',
      comment: 'Dependencies point one way: no module reaches itself again through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    }),
    ...layerRules,
    ...withKnown({
      name: 'shell-only-from-entry-points',
      comment:
        'Nothing imports the shell (src/api, src/cli, the app context) but the entry points (src/cli/main.ts, src/index.ts) and tests; ' +
        'the CLI may start the API (`threadline server`, `threadline run`).',
      severity: 'error',
      from: { path: '^src/', pathNot: shell },
      to: { path: ['^src/(api|cli)/', '^src/index\\.ts$'] },
    }),
    ...withKnown({
      name: 'no-app-context-below-the-shell',
      comment: 'src/context.ts builds the services for the shell; domain code takes narrow dependencies instead.',
      severity: 'error',
      from: { path: '^src/', pathNot: shell },
      to: { path: '^src/context\\.ts$' },
    }),
    ...withKnown({
      name: 'domains-take-their-part-of-the-contract',
      comment: 'src/contract.ts composes the ThreadlineApi for the shell and the SDK; a domain declares its part (its api.ts) and takes what it needs of the others.',
      severity: 'error',
      from: { path: '^src/', pathNot: [...shell, '^src/sdk/'] },
      to: { path: '^src/contract\\.ts$' },
    }),
    ...withKnown({
      name: 'store-and-artifacts-import-no-domain',
      comment: 'src/store and src/artifacts are the bottom layer: they import only each other and the kernel.',
      severity: 'error',
      from: { path: lower },
      to: { path: '^src/', pathNot: [lower, kernel] },
    }),
    ...withKnown({
      name: 'kernel-imports-nothing-of-ours',
      comment: 'errors, ids, durations and the configuration are used by every layer, so they use none.',
      severity: 'error',
      from: { path: kernel },
      to: { path: '^src/', pathNot: kernel },
    }),
    ...withKnown({
      name: 'pure-modules-import-no-io',
      comment: 'src/stats and the suites of src/validate compute; they read and write nothing (the data engine is passed in).',
      severity: 'error',
      from: { path: '^src/(stats|validate)/', pathNot: validateIo },
      to: { path: [...io, lower, ...shell] },
    }),
    ...withKnown({
      name: 'sdk-has-no-server-code',
      comment: 'The SDK is an HTTP client: it may share types with the domains, never run their code.',
      severity: 'error',
      from: { path: '^src/sdk/' },
      to: { path: '^src/', pathNot: ['^src/sdk/', kernel], dependencyTypesNot: ['type-only'] },
    }),
    {
      name: 'no-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.test\\.ts$', '(^|/)testing\\.ts$', '^test/', '^bench/', '^dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
