// `cancel [JOBID…]`: cancel the given jobs (recursively), or every job when none is given (06 §8.6).
import { EXIT } from '../exit-codes.ts';
import type { Verb } from './verb.ts';

const MAX_JOB_ID = 0xffff_ffff;

const cancel: Verb = {
  minArgs: 0,
  async run(ctx, args) {
    if (args.length === 0) {
      try {
        await ctx.rpc.call('ClearJobs', {});
        return EXIT.success;
      } catch (err) {
        ctx.io.err(`Failed to execute operation: ${(err as Error).message}`);
        return EXIT.failure;
      }
    }
    let ret = EXIT.success as number;
    for (const arg of args) {
      if (!/^[0-9]+$/.test(arg)) {
        ctx.io.err(`Failed to parse job id "${arg}": Invalid argument`);
        return EXIT.failure;
      }
      const id = Number(arg);
      if (id > MAX_JOB_ID) {
        ctx.io.err(`Failed to parse job id "${arg}": Numerical result out of range`);
        return EXIT.failure;
      }
      try {
        await ctx.rpc.call('CancelJob', { id });
      } catch (err) {
        ctx.io.err(`Failed to cancel job ${id}: ${(err as Error).message}`);
        ret = EXIT.failure;
      }
    }
    return ret;
  },
};
export default cancel;
