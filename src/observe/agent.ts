import type { z } from 'zod';
import type { ThreadlineConfig } from '../config.js';
import type { EventInput, ObserverEvent, Stage } from '../events/types.js';
import type { ObserverServices } from './services.js';
import type { ObserverState } from './state-store.js';

/**
 * One kind of observer (one file per stage under src/observe/agents/). The scheduler calls
 * `poke` on the configured interval; the agent looks, compares with what it remembered in
 * `ctx.state`, and records what changed as events with `ctx.emit`.
 */
export interface ObserverAgent<Settings = unknown> {
  stage: Stage;
  /** Used when the entry in threadline.yaml names no interval: `30s`, `5m`. */
  defaultInterval: string;
  /** Checks the entry's settings (everything but name and interval) and fills defaults. */
  settings: z.ZodType<Settings>;
  poke(ctx: ObserverContext, settings: Settings): Promise<void>;
}

export interface ObserverContext {
  /** `data:orders`, or the stage alone. */
  name: string;
  tl: ObserverServices;
  config: ThreadlineConfig;
  /** Folder of threadline.yaml: relative paths in settings are read from here. */
  baseDir: string;
  state: ObserverState;
  /** Records an event with this observer as its source; alerts and metrics see it. */
  emit(event: Omit<EventInput, 'source'>): Promise<ObserverEvent>;
  /** Progress and findings, on stderr. */
  log(message: string): void;
  /** Aborted when the scheduler stops. */
  signal: AbortSignal;
}
