import type { Environment } from '../capture/types.js';
import type { EnvironmentDifference } from './types.js';

/**
 * What differs between the recorded environment and the current one: OS, arch, runtimes,
 * lockfile digests, python packages, container image. Env var names are left out on purpose:
 * two shells never have the same ones, and they rarely change what a training run computes.
 */
export function diffEnvironments(recorded: Environment, current: Environment): EnvironmentDifference[] {
  const differences: EnvironmentDifference[] = [];
  const scalar = (field: string, before: string | null, after: string | null) => {
    if (before !== after) differences.push({ field, recorded: before, current: after });
  };
  scalar('os', recorded.os, current.os);
  scalar('os release', recorded.osRelease, current.osRelease);
  scalar('arch', recorded.arch, current.arch);
  scalar('container image', recorded.containerImageDigest, current.containerImageDigest);
  differences.push(...diffMaps('runtime', recorded.runtimes, current.runtimes));
  differences.push(...diffMaps('lockfile', byPath(recorded.lockfiles), byPath(current.lockfiles)));
  // Null means "no python found"; compare package lists only when both sides have one.
  if (recorded.pythonPackages && current.pythonPackages) {
    differences.push(...diffMaps('python package', packageVersions(recorded.pythonPackages), packageVersions(current.pythonPackages)));
  } else if (recorded.pythonPackages !== null || current.pythonPackages !== null) {
    scalar('python packages', recorded.pythonPackages ? `${recorded.pythonPackages.length} packages` : null, current.pythonPackages ? `${current.pythonPackages.length} packages` : null);
  }
  return differences;
}

function diffMaps(kind: string, before: Record<string, string>, after: Record<string, string>): EnvironmentDifference[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((key) => before[key] !== after[key])
    .map((key) => ({ field: `${kind} ${key}`, recorded: before[key] ?? null, current: after[key] ?? null }));
}

function byPath(lockfiles: Environment['lockfiles']): Record<string, string> {
  return Object.fromEntries(lockfiles.map((lock) => [lock.path, lock.digest]));
}

/** `numpy==2.1.0` → numpy: 2.1.0; editable and URL installs keep their whole line as the version. */
function packageVersions(lines: string[]): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const line of lines) {
    const match = /^([A-Za-z0-9_.-]+)\s*(?:==|@)\s*(.+)$/.exec(line.trim());
    if (match) versions[match[1]!.toLowerCase()] = match[2]!;
    else if (line.trim()) versions[line.trim()] = line.trim();
  }
  return versions;
}
