import { isSecretName } from '../../src/capture/secret-names.js';
import { durationSetting } from '../../src/config.js';
import type { KubeObject } from './schemas.js';

/** What the manifests must agree with: facts of Threadline itself, gathered by the test. */
export interface Facts {
  /** Image repositories end in `/threadline` (or are `threadline`), tagged as `image self` tags. */
  imageTag: string;
  /** The image's user. */
  uid: number;
  /** Probe paths that the real server answered 200 on. */
  serverPaths: { live: string; ready: string };
  /** `--flag`s each command accepts, read from its --help. */
  flags: Record<string, string[]>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pod specs of rendered manifests
type Container = any;

const settingsKeepingSecrets = /^THREADLINE_DB_URL$/;

/** Every problem of the rendered objects against Threadline's facts; empty when all hold. */
export function semanticProblems(objects: KubeObject[], facts: Facts): string[] {
  const problems: string[] = [];
  const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
  for (const object of objects) {
    const name = `${object.kind}/${object.metadata.name}`;
    if (object.kind === 'Secret') problems.push(`${name}: secrets are created in the cluster, never kept in the manifests`);
    if (object.kind === 'ConfigMap') {
      for (const [key, value] of Object.entries(object.data ?? {})) {
        if (isSecretName(key) || settingsKeepingSecrets.test(key)) problems.push(`${name}: ${key} belongs in a Secret`);
        if (/:\/\/[^/\s:@]+:[^/\s@]+@/.test(value)) problems.push(`${name}: ${key} holds credentials in a URL`);
      }
    }
    if (object.kind !== 'Deployment') continue;
    const pod = object.spec.template.spec;
    const podLabels = object.spec.template.metadata.labels ?? {};
    if (!matches(object.spec.selector.matchLabels, podLabels)) problems.push(`${name}: its selector does not select its pods`);
    if (pod.securityContext?.runAsNonRoot !== true || pod.securityContext?.runAsUser !== facts.uid) problems.push(`${name}: pods must run as the image's user ${facts.uid}, non-root`);
    for (const container of pod.containers as Container[]) {
      const where = `${name} container ${container.name}`;
      const [repository, tag] = splitImage(container.image);
      if (!(repository === 'threadline' || repository.endsWith('/threadline')) || tag !== facts.imageTag) problems.push(`${where}: image ${container.image} is not Threadline's image (…/threadline:${facts.imageTag})`);
      const sc = container.securityContext ?? {};
      if (sc.readOnlyRootFilesystem !== true || sc.allowPrivilegeEscalation !== false || !sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: needs a read-only root, no privilege escalation, all capabilities dropped`);
      if (!container.resources?.requests?.cpu || !container.resources?.requests?.memory || !container.resources?.limits?.memory) problems.push(`${where}: needs cpu and memory requests and a memory limit`);
      for (const variable of container.env ?? []) {
        if ((isSecretName(variable.name) || settingsKeepingSecrets.test(variable.name)) && !variable.valueFrom?.secretKeyRef) problems.push(`${where}: ${variable.name} must come from a Secret (secretKeyRef)`);
      }
      const env = containerEnv(container, configMaps);
      const mounts = (container.volumeMounts ?? []).map((m: { mountPath: string }) => m.mountPath);
      for (const folder of [env.THREADLINE_HOME ?? '/home/threadline/.threadline', '/tmp']) {
        if (!mounts.some((m: string) => folder === m || folder.startsWith(`${m}/`))) problems.push(`${where}: ${folder} is on the read-only root: mount a volume there`);
      }
      problems.push(...commandProblems(where, container, facts, env));
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      const drain = durationSetting(env.THREADLINE_SHUTDOWN_GRACE ?? '25s', 'THREADLINE_SHUTDOWN_GRACE') / 1000 + (container.lifecycle?.preStop?.sleep?.seconds ?? 0);
      if (drain >= grace) problems.push(`${where}: preStop and THREADLINE_SHUTDOWN_GRACE (${drain}s) do not fit in terminationGracePeriodSeconds (${grace}s)`);
    }
    const component = podLabels['app.kubernetes.io/component'];
    if (component === 'server' || component === 'proxy') {
      if (!objects.some((o) => o.kind === 'PodDisruptionBudget' && matches(o.spec.selector.matchLabels, podLabels))) problems.push(`${name}: no PodDisruptionBudget covers its pods`);
      if ((object.spec.replicas ?? 1) < 2) problems.push(`${name}: one replica cannot survive a restart`);
    }
    if (component === 'observer' && (object.spec.replicas ?? 1) < 2) problems.push(`${name}: a second observer pod takes over the lease when one dies`);
  }
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    const pods = objects.filter((o) => o.kind === 'Deployment' && matches(service.spec.selector, o.spec.template.metadata.labels ?? {}));
    if (pods.length === 0) problems.push(`Service/${service.metadata.name}: selects no pods`);
    for (const port of service.spec.ports) {
      const named = pods.some((d) => (d.spec.template.spec.containers as Container[]).some((c) => (c.ports ?? []).some((p: { name: string; containerPort: number }) => p.name === port.targetPort || p.containerPort === port.targetPort)));
      if (!named) problems.push(`Service/${service.metadata.name}: targetPort ${port.targetPort} is no port of its pods`);
    }
  }
  return problems;
}

/** The arguments against the CLI: known flags, the listening port is the container's, probes on real endpoints. */
function commandProblems(where: string, container: Container, facts: Facts, env: Record<string, string>): string[] {
  const problems: string[] = [];
  const [command, ...args] = container.args as string[];
  const known = facts.flags[command!];
  if (!known) return [`${where}: '${command}' is not a threadline command of the image`];
  for (const arg of args) if (arg.startsWith('--') && !known.includes(arg)) problems.push(`${where}: threadline ${command} has no ${arg}`);
  const flag = (f: string) => (args.includes(f) ? args[args.indexOf(f) + 1] : undefined);
  const ports = (container.ports ?? []) as { name: string; containerPort: number }[];
  if (command === 'server' || command === 'proxy') {
    const port = Number(flag('--port') ?? (command === 'server' ? 5000 : 8080));
    if (!ports.some((p) => p.containerPort === port)) problems.push(`${where}: listens on ${port}, but declares ${ports.map((p) => p.containerPort).join(', ') || 'no port'}`);
    if (flag('--host') !== '0.0.0.0') problems.push(`${where}: must listen on 0.0.0.0 to be reached from outside the pod`);
    const resolvePort = (p: string | number) => (typeof p === 'number' ? p : ports.find((q) => q.name === p)?.containerPort);
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const probe = container[kind];
      if (!probe) {
        if (kind !== 'startupProbe') problems.push(`${where}: has no ${kind}`);
        continue;
      }
      const target = probe.httpGet ?? probe.tcpSocket;
      if (resolvePort(target.port) !== port) problems.push(`${where}: ${kind} checks port ${target.port}, not ${port}`);
      if (command === 'server') {
        const expected = kind === 'readinessProbe' ? facts.serverPaths.ready : facts.serverPaths.live;
        if (probe.httpGet?.path !== expected) problems.push(`${where}: ${kind} must GET ${expected}, got ${probe.httpGet?.path ?? 'no HTTP probe'}`);
      }
    }
    if (command === 'proxy' && !/\$\(THREADLINE_PROXY_UPSTREAM\)|^https?:\/\//.test(flag('--upstream') ?? '')) problems.push(`${where}: --upstream must name the model server`);
    if (command === 'proxy' && flag('--upstream') === '$(THREADLINE_PROXY_UPSTREAM)' && !(container.env ?? []).some((e: { name: string }) => e.name === 'THREADLINE_PROXY_UPSTREAM')) problems.push(`${where}: THREADLINE_PROXY_UPSTREAM is not set`);
  }
  if (!env.THREADLINE_DB_URL_FROM_SECRET) problems.push(`${where}: THREADLINE_DB_URL must come from a Secret`);
  return problems;
}

/** The container's settings: its ConfigMaps' data, then its env (a secret's presence marked). */
function containerEnv(container: Container, configMaps: KubeObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const map = configMaps.find((c) => c.metadata.name === source.configMapRef?.name);
    Object.assign(env, map?.data ?? {});
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    if (variable.name === 'THREADLINE_DB_URL' && variable.valueFrom?.secretKeyRef) env.THREADLINE_DB_URL_FROM_SECRET = variable.valueFrom.secretKeyRef.name;
  }
  return env;
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function splitImage(image: string): [string, string] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, 'latest'];
}
