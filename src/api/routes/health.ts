import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Threadline } from '../../context.js';

// A digest no blob has: a stat of it proves the artifact store answers, at the cost of one HEAD.
const probeDigest = `sha256:${'0'.repeat(64)}`;
const checkTimeoutMs = 2000;

export interface HealthState {
  /** Set when shutdown begins: readiness fails first, so the balancer stops sending. */
  draining: boolean;
}

/**
 * Liveness (`/api/health/live`: the process answers) apart from readiness (`/api/health/ready`:
 * the store and the artifact store answer too). `/api/health` is readiness, as a probe of the
 * old endpoint expects it to say whether requests can be served.
 */
export function healthRoutes(app: FastifyInstance, tl: Threadline, state: HealthState): void {
  app.get('/api/health/live', async () => ({ status: 'ok' }));
  const ready = async (_request: unknown, reply: FastifyReply) => {
    const checks = {
      store: await check(() => tl.store.ping()),
      artifacts: await check(async () => void (await tl.artifacts.stat(probeDigest))),
    };
    const failed = Object.entries(checks).filter(([, c]) => c !== 'ok').map(([name]) => name);
    if (state.draining) failed.push('shutting down');
    return reply.status(failed.length ? 503 : 200).send({ status: failed.length ? 'unavailable' : 'ok', checks, ...(failed.length && { failed }) });
  };
  app.get('/api/health/ready', ready);
  app.get('/api/health', ready);
}

async function check(probe: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs)));
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
