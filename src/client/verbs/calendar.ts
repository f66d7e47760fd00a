// `calendar EXPR…`: validates calendar events and shows their normalized form and next elapse,
// printed like `systemd-analyze calendar` (252). Client-only: it never talks to the daemon.
import { formatCalendar, nextElapse, parseCalendar, type TimeZone } from '../../engine/calendar.ts';
import { intlZone, isTimeZone } from '../../host/time-zones.ts';
import { EXIT } from '../exit-codes.ts';
import { formatAgo, formatTimestamp } from '../format.ts';
import type { Io } from '../context.ts';
import type { Verb } from './verb.ts';

const pad2 = (n: number): string => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function formatUtc(usec: number): string {
  const d = new Date(Math.floor(usec / 1000));
  return `${DAYS[d.getUTCDay()]} ${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC`;
}

/** `41min left` / `2 years 10 months ago`, as format_timestamp_relative words it. */
export function fromNow(targetUsec: number, nowUsec: number): string {
  if (targetUsec > nowUsec) return formatAgo(targetUsec - nowUsec).replace(/ ago$/, ' left');
  return formatAgo(nowUsec - targetUsec);
}

export interface CalendarEnv {
  readonly nowUsec: number;
  /** Whether local time is UTC (then the "(in UTC)" line is left out). */
  readonly localIsUtc: boolean;
  readonly localZone: TimeZone;
  readonly zone: (name: string) => TimeZone;
  readonly isTimeZone: (name: string) => boolean;
  readonly formatLocal: (usec: number) => string;
}

/** Prints one block per expression, blank lines between; returns the exit status. */
export function printCalendar(io: Io, exprs: readonly string[], env: CalendarEnv): number {
  let status: number = EXIT.success;
  exprs.forEach((expr, i) => {
    if (i > 0) io.out('');
    const r = parseCalendar(expr, { isTimeZone: env.isTimeZone });
    if (!r.ok) { io.err(r.error.message); status = EXIT.failure; return; }
    const normalized = formatCalendar(r.value);
    if (normalized !== expr) io.out(`  Original form: ${expr}`);
    io.out(`Normalized form: ${normalized}`);
    const next = nextElapse(r.value, env.nowUsec, r.value.timezone !== null ? env.zone(r.value.timezone) : env.localZone);
    if (next === null) { io.out('    Next elapse: never'); return; }
    io.out(`    Next elapse: ${env.formatLocal(next)}`);
    if (!env.localIsUtc) io.out(`       (in UTC): ${formatUtc(next)}`);
    io.out(`       From now: ${fromNow(next, env.nowUsec)}`);
  });
  return status;
}

const calendar: Verb = {
  minArgs: 1,
  offline: true,
  async run(ctx, args) {
    const local = intlZone();
    const jan = Date.UTC(new Date().getUTCFullYear(), 0, 1) * 1000;
    const localIsUtc = local.offsetAt(jan) === 0 && local.offsetAt(jan + 182 * 86_400e6) === 0;
    return printCalendar(ctx.io, args, {
      nowUsec: Date.now() * 1000, localIsUtc, localZone: local, zone: intlZone, isTimeZone, formatLocal: localIsUtc ? formatUtc : formatTimestamp,
    });
  },
};

export default calendar;
