// `list-timers [--all] [PATTERN…]` (systemctl 252's output_timers_list): one row per loaded timer,
// soonest first, with NEXT/LEFT/LAST/PASSED against the manager's wall clock; "-" for none.
// Without --all, inactive timers are left out, as list-units leaves them out.
import type { TimerSummary } from '../../engine/api.ts';
import { EXIT } from '../exit-codes.ts';
import { formatTimestamp, table } from '../format.ts';
import { printJson, wantsJson } from '../json-output.ts';
import { matchesAny } from '../unit-names.ts';
import { fromNow } from './calendar.ts';
import type { Verb } from './verb.ts';

/** The rows' order: next elapse (0 first, none last), then unit name (timer_info_compare). */
function byNext(a: TimerSummary, b: TimerSummary): number {
  const na = a.nextUsec ?? Infinity;
  const nb = b.nextUsec ?? Infinity;
  if (na !== nb) return na < nb ? -1 : 1;
  return a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0;
}

export function listTimersLines(timers: readonly TimerSummary[], nowUsec: number, o: { legend: boolean; all: boolean }): string[] {
  const when = (t: number | null): string => (!t ? '-' : formatTimestamp(t));
  const rel = (t: number | null): string => (!t ? '-' : fromNow(t, nowUsec));
  const rows = [...timers].sort(byNext).map((t) => [
    when(t.nextUsec), rel(t.nextUsec), when(t.lastUsec), rel(t.lastUsec), t.unit, t.activates.join(', ') || '-',
  ]);
  if (!o.legend) return table(rows);
  const lines = [...table([['NEXT', 'LEFT', 'LAST', 'PASSED', 'UNIT', 'ACTIVATES'], ...rows]), '', `${timers.length} timers listed.`];
  if (!o.all) lines.push('Pass --all to see loaded but inactive timers, too.');
  return lines;
}

/**
 * --output=json: systemctl 252's table as JSON, as recorded on the oracle: timestamp cells in µs
 * (0 when unset; null for infinity), `activates` a string.
 */
export function listTimersJson(timers: readonly TimerSummary[]): Record<string, unknown>[] {
  return [...timers].sort(byNext).map((t) => ({
    next: t.nextUsec, left: t.nextUsec, last: t.lastUsec ?? 0, passed: t.lastUsec ?? 0, unit: t.unit, activates: t.activates.join(' '),
  }));
}

const listTimers: Verb = {
  minArgs: 0,
  pager: true,
  async run(ctx, args) {
    const o = ctx.options;
    const { timers, nowUsec } = await ctx.rpc.call('ListTimers', {});
    const shown = timers.filter((t) => (o.all || t.activeState !== 'inactive') && matchesAny(args, t.unit));
    if (wantsJson(o.output)) {
      printJson(ctx, listTimersJson(shown));
      return EXIT.success;
    }
    for (const line of listTimersLines(shown, nowUsec, { legend: !o.noLegend, all: o.all })) ctx.io.out(line);
    return EXIT.success;
  },
};
export default listTimers;
