// `logs UNIT [-n N] [-f] [--since TIME] [-o json]`: the unit's captured output, journalctl-style.
// With -f the connection stays open and LogLine signals are printed until it closes.
import type { LogEntry } from '../../engine/api.ts';
import { EXIT } from '../exit-codes.ts';
import { jsonLine, parseSince, shortLine } from '../log-format.ts';
import { mangleName } from '../unit-names.ts';
import type { Verb } from './verb.ts';

const logs: Verb = {
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, args) {
    const o = ctx.options;
    let since: number | undefined;
    if (o.since !== null) {
      const parsed = parseSince(o.since, Date.now());
      if (parsed === null) {
        ctx.io.err(`Failed to parse timestamp: ${o.since}`);
        return EXIT.failure;
      }
      since = parsed;
    }
    const json = o.output === 'json' || o.output === 'json-seq' || o.output === 'export';
    let hostname = '';
    const print = (e: LogEntry): void => ctx.io.out(json ? jsonLine(e, hostname) : o.output === 'cat' ? e.message : shortLine(e, hostname));
    // Lines that arrive before the reply are held so the order stays oldest first.
    let held: LogEntry[] | null = [];
    if (o.follow) ctx.rpc.onSignal('LogLine', (e) => { if (held) held.push(e); else print(e); });
    const lines = o.lines ?? (o.follow ? 10 : undefined);
    const reply = await ctx.rpc.call('GetUnitLogs', {
      unit: mangleName(args[0]!), ...(lines !== undefined ? { lines } : {}), ...(since !== undefined ? { since } : {}), ...(o.follow ? { follow: true } : {}),
    });
    hostname = reply.hostname;
    for (const e of reply.entries) print(e);
    for (const e of held) print(e); // followed from the moment the daemon read the file: all new
    held = null;
    if (!o.follow) {
      if (reply.entries.length === 0 && !json) ctx.io.out('-- No entries --');
      return EXIT.success;
    }
    return new Promise<number>((resolve) => ctx.rpc.onClose(() => resolve(EXIT.success)));
  },
};
export default logs;
