/**
 * The tables as Kysely sees them, each typed once, in the file of the migration that makes it
 * (`schema/NNNN-name.ts` beside `migrations/NNNN-name.ts`). Times are epoch milliseconds (MLflow's
 * convention); booleans are 0/1 integers so that both dialects read the same values back. Numbers
 * come back as numbers on both dialects (postgres.ts parses INT8 and NUMERIC).
 */
import type { FoundationTables } from './schema/0001-foundation.js';
import type { RegistryTables } from './schema/0002-registry.js';
import type { OpenLineageTables } from './schema/0003-openlineage.js';
import type { ImageTables } from './schema/0004-images.js';
import type { DeploymentTables } from './schema/0005-deployments.js';
import type { PredictionTables } from './schema/0006-predictions.js';
import type { EventTables } from './schema/0007-events.js';
import type { ValidationTables } from './schema/0008-validations.js';
import type { MlflowDatasetTables } from './schema/0009-mlflow-datasets.js';
import type { LoggedModelTables } from './schema/0010-logged-models.js';
import type { LeaseTables } from './schema/0012-leases.js';
import type { IdentityTables } from './schema/0015-identity.js';
import type { LoginFailureTables } from './schema/0016-login-failures.js';

export type * from './schema/0001-foundation.js';
export type * from './schema/0002-registry.js';
export type * from './schema/0003-openlineage.js';
export type * from './schema/0004-images.js';
export type * from './schema/0005-deployments.js';
export type * from './schema/0006-predictions.js';
export type * from './schema/0007-events.js';
export type * from './schema/0008-validations.js';
export type * from './schema/0009-mlflow-datasets.js';
export type * from './schema/0010-logged-models.js';
export type * from './schema/0012-leases.js';
export type * from './schema/0015-identity.js';
export type * from './schema/0016-login-failures.js';

export interface Database
  extends FoundationTables,
    RegistryTables,
    OpenLineageTables,
    ImageTables,
    DeploymentTables,
    PredictionTables,
    EventTables,
    ValidationTables,
    MlflowDatasetTables,
    LoggedModelTables,
    LeaseTables,
    IdentityTables,
    LoginFailureTables {}
