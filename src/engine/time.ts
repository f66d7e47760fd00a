// systemd time spans (`5min 20s`, `1.5h`, `infinity`) ↔ microseconds, and realtime timestamps
// formatted the way `systemctl show` prints them. Pure arithmetic: no Date, no locale.
import type { Usec } from './types.ts';

const SEC = 1_000_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 2_629_800 * SEC; // 30.44 days, as systemd counts a month
const YEAR = 31_557_600 * SEC; // 365.25 days

/** Unit words accepted after a number (systemd's parse_sec table). */
const UNIT_WORDS: Readonly<Record<string, number>> = {
  us: 1, usec: 1, 'µs': 1, 'μs': 1,
  ms: 1_000, msec: 1_000,
  s: SEC, sec: SEC, second: SEC, seconds: SEC,
  m: MIN, min: MIN, minute: MIN, minutes: MIN,
  h: HOUR, hr: HOUR, hour: HOUR, hours: HOUR,
  d: DAY, day: DAY, days: DAY,
  w: WEEK, week: WEEK, weeks: WEEK,
  M: MONTH, month: MONTH, months: MONTH,
  y: YEAR, year: YEAR, years: YEAR,
};

const COMPONENT = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-zµμ]*)/;

/**
 * Parses a time span; a bare number counts in `defaultUnitUsec` (seconds unless told).
 * Returns null when the text is not a valid span.
 */
export function parseTimespan(text: string, defaultUnitUsec: number = SEC): Usec | null {
  const s = text.trim();
  if (s === 'infinity') return Number.POSITIVE_INFINITY;
  if (s === '') return null;
  let rest = s;
  let total = 0;
  while (rest.trim() !== '') {
    const m = COMPONENT.exec(rest);
    if (!m) return null;
    const unit = m[2] === '' ? defaultUnitUsec : UNIT_WORDS[m[2]!];
    if (unit === undefined) return null;
    total += Number(m[1]) * unit;
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}

const FORMAT_TABLE: readonly (readonly [string, number])[] = [
  ['y', YEAR], ['month', MONTH], ['w', WEEK], ['d', DAY], ['h', HOUR], ['min', MIN], ['s', SEC], ['ms', 1_000], ['us', 1],
];

/** Digits after the decimal point for a unit of `usec` (s → 6, ms → 3). */
const decimalsFor = (usec: number): number => Math.max(0, Math.round(Math.log10(usec)));

/** Formats like systemd's format_timespan with accuracy 1µs (what `systemctl show` prints). */
export function formatTimespan(usec: Usec): string {
  if (usec === Number.POSITIVE_INFINITY) return 'infinity';
  let t = Math.floor(usec);
  if (!(t > 0)) return '0';
  const parts: string[] = [];
  for (const [suffix, size] of FORMAT_TABLE) {
    if (t <= 0) break;
    if (t < size) continue;
    const whole = Math.floor(t / size);
    const frac = t % size;
    const digits = decimalsFor(size);
    if (t < MIN && frac > 0 && digits > 0) {
      parts.push(`${whole}.${String(frac).padStart(digits, '0')}${suffix}`);
      t = 0;
      break;
    }
    parts.push(`${whole}${suffix}`);
    t = frac;
  }
  return parts.join(' ');
}

const WEEKDAYS = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'] as const; // 1970-01-01 was a Thursday

/** Days since 1970-01-01 → proleptic Gregorian (year, month 1-12, day 1-31). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468; // shift the epoch to 0000-03-01
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Formats a realtime timestamp (µs since the epoch) as `Sun 2026-11-22 03:22:34 UTC`.
 * `offsetUsec` shifts to local time; `zone` is the abbreviation printed after it.
 */
export function formatTimestamp(realtimeUsec: Usec, options: { offsetUsec?: number; zone?: string } = {}): string {
  const local = Math.floor(realtimeUsec / SEC) + Math.floor((options.offsetUsec ?? 0) / SEC);
  const days = Math.floor(local / 86_400);
  const secs = local - days * 86_400;
  const { year, month, day } = civilFromDays(days);
  const weekday = WEEKDAYS[((days % 7) + 7) % 7]!;
  const clock = `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`;
  return `${weekday} ${year}-${pad2(month)}-${pad2(day)} ${clock} ${options.zone ?? 'UTC'}`;
}
