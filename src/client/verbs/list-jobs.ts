// `list-jobs [PATTERN…]`: the job table of 06 §8.3, patterns matched against unit names.
import { EXIT } from '../exit-codes.ts';
import { listJobsLines } from '../format.ts';
import { matchesAny } from '../unit-names.ts';
import type { Verb } from './verb.ts';

const listJobs: Verb = {
  minArgs: 0,
  async run(ctx, args) {
    const { jobs } = await ctx.rpc.call('ListJobs', {});
    const shown = jobs.filter((j) => matchesAny(args, j.unit));
    for (const line of listJobsLines(shown, { legend: !ctx.options.noLegend, skipped: shown.length < jobs.length })) ctx.io.out(line);
    return EXIT.success;
  },
};
export default listJobs;
