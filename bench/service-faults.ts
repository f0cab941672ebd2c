// Issue 16's scenario as a measurement: eight writers across two `threadline server` replicas on
// PostgreSQL and s3rver, first without faults (the baseline, same run), then with PostgreSQL
// restarted (`pg_ctl restart -m fast`) and one replica killed with -9 during the load.
// Usage: npx tsx bench/service-faults.ts [writers=8] [phaseMs=3000]
import { runFaultScenario } from '../test/services/fault-scenario.js';
import { printBenchResult } from './result.js';

const writers = Number(process.argv[2] ?? 8);
const phaseMs = Number(process.argv[3] ?? 3000);

const baseline = await runFaultScenario({ writers, phaseMs, faults: false });
const faulted = await runFaultScenario({ writers, phaseMs, faults: true });
const row = (name: string, r: typeof baseline) =>
  console.log(
    `${name.padEnd(9)} ${r.writesPerSecond.toFixed(1).padStart(7)} writes/s  acknowledged ${r.acknowledged}  lost ${r.lost}  failed ${r.failed}  crashed ${r.crashed.length}  longest write ${r.longestWriteMs} ms` +
      (r.restartMs ? `  pg restart ${r.restartMs} ms  recovery ${r.recoveryMs} ms` : ''),
  );
row('baseline', baseline);
row('faults', faulted);
console.log(`throughput with faults / baseline: ${(faulted.writesPerSecond / baseline.writesPerSecond).toFixed(2)}`);
if (faulted.lost > 0 || faulted.crashed.length > 0) process.exitCode = 1;
printBenchResult('service-faults', { 'throughput with faults / baseline': faulted.writesPerSecond / baseline.writesPerSecond });
