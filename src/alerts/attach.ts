import type { EventService } from '../events/event-service.js';
import type { Store } from '../store/database.js';
import { loadProjectFile } from '../observe/project-file.js';
import { parseAlerts } from './config.js';
import { AlertDispatcher } from './dispatcher.js';

/**
 * Wires the alert rules of threadline.yaml to the events of this process: whoever records an
 * event (an observer, `validate`, POST /api/events) triggers the alerts. Returns the dispatcher,
 * or undefined when no rules are configured.
 */
export function attachAlerts(tl: { store: Store; events: Pick<EventService, 'onEvent'> }, projectFile: string): AlertDispatcher | undefined {
  const project = loadProjectFile(projectFile);
  const config = parseAlerts(project.alerts, projectFile);
  if (config.rules.length === 0) return undefined;
  const dispatcher = new AlertDispatcher(tl.store, config);
  tl.events.onEvent(async (event) => {
    await dispatcher.dispatch(event);
  });
  return dispatcher;
}
