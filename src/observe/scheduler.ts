import type { ThreadlineConfig } from '../config.js';
import type { ObserverServices } from './services.js';
import { durationSetting } from '../config.js';
import { parseDuration } from '../duration.js';
import { leaseHolderId, LeaseStore } from '../store/lease-store.js';
import { invalidArgument, parseWith } from '../errors.js';
import type { ObserverAgent, ObserverContext } from './agent.js';
import { agents } from './agents.js';
import type { ObserverEvent } from '../events/types.js';
import type { ObserverEntry, ProjectFile } from './project-file.js';
import { healthKey, ObserverState, type ObserverHealth } from './state-store.js';

/** An observer from threadline.yaml, with its agent and checked settings. */
export interface PlannedObserver {
  entry: ObserverEntry;
  agent: ObserverAgent<unknown>;
  settings: unknown;
  intervalMs: number;
}

export interface PokeOutcome {
  observer: string;
  ok: boolean;
  error?: string;
  /** Not poked here: another process holds the observer's lease (and pokes it). */
  skipped?: string;
  events: ObserverEvent[];
  ms: number;
}

/** Checks every entry against its agent before anything runs: a typo fails the whole start. */
export function planObservers(project: ProjectFile, only?: string): PlannedObserver[] {
  const entries = project.observers.filter((e) => !only || e.stage === only || e.name === only);
  if (only && entries.length === 0) {
    throw invalidArgument(`no observer '${only}' in ${project.file ?? 'threadline.yaml (there is none)'}: configured are ${project.observers.map((e) => e.name).join(', ') || 'none'}`);
  }
  return entries.map((entry) => {
    const agent = agents[entry.stage];
    if (!agent) throw invalidArgument(`observe.${entry.stage}: no agent for this stage in this version`);
    const settings = parseWith(agent.settings, entry.settings, `${project.file}: observe ${entry.name} settings`);
    return { entry, agent, settings, intervalMs: parseDuration(entry.interval ?? agent.defaultInterval, `observe ${entry.name} interval`) };
  });
}

export interface SchedulerOptions {
  tl: ObserverServices;
  config: ThreadlineConfig;
  project: ProjectFile;
  log?: (message: string) => void;
  /** This process as a lease holder (default: host, pid and a random tail). */
  holder?: string;
  /** How long a lease lasts unrenewed: how soon another process takes over a dead holder's observers (THREADLINE_OBSERVER_LEASE, default 30s). */
  leaseMs?: number;
}

const defaultLeaseMs = 30_000;

function leaseSettings(options: SchedulerOptions): { leases: LeaseStore; holder: string; leaseMs: number } {
  const fromEnv = process.env.THREADLINE_OBSERVER_LEASE;
  const leaseMs = options.leaseMs ?? (fromEnv ? durationSetting(fromEnv, 'THREADLINE_OBSERVER_LEASE') : defaultLeaseMs);
  return { leases: new LeaseStore(options.tl.store.db), holder: options.holder ?? leaseHolderId(), leaseMs };
}

const leaseName = (observer: string) => `observer:${observer}`;

/** Pokes one observer, records its health, and never throws: a failing observer is an outcome. */
export async function pokeOnce(planned: PlannedObserver, options: SchedulerOptions, signal: AbortSignal): Promise<PokeOutcome> {
  const { tl, config, project } = options;
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const name = planned.entry.name;
  const state = new ObserverState(tl.store.db, name);
  const events: ObserverEvent[] = [];
  const ctx: ObserverContext = {
    name,
    tl,
    config,
    baseDir: project.baseDir,
    state,
    signal,
    log: (m) => log(`[${name}] ${m}`),
    async emit(input) {
      const event = await tl.events.record({ ...input, source: name });
      events.push(event);
      log(`[${name}] ${event.severity} ${event.kind}: ${event.summary}`);
      return event;
    },
  };
  const started = Date.now();
  const health = (await state.get<Omit<ObserverHealth, 'observer'>>(healthKey)) ?? { lastPoke: null, lastSuccess: null, lastError: null, lastErrorTime: null, pokes: 0, failures: 0, events: 0 };
  let error: string | undefined;
  try {
    await planned.agent.poke(ctx, planned.settings);
  } catch (e) {
    // Anything may be thrown (a string, null): each is a failed poke, never a crash or a success.
    error = (e instanceof Error ? e.message : String(e)) || 'failed without a message';
    log(`[${name}] failed: ${error}`);
  }
  const now = Date.now();
  await state.set(healthKey, {
    lastPoke: now,
    lastSuccess: error ? health.lastSuccess : now,
    lastError: error ?? health.lastError,
    lastErrorTime: error ? now : health.lastErrorTime,
    pokes: health.pokes + 1,
    failures: health.failures + (error ? 1 : 0),
    events: health.events + events.length,
  });
  return { observer: name, ok: !error, error, events, ms: now - started };
}

/**
 * `observe --once`: every planned observer once, in file order. An observer whose lease another
 * process holds is skipped (that process pokes it); the lease is given back after each poke.
 */
export async function runOnce(planned: PlannedObserver[], options: SchedulerOptions): Promise<PokeOutcome[]> {
  const { leases, holder, leaseMs } = leaseSettings(options);
  const outcomes: PokeOutcome[] = [];
  const signal = new AbortController().signal;
  for (const p of planned) {
    const name = leaseName(p.entry.name);
    if (!(await leases.acquire(name, holder, leaseMs))) {
      const lease = await leases.get(name);
      outcomes.push({ observer: p.entry.name, ok: true, skipped: `leased by ${lease?.holder ?? 'another process'}`, events: [], ms: 0 });
      continue;
    }
    try {
      outcomes.push(await withRenewal(() => pokeOnce(p, options, signal), () => leases.acquire(name, holder, leaseMs), leaseMs));
    } finally {
      await leases.release(name, holder);
    }
  }
  return outcomes;
}

/**
 * `observe`: each observer on its own interval (like Airflow's poke_interval), never two pokes of
 * one observer at once, in this process or any other on the same store: a process pokes an
 * observer only while it holds the observer's lease, renews it every third of its life, and pokes
 * when the last recorded poke (by whichever holder) is an interval old. The others stand by and
 * take over once a dead holder's lease expires. Resolves when `signal` aborts and the pokes
 * under way have finished; the leases are then released for the others at once.
 */
export async function runForever(planned: PlannedObserver[], options: SchedulerOptions, signal: AbortSignal): Promise<void> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const { leases, holder, leaseMs } = leaseSettings(options);
  const renewEvery = Math.max(10, Math.floor(leaseMs / 3));
  const loops = planned.map(async (p) => {
    const name = leaseName(p.entry.name);
    const state = new ObserverState(options.tl.store.db, p.entry.name);
    let held = false;
    let renewedAt = 0;
    // When the next poke is due; read from the store's health record whenever the lease is taken.
    let nextDue: number | undefined;
    while (!signal.aborted) {
      let wait = Math.min(p.intervalMs, renewEvery);
      try {
        if (!held || Date.now() - renewedAt >= renewEvery) {
          renewedAt = Date.now();
          const holds = await leases.acquire(name, holder, leaseMs);
          if (holds !== held) log(`[${p.entry.name}] ${holds ? 'lease taken: poking here' : 'lease held elsewhere: standing by'}`);
          if (!held) nextDue = undefined;
          held = holds;
        }
        if (held) {
          if (nextDue === undefined) {
            const last = (await state.get<ObserverHealth>(healthKey))?.lastPoke ?? null;
            nextDue = last === null ? Date.now() : last + p.intervalMs;
          }
          if (Date.now() >= nextDue) {
            await withRenewal(() => pokeOnce(p, options, signal), () => leases.acquire(name, holder, leaseMs), renewEvery);
            nextDue = Date.now() + p.intervalMs;
          }
          wait = Math.max(0, Math.min(nextDue - Date.now(), renewedAt + renewEvery - Date.now()));
        }
      } catch (e) {
        // The store under the lease or the health record can fail (a database restart): that
        // round is lost, the loop and the other observers go on.
        nextDue = Date.now() + p.intervalMs;
        log(`[${p.entry.name}] poke not recorded: ${e instanceof Error ? e.message : String(e)}`);
      }
      await sleep(wait, signal);
    }
    if (held) await leases.release(name, holder).catch(() => undefined);
  });
  await Promise.all(loops);
}

/** Runs `work` while renewing its lease every `everyMs`, so that a long poke keeps it. */
async function withRenewal<T>(work: () => Promise<T>, renew: () => Promise<boolean>, everyMs: number): Promise<T> {
  const timer = setInterval(() => void renew().catch(() => undefined), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
