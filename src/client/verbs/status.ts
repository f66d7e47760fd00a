// `status UNIT…` (subset, 06 §8.5): a few lines per unit. Each unit scores 0 (active/reloading),
// 3 (not running) or 4 (not found); the exit status is the first non-zero score.
import type { UnitStatus } from '../../engine/api.ts';
import { EXIT } from '../exit-codes.ts';
import type { Context } from '../context.ts';
import { statusLines } from '../format.ts';
import { shortLine } from '../log-format.ts';
import { RpcError } from '../rpc-client.ts';
import { expandNames } from '../unit-names.ts';
import { printJson, statusJson, wantsJson } from '../json-output.ts';
import { styleOf } from '../terminal.ts';
import type { Verb } from './verb.ts';

const isMissing = (s: UnitStatus): boolean => s.loadState === 'not-found' && s.activeState === 'inactive' && s.job === null;

/** The last -n (default 10) output lines after an empty line, as systemctl status shows the journal. */
async function recentLogLines(ctx: Context, unit: string): Promise<string[]> {
  const lines = ctx.options.lines ?? 10;
  if (lines === 0) return [];
  try {
    const r = await ctx.rpc.call('GetUnitLogs', { unit, lines });
    return r.entries.length === 0 ? [] : ['', ...r.entries.map((e) => shortLine(e, r.hostname))];
  } catch {
    return []; // an older daemon, or a caller not allowed to read logs: status still works
  }
}

const status: Verb = {
  minArgs: 1,
  pager: true,
  async run(ctx, args) {
    let ret = EXIT.success as number;
    let first = true;
    const json: UnitStatus[] | null = wantsJson(ctx.options.output) ? [] : null;
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
      } else if (json) {
        json.push(statusJson(s));
        code = s.activeState === 'active' || s.activeState === 'reloading' ? EXIT.success : EXIT.notImplemented;
      } else {
        if (!first) ctx.io.out('');
        first = false;
        for (const line of statusLines(s, Date.now() * 1000, ctx.program, styleOf(ctx.io))) ctx.io.out(line);
        for (const line of await recentLogLines(ctx, s.id)) ctx.io.out(line);
        code = s.activeState === 'active' || s.activeState === 'reloading' ? EXIT.success : EXIT.notImplemented;
      }
      if (code !== 0 && ret === 0) ret = code;
    }
    if (json) printJson(ctx, json);
    return ret;
  },
};
export default status;
