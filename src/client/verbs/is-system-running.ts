// `is-system-running [--wait]`: print the manager's SystemState; exit 0 only for `running`.
// --wait first waits while the state is initializing or starting (boot not finished).
import type { SystemStateReport } from '../../engine/api.ts';
import { EXIT } from '../exit-codes.ts';
import type { Verb } from './verb.ts';

const POLL_MS = 100;
const booting = (s: string): boolean => s === 'initializing' || s === 'starting';

const isSystemRunning: Verb = {
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    let report: SystemStateReport;
    try {
      report = await ctx.rpc.call('GetSystemState', {});
      while (ctx.options.wait && booting(report.state)) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        report = await ctx.rpc.call('GetSystemState', {});
      }
    } catch (err) {
      ctx.io.err(`Failed to query system state: ${(err as Error).message}`);
      if (!ctx.options.quiet) ctx.io.out('unknown');
      return EXIT.failure;
    }
    if (!ctx.options.quiet) ctx.io.out(report.state);
    return report.state === 'running' ? EXIT.success : EXIT.failure;
  },
};
export default isSystemRunning;
