import fs from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Flag } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { imageUser, installDir, selfPorts } from '../src/release/image/self/self-image.js';
import { repoRoot } from './cli.js';

interface Stage {
  name: string;
  from: string;
  workdir: string;
  /** Paths that exist in the stage: copied in, or made by its RUN steps. */
  made: Set<string>;
  instructions: { keyword: string; args: string[]; text: string }[];
}

/** What `npm ci` and `npm run build` make in the build's working folder. */
const buildOutputs = { 'npm ci': ['node_modules'], 'npm run build': [JSON.parse(fs.readFileSync(path.join(repoRoot, 'tsconfig.build.json'), 'utf8')).compilerOptions.outDir as string] };

function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    // Flags (`--from=build`) as arguments, the way they are written.
    const flags = 'getFlags' in instruction ? (instruction.getFlags as () => Flag[])().map((f) => `--${f.getName()}=${f.getValue() ?? ''}`) : [];
    const args = [...flags, ...instruction.getArguments().map((a) => a.getValue())];
    if (keyword === 'FROM') {
      stages.push({ from: args[0]!, name: args[2] ?? String(stages.length), workdir: '/', made: new Set(), instructions: [] });
      continue;
    }
    const stage = stages.at(-1)!;
    const text = instruction.getArgumentsContent() ?? '';
    stage.instructions.push({ keyword, args, text });
    if (keyword === 'WORKDIR') stage.workdir = path.posix.resolve(stage.workdir, args[0]!);
    if (keyword === 'RUN') for (const [command, outputs] of Object.entries(buildOutputs)) if (text.includes(command)) for (const o of outputs) stage.made.add(path.posix.join(stage.workdir, o));
    if (keyword === 'COPY') {
      // Docker's rules: a folder's contents go into the target; a file into a target ending in '/'.
      const plain = args.filter((a) => !a.startsWith('--'));
      const dest = plain.at(-1)!;
      const target = path.posix.resolve(stage.workdir, dest);
      for (const source of plain.slice(0, -1)) stage.made.add(source.endsWith('/') || !dest.endsWith('/') ? target : path.posix.join(target, path.posix.basename(source)));
    }
  }
  return stages;
}

/** Every way the Dockerfile disagrees with the repository and with `threadline image self`. */
function dockerfileProblems(text: string, contextRoot: string): string[] {
  const problems: string[] = [];
  const stages = stagesOf(text);
  if (stages.length < 2) problems.push('a multi-stage build: dependencies and the build apart from what runs');
  for (const stage of stages) {
    if (!/^node:20(\.\d+)*-(bookworm-|trixie-)?slim$|^debian:/.test(stage.from)) problems.push(`stage ${stage.name}: FROM ${stage.from} is not node:20 slim or Debian`);
    for (const { keyword, args } of stage.instructions.filter((i) => i.keyword === 'COPY')) {
      const from = args.find((a) => a.startsWith('--from='))?.slice('--from='.length);
      const sources = args.filter((a) => !a.startsWith('--')).slice(0, -1);
      if (!from) {
        for (const source of sources) if (!fs.existsSync(path.join(contextRoot, source))) problems.push(`stage ${stage.name}: ${keyword} ${source}: not in the build context`);
        continue;
      }
      const earlier = stages.slice(0, stages.indexOf(stage)).find((s) => s.name === from);
      if (!earlier) {
        problems.push(`stage ${stage.name}: --from=${from} names no earlier stage`);
        continue;
      }
      for (const source of sources) {
        const wanted = source.replace(/\/$/, '');
        if (![...earlier.made].some((made) => wanted === made.replace(/\/$/, '') || wanted.startsWith(`${made.replace(/\/$/, '')}/`))) problems.push(`stage ${stage.name}: ${source} is not made in stage ${from}`);
      }
    }
  }
  const build = stages.find((s) => s.instructions.some((i) => i.keyword === 'RUN' && i.text.includes('npm ci')));
  if (!build) problems.push('no stage installs with npm ci (package-lock.json)');
  const last = stages.at(-1);
  if (!last) return problems;
  const final = (keyword: string) => last.instructions.filter((i) => i.keyword === keyword).at(-1);
  const user = final('USER')?.args[0] ?? '0';
  if (user !== `${imageUser.uid}:${imageUser.gid}` && user !== String(imageUser.uid)) problems.push(`USER ${user}: not the image's non-root user ${imageUser.uid}`);
  const entrypoint = final('ENTRYPOINT')?.text.trim();
  if (entrypoint !== '["threadline"]') problems.push(`ENTRYPOINT ${entrypoint ?? '(none)'}: must be ["threadline"], exec form`);
  if (last.workdir !== imageUser.home) problems.push(`final WORKDIR ${last.workdir}: not ${imageUser.home}`);
  const links = last.instructions.some((i) => i.keyword === 'RUN' && i.text.includes(`ln -s /${installDir}/dist/cli/main.js /usr/local/bin/threadline`));
  if (!links || !last.made.has(`/${installDir}/dist`)) problems.push(`threadline is not on the PATH: /usr/local/bin/threadline → /${installDir}/dist/cli/main.js`);
  const env = final('ENV')?.text ?? '';
  if (!env.includes(`THREADLINE_HOME=${imageUser.home}/.threadline`)) problems.push('ENV THREADLINE_HOME differs from `threadline image self`');
  const exposed = last.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args).map(Number).sort();
  if (exposed.join() !== Object.values(selfPorts).sort().join()) problems.push(`EXPOSE ${exposed.join(' ')}: the server listens on ${selfPorts.server}, the proxy on ${selfPorts.proxy}`);
  return problems;
}

const dockerfile = fs.readFileSync(path.join(repoRoot, 'deploy/Dockerfile'), 'utf8');

describe('deploy/Dockerfile', () => {
  it('builds in one stage and runs in another, copies what exists, runs `threadline` as the non-root user', () => {
    expect(dockerfileProblems(dockerfile, repoRoot)).toEqual([]);
    const stages = stagesOf(dockerfile);
    expect(stages.map((s) => [s.name, s.from])).toEqual([['build', 'node:20-bookworm-slim'], ['runtime', 'node:20-bookworm-slim']]);
    // The CLI the symlink points at is the one package.json names as its bin.
    expect((JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.threadline).toBe('dist/cli/main.js');
    expect(fs.readFileSync(path.join(repoRoot, 'src/cli/main.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('fails on a source missing from the context, a stage that is not there, root, a shell-form entrypoint', () => {
    const broken = dockerfile
      .replace('COPY scripts/bundle-cli.mjs scripts/', 'COPY scripts/bundle.mjs scripts/')
      .replace('COPY --from=build /src/dist/ dist/', 'COPY --from=builder /src/dist/ dist/')
      .replace('COPY --from=build /src/node_modules/ node_modules/', 'COPY --from=build /src/web/ web/')
      .replace('USER 10001:10001', 'USER root')
      .replace('ENTRYPOINT ["threadline"]', 'ENTRYPOINT threadline')
      .replace('EXPOSE 5000 8080', 'EXPOSE 5000');
    expect(dockerfileProblems(broken, repoRoot)).toEqual([
      'stage build: COPY scripts/bundle.mjs: not in the build context',
      'stage runtime: --from=builder names no earlier stage',
      'stage runtime: /src/web/ is not made in stage build',
      "USER root: not the image's non-root user 10001",
      'ENTRYPOINT threadline: must be ["threadline"], exec form',
      'EXPOSE 5000: the server listens on 5000, the proxy on 8080',
    ]);
    expect(dockerfileProblems(dockerfile.replace(' && ln -s /opt/threadline/dist/cli/main.js /usr/local/bin/threadline', ''), repoRoot)).toEqual(['threadline is not on the PATH: /usr/local/bin/threadline → /opt/threadline/dist/cli/main.js']);
    expect(dockerfileProblems(dockerfile.replace(/^FROM node:20-bookworm-slim AS runtime$/m, 'FROM ubuntu:24.04 AS runtime'), repoRoot)).toEqual(['stage runtime: FROM ubuntu:24.04 is not node:20 slim or Debian']);
  });
});
