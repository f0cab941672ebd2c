import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { ImageRecord } from '../../release/image-types.js';
import { buildImage, dockerfileFor, writeContext, type ImageDeps } from '../../release/image/index.js';
import { buildEpochSeconds } from '../../release/image/metadata.js';
import { packageRootOf } from '../../release/image/self/package-files.js';
import { buildSelfImage } from '../../release/image/self/self-image.js';
import { loadConfig } from '../../config.js';
import { fileURLToPath } from 'node:url';
import type { ThreadlineApi } from '../../contract.js';
import { withBackend } from '../backend.js';
import { formatTime, printJson, printLine, printTable, progress } from '../output.js';

export function registerImage(program: Command): void {
  const image = program.command('image').description('OCI images of model versions: build (no Docker needed), push, record, list, show');

  image
    .command('build')
    .description('build an OCI image of a model version in an OCI layout; prints REPOSITORY@DIGEST')
    .argument('<model>', 'NAME@ALIAS or NAME/VERSION')
    .requiredOption('--repository <repo>', 'REGISTRY/NAME, e.g. 127.0.0.1:5000/reco')
    .option('--base <ref>', 'base image pulled from its registry, e.g. REGISTRY/node:20-slim')
    .option('--tag <tag>', 'tag (default run-<run id>)')
    .option('--push', 'push to the registry (OCI distribution API)')
    .option('--insecure-registry', 'talk plain http to the registries')
    .option('--layout <dir>', 'OCI layout folder (default $THREADLINE_HOME/images/<name>-<tag>)')
    .option('--json', 'JSON output')
    .action(async (model: string, opts: { repository: string; base?: string; tag?: string; push?: boolean; insecureRegistry?: boolean; layout?: string; json?: boolean }) => {
      await withImages(async (deps) => {
        const built = await buildImage(deps, { model, repository: opts.repository, base: opts.base, tag: opts.tag, push: opts.push, insecureRegistry: opts.insecureRegistry, layoutDir: opts.layout });
        progress(`built ${built.modelName}/${built.modelVersion} in ${built.layoutPath} (tag ${built.tag})${built.pushed && opts.push ? ', pushed' : ''}`);
        if (opts.json) return printJson(built);
        printLine(built.reference);
      });
    });

  image
    .command('record')
    .description("record an image built elsewhere as carrying a model version")
    .argument('<reference>', 'REPOSITORY[:TAG]@sha256:<digest>')
    .requiredOption('--model <model>', 'NAME/VERSION (or NAME@ALIAS)')
    .option('--json', 'JSON output')
    .action(async (reference: string, opts: { model: string; json?: boolean }) => {
      await withImages(async (deps) => {
        const recorded = await deps.api.recordImage({ reference, model: opts.model });
        if (opts.json) return printJson(recorded);
        printLine(recorded.reference);
      });
    });

  image
    .command('dockerfile')
    .description('a Dockerfile equivalent to image build, for your own build engine')
    .argument('<model>', 'NAME@ALIAS or NAME/VERSION')
    .option('-o, --output <file>', 'write it to FILE instead of stdout')
    .option('--context <dir>', 'also write the build context there: model/ and serve.sh')
    .option('--base <ref>', 'FROM image', 'node:20-slim')
    .option('--json', 'JSON output: {model, version, dockerfile, output, context}')
    .action(async (model: string, opts: { output?: string; context?: string; base: string; json?: boolean }) => {
      await withImages(async (deps) => {
        const version = await deps.api.resolveModel(model);
        const run = version.runId ? await deps.api.getRun(version.runId) : undefined;
        const text = dockerfileFor(version, run, new Date(buildEpochSeconds(version) * 1000).toISOString(), opts.base);
        if (opts.context) await writeContext(deps, version, run, opts.context);
        if (opts.output) {
          await fs.mkdir(path.dirname(path.resolve(opts.output)), { recursive: true });
          await fs.writeFile(opts.output, text);
        }
        if (opts.json) return printJson({ model: version.name, version: version.version, dockerfile: text, output: opts.output ?? null, context: opts.context ?? null });
        if (!opts.output) return void process.stdout.write(text);
        printLine(opts.output);
      });
    });

  image
    .command('list')
    .description('recorded images, newest first')
    .option('--model <name>', 'only images of this model')
    .option('--json', 'JSON output')
    .action(async (opts: { model?: string; json?: boolean }) => {
      await withImages(async (deps) => {
        const images = await deps.api.listImages(opts.model ? { modelName: opts.model } : {});
        if (opts.json) return printJson(images);
        printTable([['CREATED', 'MODEL', 'TAG', 'PUSHED', 'REFERENCE'], ...images.map(row)]);
      });
    });

  image
    .command('self')
    .description('build an OCI image of this Threadline (server, proxy, observer, and the base of model images) on a Debian base made with debootstrap; prints REPOSITORY@DIGEST')
    .requiredOption('--repository <repo>', 'REGISTRY/NAME, e.g. 127.0.0.1:5000/threadline')
    .option('--tag <tag>', 'tag (default v<version>)')
    .option('--rootfs <dir>', 'a Debian root filesystem made before (default: debootstrap one, cached under the temp folder; needs root)')
    .option('--mirror <url>', 'the Debian mirror debootstrap uses', 'http://deb.debian.org/debian')
    .option('--push', 'push to the registry (OCI distribution API)')
    .option('--insecure-registry', 'talk plain http to the registry')
    .option('--layout <dir>', 'OCI layout folder (default $THREADLINE_HOME/images/threadline-self-<tag>)')
    .option('--json', 'JSON output')
    .action(async (opts: { repository: string; tag?: string; rootfs?: string; mirror: string; push?: boolean; insecureRegistry?: boolean; layout?: string; json?: boolean }) => {
      // No store involved: the image holds the installed package, built where this command runs.
      const packageRoot = packageRootOf(fileURLToPath(import.meta.url));
      const built = await buildSelfImage({ packageRoot, home: loadConfig().home }, { repository: opts.repository, tag: opts.tag, rootfs: opts.rootfs, mirror: opts.mirror, push: opts.push, insecureRegistry: opts.insecureRegistry, layoutDir: opts.layout });
      progress(`built Threadline ${built.tag} in ${built.layoutPath}${built.pushed ? ', pushed' : ''}`);
      if (opts.json) return printJson(built);
      printLine(built.reference);
    });

  image
    .command('show')
    .description('one recorded image: what it carries, its run, commit and labels')
    .argument('<image>', 'REPOSITORY@sha256:<digest> or sha256:<digest>')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withImages(async ({ api }) => {
        const image = await api.getImage(id);
        if (opts.json) return printJson(image);
        printImage(image);
      });
    });
}

function printImage(i: ImageRecord): void {
  printLine(`image      ${i.reference}`);
  printLine(`tag        ${i.tag ?? '-'}`);
  printLine(`model      ${i.modelName ? `${i.modelName}/${i.modelVersion}` : '-'}`);
  printLine(`run        ${i.runId ?? '-'}`);
  printLine(`git sha    ${i.gitSha ?? '-'}`);
  printLine(`pushed     ${i.pushed ? 'yes' : 'no'}`);
  printLine(`layout     ${i.layoutPath ?? '-'}`);
  printLine(`created    ${formatTime(i.createdAt)}`);
  for (const [key, value] of Object.entries(i.labels).sort()) printLine(`label      ${key}=${value}`);
}

function row(i: ImageRecord): string[] {
  return [formatTime(i.createdAt), i.modelName ? `${i.modelName}/${i.modelVersion}` : '-', i.tag ?? '-', i.pushed ? 'yes' : 'no', i.reference];
}

/** Images are built here (layouts under THREADLINE_HOME) and recorded through the api: embedded or a server. */
async function withImages(work: (deps: ImageDeps & { api: ThreadlineApi }) => Promise<void>): Promise<void> {
  await withBackend(async ({ api, config }) => work({ api, home: config.home }));
}
