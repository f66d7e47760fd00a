// `show UNIT…`: the daemon's formatted properties, filtered by -p/--all/--value (06 §7); units are
// separated by an empty line. The manager's own properties (show without a unit) are not offered.
import { EXIT } from '../exit-codes.ts';
import { showLines } from '../format.ts';
import { expandNames } from '../unit-names.ts';
import type { Verb } from './verb.ts';

const show: Verb = {
  minArgs: 0,
  async run(ctx, args) {
    const o = ctx.options;
    if (args.length === 0) {
      ctx.io.err('Showing the manager\'s own properties is not supported; name a unit.');
      return EXIT.failure;
    }
    let first = true;
    for (const unit of await expandNames(ctx, args)) {
      let props: [string, string][];
      try {
        props = (await ctx.rpc.call('GetUnitProperties', { unit, ...(o.properties.length ? { properties: o.properties } : {}) })).properties;
      } catch (err) {
        ctx.io.err(`Failed to get properties: ${(err as Error).message}`);
        return EXIT.failure;
      }
      if (!first) ctx.io.out('');
      first = false;
      for (const line of showLines(props, { properties: o.properties, all: o.all, value: o.value })) ctx.io.out(line);
    }
    return EXIT.success;
  },
};
export default show;
