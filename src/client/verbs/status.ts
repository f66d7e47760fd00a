// `status UNIT…` (subset, 06 §8.5): a few lines per unit. Each unit scores 0 (active/reloading),
// 3 (not running) or 4 (not found); the exit status is the first non-zero score.
import type { UnitStatus } from '../../engine/api.ts';
import { EXIT } from '../exit-codes.ts';
import { statusLines } from '../format.ts';
import { RpcError } from '../rpc-client.ts';
import { expandNames } from '../unit-names.ts';
import type { Verb } from './verb.ts';

const isMissing = (s: UnitStatus): boolean => s.loadState === 'not-found' && s.activeState === 'inactive' && s.job === null;

const status: Verb = {
  minArgs: 1,
  async run(ctx, args) {
    let ret = EXIT.success as number;
    let first = true;
    for (const unit of await expandNames(ctx, args)) {
      let s: UnitStatus | null = null;
      try {
        s = await ctx.rpc.call('GetUnitStatus', { unit });
      } catch (err) {
        if (!(err instanceof RpcError && err.errorName)) throw err;
      }
      let code: number;
      if (s === null || isMissing(s)) {
        ctx.io.err(`Unit ${unit} could not be found.`);
        code = EXIT.noPermission;
      } else {
        if (!first) ctx.io.out('');
        first = false;
        for (const line of statusLines(s, Date.now() * 1000, ctx.program)) ctx.io.out(line);
        code = s.activeState === 'active' || s.activeState === 'reloading' ? EXIT.success : EXIT.notImplemented;
      }
      if (code !== 0 && ret === 0) ret = code;
    }
    return ret;
  },
};
export default status;
