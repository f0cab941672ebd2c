import type { ThreadlineConfig } from '../config.js';
import type { Threadline } from '../context.js';
import { parseDuration } from '../duration.js';
import { invalidArgument } from '../errors.js';
import type { ObserverAgent, ObserverContext } from './agent.js';
import { agents } from './agents.js';
import type { ObserverEvent } from './events/types.js';
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
    const parsed = agent.settings.safeParse(entry.settings);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalidArgument(`${project.file}: observe ${entry.name}: ${issue.path.join('.') || '(entry)'}: ${issue.message}`);
    }
    return { entry, agent, settings: parsed.data, intervalMs: parseDuration(entry.interval ?? agent.defaultInterval, `observe ${entry.name} interval`) };
  });
}

export interface SchedulerOptions {
  tl: Threadline;
  config: ThreadlineConfig;
  project: ProjectFile;
  log?: (message: string) => void;
}

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

/** `observe --once`: every planned observer once, in file order. */
export async function runOnce(planned: PlannedObserver[], options: SchedulerOptions): Promise<PokeOutcome[]> {
  const outcomes: PokeOutcome[] = [];
  const signal = new AbortController().signal;
  for (const p of planned) outcomes.push(await pokeOnce(p, options, signal));
  return outcomes;
}

/**
 * `observe`: each observer on its own interval (like Airflow's poke_interval), never two pokes of
 * one observer at once; resolves when `signal` aborts and the pokes under way have finished.
 */
export async function runForever(planned: PlannedObserver[], options: SchedulerOptions, signal: AbortSignal): Promise<void> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const loops = planned.map(async (p) => {
    while (!signal.aborted) {
      // pokeOnce catches the agent; the store under its health record can still fail (a database
      // restart): that poke is lost, the loop and the other observers go on.
      await pokeOnce(p, options, signal).catch((e: unknown) => log(`[${p.entry.name}] poke not recorded: ${e instanceof Error ? e.message : String(e)}`));
      await sleep(p.intervalMs, signal);
    }
  });
  await Promise.all(loops);
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
