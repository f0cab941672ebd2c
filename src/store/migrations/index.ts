import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as registry from './0002-registry.js';
import * as openlineage from './0003-openlineage.js';
import * as images from './0004-images.js';
import * as deployments from './0005-deployments.js';
import * as predictions from './0006-predictions.js';
import * as events from './0007-events.js';
import * as validations from './0008-validations.js';
import * as mlflowDatasets from './0009-mlflow-datasets.js';
import * as loggedModels from './0010-logged-models.js';
import * as runHeartbeats from './0011-run-heartbeats.js';
import * as leases from './0012-leases.js';
import * as captureFacts from './0013-capture-facts.js';
import * as shortIds from './0014-short-ids.js';
import * as identity from './0015-identity.js';
import * as loginFailures from './0016-login-failures.js';
import * as predictionFilters from './0017-prediction-filters.js';

/**
 * Migrations are listed here, in order, rather than read from a folder at run time, so that the
 * compiled CLI and the tests see the same set. Never edit one that has landed: add the next.
 */
const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-registry': registry,
  '0003-openlineage': openlineage,
  '0004-images': images,
  '0005-deployments': deployments,
  '0006-predictions': predictions,
  '0007-events': events,
  '0008-validations': validations,
  '0009-mlflow-datasets': mlflowDatasets,
  '0010-logged-models': loggedModels,
  '0011-run-heartbeats': runHeartbeats,
  '0012-leases': leases,
  '0013-capture-facts': captureFacts,
  '0014-short-ids': shortIds,
  '0015-identity': identity,
  '0016-login-failures': loginFailures,
  '0017-prediction-filters': predictionFilters,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
