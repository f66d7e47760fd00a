// `daemon-reload`: reread every unit file; returns once the daemon has the new configuration.
// Like systemctl it prints nothing, except what changed when stdout is a terminal or with --explain.
import type { ReloadReport } from '../../engine/api.ts';
import { EXIT } from '../exit-codes.ts';
import type { Verb } from './verb.ts';

/** The report as lines; empty when nothing changed. */
export function reloadReportLines(r: ReloadReport): string[] {
  const lines: string[] = [];
  for (const u of r.added) lines.push(`Added: ${u}`);
  for (const u of r.removed) lines.push(`Removed: ${u}`);
  for (const c of r.changed) lines.push(`Changed: ${c.unit} (${c.keys.join(', ')})`);
  for (const u of r.dependenciesChanged ?? []) lines.push(`Dependencies changed: ${u}`);
  for (const u of r.needRestart) lines.push(`Still running with the old configuration (restart to apply): ${u}`);
  return lines;
}

const daemonReload: Verb = {
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    let report: ReloadReport;
    try {
      report = await ctx.rpc.call('Reload', {});
    } catch (err) {
      ctx.io.err(`Failed to reload daemon: ${(err as Error).message}`);
      return EXIT.failure;
    }
    if (ctx.options.explain || process.stdout.isTTY === true) for (const line of reloadReportLines(report)) ctx.io.out(line);
    return EXIT.success;
  },
};
export default daemonReload;
