// `exit [CODE]`, `poweroff`, `halt`: stop every unit as on SIGTERM, then end the daemon with the
// code (0 for poweroff/halt; in a container that is the whole machine). Returns once the daemon
// has accepted the request, as systemctl does.
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import type { Verb } from './verb.ts';

async function requestExit(ctx: Context, status: number): Promise<number> {
  try {
    await ctx.rpc.call('Exit', { status });
    return EXIT.success;
  } catch (err) {
    ctx.io.err(`Failed to execute operation: ${(err as Error).message}`);
    return EXIT.failure;
  }
}

export const exit: Verb = {
  minArgs: 0,
  maxArgs: 1,
  async run(ctx, args) {
    const text = args[0];
    const code = text === undefined ? 0 : /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!(code >= 0 && code <= 255)) {
      ctx.io.err('Invalid exit code.');
      return EXIT.failure;
    }
    return requestExit(ctx, code);
  },
};

/** poweroff and halt: a container has nothing to power off; the daemon exits 0. */
export const poweroff: Verb = { minArgs: 0, maxArgs: 0, run: (ctx) => requestExit(ctx, 0) };
