// `list-jobs [PATTERN…]`: the job table of 06 §8.3, patterns matched against unit names;
// --output=json prints systemctl's row objects (nothing at all when there is no job, as 252 does).
import { EXIT } from '../exit-codes.ts';
import { listJobsLines } from '../format.ts';
import { listJobsJson, printJson, wantsJson } from '../json-output.ts';
import { matchesAny } from '../unit-names.ts';
import type { Verb } from './verb.ts';

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
    for (const line of listJobsLines(shown, { legend: !ctx.options.noLegend, skipped: shown.length < jobs.length })) ctx.io.out(line);
    return EXIT.success;
  },
};
export default listJobs;
