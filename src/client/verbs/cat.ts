// `cat UNIT…`: each unit's fragment and drop-ins as they are on disk, each under a `# PATH`
// comment, units separated by a blank line; the changed-on-disk warning goes to stderr.
import { EXIT } from '../exit-codes.ts';
import { printError } from '../context.ts';
import { RpcError } from '../rpc-client.ts';
import { expandNames } from '../unit-names.ts';
import type { Verb } from './verb.ts';

const cat: Verb = {
  minArgs: 1,
  pager: true,
  async run(ctx, args) {
    let ret = EXIT.success as number;
    let first = true;
    for (const unit of await expandNames(ctx, args)) {
      let r;
      try {
        r = await ctx.rpc.call('GetUnitFileText', { unit });
      } catch (err) {
        if (!(err instanceof RpcError)) throw err;
        printError(ctx.io, `No files found for ${unit}.`);
        ret = EXIT.failure;
        continue;
      }
      if (r.needDaemonReload) {
        ctx.io.err(`# Warning: ${r.unit} changed on disk, the version systemd has loaded is outdated.`);
        ctx.io.err("# This output shows the current version of the unit's original fragment and drop-in files.");
        ctx.io.err('# If fragments or drop-ins were added or removed, they are not properly reflected in this output.');
        ctx.io.err(`# Run '${ctx.program} daemon-reload' to reload units.`);
      }
      if (r.masked) {
        if (!first) ctx.io.out('');
        first = false;
        ctx.io.out(`# Unit ${r.unit} is masked.`);
        continue;
      }
      if (r.files.length === 0) {
        printError(ctx.io, `No files found for ${unit}.`);
        ret = EXIT.failure;
        continue;
      }
      for (const f of r.files) {
        if (!first) ctx.io.out('');
        first = false;
        ctx.io.out(`# ${f.path}`);
        const text = f.text.endsWith('\n') ? f.text.slice(0, -1) : f.text;
        for (const line of text.split('\n')) ctx.io.out(line);
      }
    }
    return ret;
  },
};
export default cat;
