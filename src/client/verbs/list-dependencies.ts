// `list-dependencies [UNIT…]` (default default.target): the dependency tree of each unit, with
// --reverse, --after/--before (ordering edges), --all (descend into every unit, not only targets), --plain, --output=json.
import type { DependencyNode } from '../../engine/api.ts';
import { EXIT } from '../exit-codes.ts';
import { printJson, wantsJson } from '../json-output.ts';
import { styleOf } from '../terminal.ts';
import { isUtf8Locale } from '../unit-files.ts';
import { dependencyTreeLines } from '../tree-format.ts';
import { expandNames } from '../unit-names.ts';
import type { Verb } from './verb.ts';

const listDependencies: Verb = {
  minArgs: 0,
  pager: true,
  async run(ctx, args) {
    const o = ctx.options;
    const trees: DependencyNode[] = [];
    for (const unit of await expandNames(ctx, args.length > 0 ? args : ['default.target'])) {
      try {
        trees.push(await ctx.rpc.call('ListUnitDependencies', { unit, reverse: o.reverse, all: o.all, ...(o.order === null ? {} : { order: o.order }) }));
      } catch (err) {
        ctx.io.err(`Failed to list dependencies of ${unit}: ${(err as Error).message}`);
        return EXIT.failure;
      }
    }
    if (wantsJson(o.output)) {
      printJson(ctx, trees);
      return EXIT.success;
    }
    const format = { plain: o.plain, style: styleOf(ctx.io), columns: o.full ? null : ctx.io.width ?? ctx.io.columns ?? null, ascii: !isUtf8Locale() };
    trees.forEach((t, i) => {
      if (i > 0) ctx.io.out('');
      for (const line of dependencyTreeLines(t, format)) ctx.io.out(line);
    });
    return EXIT.success;
  },
};
export default listDependencies;
