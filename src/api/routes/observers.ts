import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { listObserverHealth } from '../../observe/state-store.js';

/** The observers' health as the scheduler records it, for the UI and `observe --status` elsewhere. */
export function observerRoutes(app: FastifyInstance, tl: Threadline): void {
  app.get('/api/observers', async () => ({ observers: await listObserverHealth(tl.store) }));
}
