// `list-units [PATTERN…]` (also the default verb): the unit table of 06 §8.4. Without --all,
// inactive units without a job are left out; --type and --state filter further.
import type { UnitSummary } from '../../engine/api.ts';
import type { Options } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { listUnitsLines } from '../format.ts';
import { matchesAny } from '../unit-names.ts';
import type { Verb } from './verb.ts';

export function selectUnits(units: readonly UnitSummary[], o: Options, patterns: readonly string[]): UnitSummary[] {
  return units.filter((u) =>
    (o.all || u.activeState !== 'inactive' || u.job !== null) &&
    matchesAny(patterns, u.id) &&
    (o.types.length === 0 || o.types.some((t) => u.id.endsWith(`.${t}`))) &&
    (o.states.length === 0 || o.states.some((s) => s === u.loadState || s === u.activeState || s === u.subState)));
}

const listUnits: Verb = {
  minArgs: 0,
  async run(ctx, args) {
    const o = ctx.options;
    const { units } = await ctx.rpc.call('ListUnits', { all: o.all });
    const lines = listUnitsLines(selectUnits(units, o, args), { legend: !o.noLegend, all: o.all, plain: o.plain, program: ctx.program });
    for (const line of lines) ctx.io.out(line);
    return EXIT.success;
  },
};
export default listUnits;
