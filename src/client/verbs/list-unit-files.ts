// `list-unit-files [PATTERN…]`: systemctl's UNIT FILE / STATE / PRESET table and its footer.
import { EXIT } from '../exit-codes.ts';
import { table } from '../format.ts';
import { matchesAny } from '../unit-names.ts';
import type { Verb } from './verb.ts';

const listUnitFiles: Verb = {
  minArgs: 0,
  pager: true,
  async run(ctx, args) {
    const o = ctx.options;
    const { files } = await ctx.rpc.call('ListUnitFiles', {});
    const shown = files.filter((f) => matchesAny(args, f.name)
      && (o.types.length === 0 || o.types.some((t) => f.name.endsWith(`.${t}`)))
      && (o.states.length === 0 || o.states.includes(f.state)));
    const rows = shown.map((f) => [f.name, f.state, f.preset ?? '-']);
    if (o.noLegend) {
      for (const line of table(rows)) ctx.io.out(line);
      return EXIT.success;
    }
    for (const line of table([['UNIT FILE', 'STATE', 'PRESET'], ...rows])) ctx.io.out(line);
    ctx.io.out('');
    ctx.io.out(`${shown.length} unit files listed.`);
    return EXIT.success;
  },
};
export default listUnitFiles;
