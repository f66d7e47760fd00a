// `list-jobs [PATTERN…]`: the job table of 06 §8.3, patterns matched against unit names;
// --after/--before add, under each job, the jobs it blocks and waits for (GetJobOrder per job);
// --output=json prints systemctl's row objects (nothing at all when there is no job, as 252 does).
import type { JobSummary } from '../../engine/api.ts';
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { jobOrderRows, listJobsLines } from '../format.ts';
import { listJobsJson, printJson, wantsJson } from '../json-output.ts';
import { isUtf8Locale } from '../unit-files.ts';
import { matchesAny } from '../unit-names.ts';
import type { Verb } from './verb.ts';

async function orderRows(ctx: Context, jobs: readonly JobSummary[]): Promise<Map<number, string[][]>> {
  const o = { after: ctx.options.jobsAfter, before: ctx.options.jobsBefore, utf8: isUtf8Locale() };
  const sub = new Map<number, string[][]>();
  for (const j of jobs) {
    try {
      sub.set(j.id, jobOrderRows(await ctx.rpc.call('GetJobOrder', { id: j.id }), o));
    } catch {
      // The job ended since ListJobs (systemctl ignores that too) or an older daemon: no rows.
    }
  }
  return sub;
}

const listJobs: Verb = {
  minArgs: 0,
  pager: true,
  async run(ctx, args) {
    const { jobs } = await ctx.rpc.call('ListJobs', {});
    const shown = jobs.filter((j) => matchesAny(args, j.unit));
    if (wantsJson(ctx.options.output)) {
      if (shown.length > 0) printJson(ctx, listJobsJson(shown));
      return EXIT.success;
    }
    const sub = ctx.options.jobsAfter || ctx.options.jobsBefore ? await orderRows(ctx, shown) : undefined;
    for (const line of listJobsLines(shown, { legend: !ctx.options.noLegend, skipped: shown.length < jobs.length, ...(sub ? { sub } : {}) })) ctx.io.out(line);
    return EXIT.success;
  },
};
export default listJobs;
