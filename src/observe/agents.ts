import type { ObserverAgent } from './agent.js';
import type { Stage } from './events/types.js';

/**
 * The agents the scheduler knows, by stage. Each agent file registers itself here with one line.
 */
export const agents: Partial<Record<Stage, ObserverAgent<any>>> = {};
