import type { Deployment, DeploymentApi, RollbackApi, DeploySubject, RecordDeploymentInput, RollbackPlan, UpdateDeploymentInput } from '../release/deploy/types.js';
import type { ImageApi, ImageFilter, ImageRecord, RecordImageInput } from '../release/image-types.js';
import type { HttpTransport } from './http.js';

/** Images and deployments over HTTP. */
export function releaseClient(http: HttpTransport): ImageApi & DeploymentApi & RollbackApi {
  const client: ImageApi & DeploymentApi & RollbackApi = {
    /**
     * Recorded images, newest first: all, of a model (version), of a run, or with a digest.
     *
     * @example
     * const images = await tl.listImages({ modelName: 'amazon-recommender', modelVersion: 7 });
     */
    async listImages(filter: ImageFilter = {}): Promise<ImageRecord[]> {
      const params = new URLSearchParams();
      if (filter.modelName !== undefined) params.set('model', filter.modelName);
      if (filter.modelVersion !== undefined) params.set('version', String(filter.modelVersion));
      if (filter.runId !== undefined) params.set('run', filter.runId);
      if (filter.reference !== undefined) params.set('reference', filter.reference);
      if (filter.digest !== undefined) params.set('digest', filter.digest);
      return (await http.call<{ images: ImageRecord[] }>('GET', `/api/images?${params}`)).images;
    },

    /**
     * @example
     * const image = await tl.getImage('ghcr.io/acme/reco@sha256:9f1c…');
     */
    getImage(referenceOrDigest: string): Promise<ImageRecord> {
      return http.call('GET', `/api/images/${encodeURIComponent(referenceOrDigest)}`);
    },

    /**
     * Records an image (built by you, or by `threadline image build` here) as carrying a model version.
     *
     * @example
     * await tl.recordImage({ reference: 'ghcr.io/acme/reco:run-777@sha256:9f1c…', model: 'reco/7' });
     */
    recordImage(input: RecordImageInput): Promise<ImageRecord> {
      return http.call('POST', '/api/images', input);
    },

    /**
     * @example
     * const { imageReference, modelVersion } = await tl.resolveDeploySubject('amazon-recommender@champion');
     */
    resolveDeploySubject(ref: string): Promise<DeploySubject> {
      return http.call('GET', `/api/deployments/resolve?${new URLSearchParams({ ref })}`);
    },

    /**
     * @example
     * const { subject, current } = await tl.planRollback('prod'); // or { to: 3 }, or { runId }
     */
    planRollback(environment: string, by: { runId?: string; to?: number } = {}): Promise<RollbackPlan> {
      const params = new URLSearchParams();
      if (by.runId !== undefined) params.set('run', by.runId);
      if (by.to !== undefined) params.set('to', String(by.to));
      return http.call('GET', `/api/environments/${encodeURIComponent(environment)}/rollback?${params}`);
    },

    /**
     * Records deployment ENV#N, e.g. from a CD system that deployed the image itself.
     *
     * @example
     * const d = await tl.recordDeployment({ environment: 'prod', target: 'command', image: 'ghcr.io/acme/reco@sha256:9f1c…', actor: 'argo' });
     */
    recordDeployment(input: RecordDeploymentInput): Promise<Deployment> {
      return http.call('POST', '/api/deployments', input);
    },

    /**
     * @example
     * await tl.updateDeployment('prod#5', { status: 'deployed', details: { exitCode: 0 } });
     */
    updateDeployment(id: string, change: UpdateDeploymentInput): Promise<Deployment> {
      return http.call('PATCH', `/api/deployments/${encodeURIComponent(id)}`, change);
    },

    /**
     * @example
     * const history = await tl.listDeployments('prod'); // prod#N … prod#1
     */
    async listDeployments(environment?: string): Promise<Deployment[]> {
      const query = environment === undefined ? '' : `?${new URLSearchParams({ environment })}`;
      return (await http.call<{ deployments: Deployment[] }>('GET', `/api/deployments${query}`)).deployments;
    },

    /**
     * @example
     * const now = await tl.getDeployment('prod'); // what prod runs now; or 'prod#3'
     */
    getDeployment(id: string): Promise<Deployment> {
      return http.call('GET', `/api/deployments/${encodeURIComponent(id)}`);
    },

    /**
     * Rolls ENV back on the server's machine (its target runs there), as the web UI's rollback button does.
     *
     * @example
     * const back = await tl.rollback('prod'); // or { to: 3 }, or { runId }
     * console.log(back.id, back.status); // prod#5 deployed
     */
    rollback(environment: string, by: { runId?: string; to?: number } = {}): Promise<Deployment> {
      return http.call('POST', `/api/environments/${encodeURIComponent(environment)}/rollback`, { run: by.runId, to: by.to }, undefined, 'json', false);
    },
  };
  return client;
}
