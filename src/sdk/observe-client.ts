import type { MlflowIngestApi } from '../ingest-mlflow/api.js';
import type { BackfillQuery, BackfillReport } from '../ingest-mlflow/types.js';
import type { EventApi } from '../events/api.js';
import type { ObserverApi } from '../observe/api.js';
import type { ObserverHealth } from '../observe/state-store.js';
import type { ValidationApi } from '../validate/api.js';
import type { EventInput, ListEventsQuery, ObserverEvent } from '../events/types.js';
import type { ListValidationsQuery, RecordValidationInput, Validation } from '../validate/types.js';
import type { HttpTransport } from './http.js';

/** Events, observers' health, validations and the MLflow backfill over HTTP. */
export function observeClient(http: HttpTransport): EventApi & ObserverApi & ValidationApi & MlflowIngestApi {
  const client: EventApi & ObserverApi & ValidationApi & MlflowIngestApi = {
    /**
     * @example
     * await tl.recordEvent({ stage: 'data', kind: 'data_changed', summary: 'orders.csv changed' });
     */
    recordEvent(event: EventInput): Promise<ObserverEvent> {
      return http.call('POST', '/api/events', event);
    },

    /**
     * @example
     * const drift = await tl.listEvents({ stage: 'production', severity: 'warning', since: '24h' });
     */
    async listEvents(query: ListEventsQuery = {}): Promise<ObserverEvent[]> {
      const params = new URLSearchParams();
      for (const key of ['stage', 'kind', 'severity', 'source'] as const) if (query[key] !== undefined) params.set(key, String(query[key]));
      if (query.since !== undefined) params.set('since', String(query.since));
      if (query.subject) params.set('subject', `${query.subject.type}:${query.subject.id}`);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      return (await http.call<{ events: ObserverEvent[] }>('GET', `/api/events?${params}`)).events;
    },

    /**
     * @example
     * const { subjects, details } = await tl.getEvent(eventId);
     */
    getEvent(id: string): Promise<ObserverEvent> {
      return http.call('GET', `/api/events/${encodeURIComponent(id)}`);
    },

    /**
     * @example
     * const down = (await tl.listObserverHealth()).filter((o) => o.lastPoke !== o.lastSuccess);
     */
    async listObserverHealth(): Promise<ObserverHealth[]> {
      return (await http.call<{ observers: ObserverHealth[] }>('GET', '/api/observers')).observers;
    },

    /**
     * Records a suite result computed next to the data (`threadline validate` does this).
     *
     * @example
     * const v = await tl.recordValidation({ data, suiteName: 'orders', suiteDigest, result });
     */
    recordValidation(input: RecordValidationInput): Promise<Validation> {
      return http.call('POST', '/api/validations', input);
    },

    /**
     * @example
     * const checks = await tl.listValidations({ data: 'sha256:77e0…' });
     */
    async listValidations(query: ListValidationsQuery = {}): Promise<Validation[]> {
      const params = new URLSearchParams();
      if (query.data) params.set('data', query.data);
      if (query.suite) params.set('suite', query.suite);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      return (await http.call<{ validations: Validation[] }>('GET', `/api/validations?${params}`)).validations;
    },

    /**
     * @example
     * const { success, results } = await tl.getValidation(validationId);
     */
    getValidation(id: string): Promise<Validation> {
      return http.call('GET', `/api/validations/${encodeURIComponent(id)}`);
    },

    /**
     * Runs MLflow clients logged before the server turned their tags, inputs and model files into
     * code, data, environment and external ids: turned now. Idempotent.
     *
     * @example
     * const report = await tl.backfillMlflow({ experimentIds: ['1'] }); // { runs: 12, changedRuns: 3, code: 3, … }
     */
    backfillMlflow(query: BackfillQuery = {}): Promise<BackfillReport> {
      return http.call('POST', '/api/mlflow/backfill', query);
    },
  };
  return client;
}
