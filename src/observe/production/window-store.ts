/** The SQL of the production observer and `predictions export`: a deployment's prediction log read by window. */
import type { Store } from '../../store/database.js';
import type { PredictionsTable } from '../../store/schema.js';

const PAGE = 2000;

type PredictionRow = PredictionsTable;

/**
 * A deployment's predictions with time in [from, to], page by page in (time, id) order: what the
 * production observer and `predictions export` read, without holding more than a page.
 */
export async function* predictionPages<C extends keyof PredictionRow>(
  store: Store,
  range: { deploymentId: string; from: number; to: number },
  columns: readonly C[],
): AsyncGenerator<Pick<PredictionRow, C | 'id' | 'time'>[]> {
  let after: { time: number; id: string } | null = null;
  for (;;) {
    const edge = after;
    let query = store.db
      .selectFrom('predictions')
      .select([...new Set<keyof PredictionRow>(['id', 'time', ...columns])])
      .where('deployment_id', '=', range.deploymentId)
      .where('time', '>=', edge ? edge.time : range.from)
      .where('time', '<=', range.to);
    // The range bound above lets the (deployment_id, time) index start at the page's edge; the OR
    // alone would make every page scan the window from its beginning.
    if (edge) query = query.where((eb) => eb.or([eb('time', '>', edge.time), eb('id', '>', edge.id)]));
    const page = (await query.orderBy('time').orderBy('id').limit(PAGE).execute()) as Pick<PredictionRow, C | 'id' | 'time'>[];
    if (page.length === 0) return;
    yield page;
    const tail = page[page.length - 1]!;
    after = { time: tail.time, id: tail.id };
    if (page.length < PAGE) return;
  }
}

/** The feedback labels of these predictions, the latest of each (JSON that does not parse is left out). */
export async function latestLabels(store: Store, ids: string[]): Promise<Map<string, unknown>> {
  const rows = await store.db.selectFrom('prediction_feedback').select(['prediction_id', 'label']).where('prediction_id', 'in', ids).orderBy('time').execute();
  const labels = new Map<string, unknown>();
  for (const r of rows) {
    try {
      labels.set(r.prediction_id, JSON.parse(r.label));
    } catch {
      // A label that is not JSON was not written by addFeedback; leave the prediction unlabelled.
    }
  }
  return labels;
}

export async function newestPredictionTime(store: Store, deploymentId: string): Promise<number | null> {
  const row = await store.db.selectFrom('predictions').select((eb) => eb.fn.max('time').as('max')).where('deployment_id', '=', deploymentId).executeTakeFirst();
  return row?.max ?? null;
}

/** Requests and feedback rows of a window, counted in SQL: equal counts mean nothing new to judge. */
export async function windowSignature(store: Store, deploymentId: string, from: number, to: number): Promise<{ requests: number; feedback: number }> {
  const db = store.db;
  const requests = await db
    .selectFrom('predictions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('deployment_id', '=', deploymentId)
    .where('time', '>=', from)
    .where('time', '<=', to)
    .executeTakeFirstOrThrow();
  const feedback = await db
    .selectFrom('prediction_feedback as f')
    .innerJoin('predictions as p', 'p.id', 'f.prediction_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('p.deployment_id', '=', deploymentId)
    .where('p.time', '>=', from)
    .where('p.time', '<=', to)
    .executeTakeFirstOrThrow();
  return { requests: requests.n, feedback: feedback.n };
}
