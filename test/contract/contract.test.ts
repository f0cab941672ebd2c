import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedApi } from '../../src/cli/embedded-api.js';
import type { ThreadlineApi } from '../../src/sdk/types.js';
import { startTestApi, type TestApi } from '../api-server.js';
import { dialects } from '../dialects.js';
import { contractCases as coreCases, type ContractSide } from './cases.js';
import { identityContractCases } from './identity-cases.js';

const contractCases = [...coreCases, ...identityContractCases];

/** The two implementations of ThreadlineApi a user meets: the CLI without a server, and the SDK against one. */
const sides = {
  embedded: (api: TestApi): ThreadlineApi => embeddedApi(api.tl, 'embedded contract test'),
  http: (api: TestApi): ThreadlineApi => api.client,
};

describe.each(dialects)('the ThreadlineApi contract on %s', (dialect) => {
  describe.each(Object.keys(sides) as (keyof typeof sides)[])('%s', (sideName) => {
    let server: TestApi;
    let side: ContractSide;

    beforeAll(async () => {
      server = await startTestApi(dialect);
      side = { api: sides[sideName](server), tl: server.tl, home: server.home };
    });
    afterAll(() => server.close());

    it.each(contractCases.map((c) => [c.name, c] as const))('%s', async (_, contractCase) => {
      await contractCase.run(side);
    });
  });
});

describe('the contract suite', () => {
  it('exercises every method of the contract (a new method needs a case)', async () => {
    const server = await startTestApi('sqlite');
    try {
      const methods = Object.keys(embeddedApi(server.tl, 'coverage')).filter((k) => !['location', 'close'].includes(k));
      const covered = new Set(contractCases.flatMap((c) => c.methods));
      expect(methods.filter((m) => !covered.has(m as keyof ThreadlineApi))).toEqual([]);
      expect([...covered].filter((m) => !methods.includes(m))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
