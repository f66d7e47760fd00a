// `is-system-running [--wait]`: print the manager's SystemState; exit 0 only for `running`.
// --wait first waits while the state is initializing or starting (boot not finished): it
// subscribes to SystemStateChanged and re-asks on each signal, with a slow safety poll.
import type { SystemStateReport } from '../../engine/api.ts';
import { EXIT } from '../exit-codes.ts';
import type { Verb } from './verb.ts';

const SAFETY_POLL_MS = 1000;
const booting = (s: string): boolean => s === 'initializing' || s === 'starting';

const isSystemRunning: Verb = {
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    let report: SystemStateReport;
    try {
      let wake: (() => void) | null = null;
      let changed = false;  // a signal since the last question: ask again without waiting
      if (ctx.options.wait) {
        // Subscribed before the first question, so a change in between is not missed.
        ctx.rpc.onSignal('SystemStateChanged', () => { changed = true; wake?.(); });
        await ctx.rpc.call('Subscribe', {});
      }
      changed = false;
      report = await ctx.rpc.call('GetSystemState', {});
      while (ctx.options.wait && booting(report.state)) {
        if (!changed) await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, SAFETY_POLL_MS);
          wake = () => { clearTimeout(timer); resolve(); };
        });
        wake = null;
        changed = false;
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
