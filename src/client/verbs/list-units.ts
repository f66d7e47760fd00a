// `list-units [PATTERN…]` (also the default verb): the unit table of 06 §8.4. Without --all or
// --state, inactive units without a job are left out; --type, --state and fnmatch patterns filter
// further (systemctl's output_show_unit). --output=json prints systemctl's row objects.
import type { UnitSummary } from '../../engine/api.ts';
import type { Options } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { listUnitsLines, sortUnits } from '../format.ts';
import { listUnitsJson, printJson, wantsJson } from '../json-output.ts';
import { styleOf } from '../terminal.ts';
import { matchesAny } from '../unit-names.ts';
import type { Verb } from './verb.ts';

export function selectUnits(units: readonly UnitSummary[], o: Options, patterns: readonly string[]): UnitSummary[] {
  return units.filter((u) =>
    (o.all || o.states.length > 0 || u.activeState !== 'inactive' || u.job !== null) &&
    matchesAny(patterns, u.id) &&
    (o.types.length === 0 || o.types.some((t) => u.id.endsWith(`.${t}`))) &&
    (o.states.length === 0 || o.states.some((s) => s === u.loadState || s === u.activeState || s === u.subState)));
}

const listUnits: Verb = {
  minArgs: 0,
  pager: true,
  async run(ctx, args) {
    const o = ctx.options;
    const { units } = await ctx.rpc.call('ListUnits', { all: o.all || o.states.length > 0 });
    const shown = sortUnits(selectUnits(units, o, args));
    if (wantsJson(o.output)) {
      printJson(ctx, listUnitsJson(shown));
      return EXIT.success;
    }
    const lines = listUnitsLines(shown, {
      legend: !o.noLegend, all: o.all || o.states.includes('inactive'), plain: o.plain, program: ctx.program, style: styleOf(ctx.io),
    });
    for (const line of lines) ctx.io.out(line);
    return EXIT.success;
  },
};
export default listUnits;
