import { describe, expect, it } from 'vitest';
import { runFaultScenario } from './services/fault-scenario.js';

/**
 * Issue 16's check: eight writers across two replicas on PostgreSQL and s3rver; PostgreSQL
 * restarts (`pg_ctl restart -m fast`) and one replica is killed with -9 during the load.
 */
describe('a service that survives a database restart and a killed replica', () => {
  it('loses no acknowledged write, crashes nothing else, recovers within seconds', { timeout: 180_000 }, async () => {
    const report = await runFaultScenario({ writers: 8, phaseMs: 2000 });
    console.log(`service faults: ${JSON.stringify(report)}`);
    expect(report.acknowledged).toBeGreaterThan(50);
    expect(report.lost).toBe(0);
    expect(report.crashed).toEqual([]);
    // Every writer had a write through within seconds of PostgreSQL's return (generous: CI is busy).
    expect(report.recoveryMs).toBeLessThan(15_000);
  });
});
