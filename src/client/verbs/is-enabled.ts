// `is-enabled UNIT…` (06 §8.2): prints each unit-file state; exit 0 when any is enabled-like.
import { EXIT } from '../exit-codes.ts';
import { printError } from '../context.ts';
import { RpcError } from '../rpc-client.ts';
import { mangleName } from '../unit-names.ts';
import type { Verb } from './verb.ts';

/** States counted as enabled (systemd 252's is-enabled). */
const ENABLED_LIKE: ReadonlySet<string> = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated']);

const isEnabled: Verb = {
  minArgs: 1,
  async run(ctx, args) {
    let enabled = false;
    for (const unit of args.map((a) => mangleName(a))) {
      let state: string;
      try {
        ({ state } = await ctx.rpc.call('GetUnitFileState', { unit }));
      } catch (err) {
        if (!(err instanceof RpcError)) throw err;
        printError(ctx.io, err.message.startsWith('Failed to') ? err.message : `Failed to get unit file state for ${unit}: ${err.message}`);
        return EXIT.failure;
      }
      if (ENABLED_LIKE.has(state)) enabled = true;
      if (!ctx.options.quiet) ctx.io.out(state);
    }
    return enabled ? EXIT.success : EXIT.failure;
  },
};
export default isEnabled;
