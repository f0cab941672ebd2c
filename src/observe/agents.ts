import type { ObserverAgent } from './agent.js';
import type { Stage } from '../events/types.js';
import { codeAgent } from './agents/code.js';
import { trainingAgent } from './agents/training.js';
import { deploymentAgent } from './agents/deployment.js';
import { dataAgent } from './agents/data.js';
import { externalAgent } from './agents/external.js';
import { featuresAgent } from './agents/features.js';
import { productionAgent } from './agents/production.js';

/**
 * The agents the scheduler knows, by stage. Each agent file registers itself here with one line.
 */
export const agents: Partial<Record<Stage, ObserverAgent>> = {};
agents.code = codeAgent;
agents.training = trainingAgent;
agents.deployment = deploymentAgent;
agents.data = dataAgent;
agents.external = externalAgent;
agents.features = featuresAgent;
agents.production = productionAgent;
