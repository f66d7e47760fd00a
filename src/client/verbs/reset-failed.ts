// `reset-failed [UNIT…]`: return failed units to inactive and clear their results and start
// limits; without units, every unit (06 §8.6).
import { EXIT } from '../exit-codes.ts';
import { expandNames } from '../unit-names.ts';
import type { Verb } from './verb.ts';

const resetFailed: Verb = {
  minArgs: 0,
  async run(ctx, args) {
    if (args.length === 0) {
      try {
        await ctx.rpc.call('ResetFailed', {});
        return EXIT.success;
      } catch (err) {
        ctx.io.err(`Failed to execute operation: ${(err as Error).message}`);
        return EXIT.failure;
      }
    }
    let ret = EXIT.success as number;
    for (const unit of await expandNames(ctx, args)) {
      try {
        await ctx.rpc.call('ResetFailed', { unit });
      } catch (err) {
        ctx.io.err(`Failed to reset failed state of unit ${unit}: ${(err as Error).message}`);
        ret = EXIT.failure;
      }
    }
    return ret;
  },
};
export default resetFailed;
