import type { ArtifactStore } from '../artifacts/types.js';
import type { ModelService } from '../registry/model-service.js';
import type { Store } from '../store/database.js';
import type { ExperimentService } from '../tracking/experiment-service.js';
import type { RunService } from '../tracking/run-service.js';
import type { EventService } from '../events/event-service.js';
import type { ValidationService } from '../validate/validation-service.js';

/** The services an observer works with: the app context builds them, tests may pass their own. */
export interface ObserverServices {
  store: Store;
  artifacts: ArtifactStore;
  experiments: ExperimentService;
  runs: RunService;
  models: ModelService;
  events: EventService;
  validations: ValidationService;
}
