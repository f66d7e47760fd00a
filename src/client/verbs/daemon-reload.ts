// `daemon-reload`: reread every unit file; returns once the daemon has the new configuration.
import { EXIT } from '../exit-codes.ts';
import type { Verb } from './verb.ts';

const daemonReload: Verb = {
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    try {
      await ctx.rpc.call('Reload', {});
      return EXIT.success;
    } catch (err) {
      ctx.io.err(`Failed to reload daemon: ${(err as Error).message}`);
      return EXIT.failure;
    }
  },
};
export default daemonReload;
