// `show [UNIT…]`: the daemon's formatted properties, filtered by -p/--all/--value (06 §7); units are
// separated by an empty line. Without a unit, a few of the manager's own properties. --output=json
// prints one object per unit (docs/cli-json.md).
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { showLines } from '../format.ts';
import { printJson, showJson, wantsJson } from '../json-output.ts';
import { expandNames } from '../unit-names.ts';
import { quotePosix } from './environment.ts';
import type { Verb } from './verb.ts';

/** The manager's properties unitd has (systemd's org.freedesktop.systemd1.Manager, a subset). */
async function managerProperties(ctx: Context): Promise<[string, string][]> {
  const [st, env] = await Promise.all([ctx.rpc.call('GetSystemState', {}), ctx.rpc.call('ShowEnvironment', {})]);
  return [
    ['Version', 'unitd'], ['Features', ''], ['Virtualization', 'container'], ['SystemState', st.state],
    ['NNames', String(st.units)], ['NFailedUnits', String(st.failedUnits)], ['NJobs', String(st.jobs)],
    ['Environment', env.environment.map((a) => { const eq = a.indexOf('='); return `${a.slice(0, eq)}=${quotePosix(a.slice(eq + 1))}`; }).join(' ')],
    ['UnitPath', st.unitPath.join(' ')],
  ];
}

const show: Verb = {
  minArgs: 0,
  pager: true,
  async run(ctx, args) {
    const o = ctx.options;
    const filter = { properties: o.properties, all: o.all, value: o.value };
    const sets: [string, string][][] = [];
    if (args.length === 0) sets.push(await managerProperties(ctx));
    for (const unit of await expandNames(ctx, args)) {
      try {
        sets.push((await ctx.rpc.call('GetUnitProperties', { unit, ...(o.properties.length ? { properties: o.properties } : {}) })).properties);
      } catch (err) {
        ctx.io.err(`Failed to get properties: ${(err as Error).message}`);
        return EXIT.failure;
      }
    }
    if (wantsJson(o.output)) {
      printJson(ctx, sets.map((props) => showJson(props, filter)));
      return EXIT.success;
    }
    sets.forEach((props, i) => {
      if (i > 0) ctx.io.out('');
      for (const line of showLines(props, filter)) ctx.io.out(line);
    });
    return EXIT.success;
  },
};
export default show;
