// systemd calendar events (systemd.time(7), "Calendar Events"; systemd 252 calendarspec.c): parse,
// print in the normalized form, and find the next elapse. Pure: time zones arrive as a port.
import { fail, ok, type Result } from './errors.ts';
import { civilFromDays } from './time.ts';

/** One `start[..stop][/repeat]` item; values of the seconds field are in µs. */
export interface CalendarComponent {
  readonly start: number;
  /** Last value of a range (normalized to one that is reached), or null. */
  readonly stop: number | null;
  /** Step; 0 when there is none (a range without `/N` steps by 1 or 1s). */
  readonly repeat: number;
}

/** A comma list of components, sorted and without duplicates; null is `*`. */
export type CalendarChain = readonly CalendarComponent[] | null;

export interface CalendarSpec {
  /** Bit 0 = Monday … bit 6 = Sunday; 127 = any day. */
  readonly weekdays: number;
  readonly year: CalendarChain;
  readonly month: CalendarChain;
  readonly day: CalendarChain;
  /** `~`: day values count back from the last day of the month (1 = last day). */
  readonly endOfMonth: boolean;
  readonly hour: CalendarChain;
  readonly minute: CalendarChain;
  /** µs within the minute. */
  readonly second: CalendarChain;
  readonly utc: boolean;
  /** A named zone (IANA, kept as written); null for local time or UTC. */
  readonly timezone: string | null;
}

/** The zone a spec is evaluated in; the daemon implements named zones with Intl. */
export interface TimeZone {
  /** Seconds east of UTC in effect at that instant. */
  offsetAt(utcUsec: number): number;
}

export const UTC_ZONE: TimeZone = { offsetAt: () => 0 };
export const fixedOffsetZone = (seconds: number): TimeZone => ({ offsetAt: () => seconds });

export interface ParseCalendarOptions {
  /** Whether a trailing word names a time zone (systemd asks tzdata); default: IANA-shaped names. */
  readonly isTimeZone?: (name: string) => boolean;
}

const SEC = 1_000_000;
const ANY_WEEKDAY = 127;
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const FULL_DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** Shorthands (systemd.time(7)); matched case-insensitively, replaced before parsing. */
const SHORTHANDS: Readonly<Record<string, string>> = {
  minutely: '*-*-* *:*:00',
  hourly: '*-*-* *:00:00',
  daily: '*-*-* 00:00:00',
  monthly: '*-*-01 00:00:00',
  weekly: 'Mon *-*-* 00:00:00',
  yearly: '*-01-01 00:00:00',
  annually: '*-01-01 00:00:00',
  anually: '*-01-01 00:00:00', // systemd keeps this misspelling for compatibility
  quarterly: '*-01,04,07,10-01 00:00:00',
  semiannually: '*-01,07-01 00:00:00',
  'semi-annually': '*-01,07-01 00:00:00',
};

type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';
/** Valid value range per field (seconds in µs); the year range is systemd's. */
const FIELD_RANGE: Readonly<Record<Field, readonly [number, number]>> = {
  year: [1970, 2199], month: [1, 12], day: [1, 31], hour: [0, 23], minute: [0, 59], second: [0, 60 * SEC - 1],
};

const IANA_SHAPE = /^[A-Za-z][A-Za-z0-9+_-]*(\/[A-Za-z0-9+_-]+)*$/;
const defaultIsTimeZone = (name: string): boolean =>
  IANA_SHAPE.test(name) && !DAY_NAMES.some((d) => name.toLowerCase().startsWith(d.toLowerCase()));

class Invalid extends Error {}
const invalid = (): never => { throw new Invalid(); };

export function calendarParseError(text: string): string {
  return `Failed to parse calendar specification '${text}': Invalid argument`;
}

export function parseCalendar(text: string, options: ParseCalendarOptions = {}): Result<CalendarSpec> {
  try {
    return ok(parseOrThrow(text, options.isTimeZone ?? defaultIsTimeZone));
  } catch (e) {
    if (e instanceof Invalid) return fail('InvalidArgs', [calendarParseError(text)]);
    throw e;
  }
}

function parseOrThrow(text: string, isTimeZone: (name: string) => boolean): CalendarSpec {
  let p = text;
  let utc = false;
  let timezone: string | null = null;
  const space = p.lastIndexOf(' ');
  if (space >= 0) {
    const last = p.slice(space + 1);
    if (last.toLowerCase() === 'utc') { utc = true; p = p.slice(0, space); }
    else if (isTimeZone(last)) { timezone = last; p = p.slice(0, space); }
  }
  if (p === '') invalid();
  if (p.startsWith('@')) return fromEpoch(p.slice(1));
  p = SHORTHANDS[p.toLowerCase()] ?? p;
  const cur = { s: p, i: 0 };
  const weekdays = parseWeekdays(cur);
  skipSpaces(cur);
  const date = parseDate(cur);
  skipSpaces(cur);
  const time = parseTime(cur);
  if (cur.i !== cur.s.length) invalid();
  return { weekdays, ...date, ...time, utc, timezone };
}

interface Cursor { readonly s: string; i: number }
const peek = (c: Cursor, n = 0): string => c.s[c.i + n] ?? '';
function skipSpaces(c: Cursor): void { while (peek(c) === ' ') c.i++; }

function fromEpoch(digits: string): CalendarSpec {
  if (!/^\d+$/.test(digits)) invalid();
  const secs = Number(digits);
  const days = Math.floor(secs / 86_400);
  const rest = secs - days * 86_400;
  const { year, month, day } = civilFromDays(days);
  const one = (v: number): CalendarChain => [{ start: v, stop: null, repeat: 0 }];
  const spec: CalendarSpec = {
    weekdays: ANY_WEEKDAY, year: one(year), month: one(month), day: one(day), endOfMonth: false,
    hour: one(Math.floor(rest / 3600)), minute: one(Math.floor(rest / 60) % 60), second: one((rest % 60) * SEC), utc: true, timezone: null,
  };
  if (!inRange(spec.year, 'year')) invalid();
  return spec;
}

function weekdayAt(c: Cursor): number | null {
  const rest = c.s.slice(c.i).toLowerCase();
  for (const names of [FULL_DAY_NAMES, DAY_NAMES]) {
    const i = names.findIndex((n) => rest.startsWith(n.toLowerCase()));
    if (i >= 0) { c.i += names[i]!.length; return i; }
  }
  return null;
}

/** `Mon..Fri,Sun` (`-` also makes a range); nothing when the text does not start with a day name. */
function parseWeekdays(c: Cursor): number {
  let bits = 0;
  let rangeFrom: number | null = null;
  for (let first = true; ; first = false) {
    const d = weekdayAt(c);
    if (d === null) return first ? ANY_WEEKDAY : invalid();
    if (rangeFrom !== null && d < rangeFrom) invalid();
    for (let k = rangeFrom ?? d; k <= d; k++) bits |= 1 << k;
    rangeFrom = null;
    const ch = peek(c);
    if (ch === '' || ch === ' ') return bits;
    if (ch === ',') c.i++;
    else if (ch === '-') { c.i++; rangeFrom = d; }
    else if (ch === '.' && peek(c, 1) === '.') { c.i += 2; rangeFrom = d; }
    else invalid();
  }
}

const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';

/** A decimal; with `usec` it may carry a fraction and is returned in µs. */
function parseNumber(c: Cursor, usec: boolean): number {
  const start = c.i;
  while (isDigit(peek(c))) c.i++;
  if (c.i === start) invalid();
  let value = Number(c.s.slice(start, c.i));
  if (!usec) return value;
  value *= SEC;
  if (peek(c) === '.' && isDigit(peek(c, 1))) {
    c.i++;
    const f = c.i;
    while (isDigit(peek(c))) c.i++;
    value += Number(c.s.slice(f, c.i).slice(0, 6).padEnd(6, '0'));
  }
  return value;
}

const TERMINATORS = new Set(['', ' ', ',', '-', '~', ':']);

function parseComponent(c: Cursor, usec: boolean): CalendarComponent {
  const start = parseNumber(c, usec);
  let stop: number | null = null;
  let repeat = 0;
  if (peek(c) === '.' && peek(c, 1) === '.') {
    c.i += 2;
    stop = parseNumber(c, usec);
    repeat = usec ? SEC : 1;
  }
  if (peek(c) === '/') {
    c.i++;
    repeat = parseNumber(c, usec);
    if (repeat === 0) invalid();
  } else if (usec && stop !== null && start + repeat > stop) invalid();
  if (!TERMINATORS.has(peek(c))) invalid();
  if (stop !== null && stop < start) invalid();
  return { start, stop, repeat };
}

/** `*` or `a,b..c,d/n`. */
function parseChain(c: Cursor, usec: boolean): CalendarComponent[] | null {
  if (peek(c) === '*') {
    c.i++;
    return null;
  }
  const items = [parseComponent(c, usec)];
  while (peek(c) === ',') {
    c.i++;
    items.push(parseComponent(c, usec));
  }
  return items;
}

/** Ranges end on a value they reach; one-value ranges become plain values; sorted, deduplicated. */
function normalizeChain(chain: readonly CalendarComponent[] | null, field: Field): CalendarChain {
  if (chain === null) return null;
  const fixed = chain.map((x): CalendarComponent => {
    let { start, stop } = x;
    if (field === 'year') { start = fixYear(start); stop = stop === null ? null : fixYear(stop); }
    if (stop !== null && x.repeat > 0) stop = start + Math.floor((stop - start) / x.repeat) * x.repeat;
    return stop === start ? { start, stop: null, repeat: 0 } : { start, stop, repeat: x.repeat };
  });
  fixed.sort((a, b) => a.start - b.start || (a.stop ?? -1) - (b.stop ?? -1) || a.repeat - b.repeat);
  const out = fixed.filter((x, i) => {
    const prev = fixed[i - 1];
    return !prev || prev.start !== x.start || prev.stop !== x.stop || prev.repeat !== x.repeat;
  });
  if (!inRange(out, field)) invalid();
  return out;
}

/** Two-digit years: 70–99 are 19xx, 0–69 are 20xx. */
const fixYear = (y: number): number => (y < 70 ? y + 2000 : y < 100 ? y + 1900 : y);

function inRange(chain: CalendarChain, field: Field): boolean {
  if (chain === null) return true;
  const [lo, hi] = FIELD_RANGE[field];
  return chain.every((x) => x.start >= lo && x.start <= hi && (x.stop === null || x.stop <= hi));
}

function parseDate(c: Cursor): Pick<CalendarSpec, 'year' | 'month' | 'day' | 'endOfMonth'> {
  const none = { year: null, month: null, day: null, endOfMonth: false };
  if (peek(c) === '') return none;
  const save = c.i;
  const first = parseChain(c, false);
  if (peek(c) === ':') { c.i = save; return none; } // it was the time
  let endOfMonth = false;
  const sep = (): void => {
    const ch = peek(c);
    if (ch === '~') endOfMonth = true;
    else if (ch !== '-') invalid();
    c.i++;
  };
  sep();
  const second = parseChain(c, false);
  if (peek(c) === '' || peek(c) === ' ') return finishDate(null, first, second, endOfMonth);
  if (endOfMonth) invalid();
  sep();
  const third = parseChain(c, false);
  if (peek(c) !== '' && peek(c) !== ' ') invalid();
  return finishDate(first, second, third, endOfMonth);
}

function finishDate(year: CalendarComponent[] | null, month: CalendarComponent[] | null, day: CalendarComponent[] | null, endOfMonth: boolean) {
  // `~N/M` counts towards the end of the month; a step that reaches past it is refused (as 252 does).
  if (endOfMonth && day?.some((x) => x.stop === null && x.repeat > 0 && x.start <= x.repeat)) invalid();
  return { year: normalizeChain(year, 'year'), month: normalizeChain(month, 'month'), day: normalizeChain(day, 'day'), endOfMonth };
}

function parseTime(c: Cursor): Pick<CalendarSpec, 'hour' | 'minute' | 'second'> {
  const zero: CalendarChain = [{ start: 0, stop: null, repeat: 0 }];
  if (peek(c) === '') return { hour: zero, minute: zero, second: zero };
  const hour = parseChain(c, false);
  if (peek(c) !== ':') invalid();
  c.i++;
  const minute = parseChain(c, false);
  let second: CalendarChain = zero;
  if (peek(c) === ':') {
    c.i++;
    second = parseChain(c, true);
  }
  if (peek(c) !== '') invalid();
  return { hour: normalizeChain(hour, 'hour'), minute: normalizeChain(minute, 'minute'), second: normalizeChain(second, 'second') };
}

// ---- Normalized form ----

function formatWeekdays(bits: number): string {
  const parts: string[] = [];
  for (let d = 0; d < 7; d++) {
    if ((bits & (1 << d)) === 0) continue;
    let e = d;
    while (e + 1 < 7 && (bits & (1 << (e + 1))) !== 0) e++;
    if (e - d >= 2) parts.push(`${DAY_NAMES[d]}..${DAY_NAMES[e]}`);
    else for (let k = d; k <= e; k++) parts.push(DAY_NAMES[k]!);
    d = e;
  }
  return parts.join(',');
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function formatValue(v: number, width: number, usec: boolean): string {
  if (!usec) return pad(v, width);
  const frac = v % SEC;
  return pad(Math.floor(v / SEC), width) + (frac ? `.${pad(frac, 6)}` : '');
}

function formatRepeat(v: number, usec: boolean): string {
  if (!usec) return String(v);
  const frac = v % SEC;
  return String(Math.floor(v / SEC)) + (frac ? `.${pad(frac, 6)}` : '');
}

function formatChain(chain: CalendarChain, width: number, usec = false): string {
  if (chain === null) return '*';
  const unit = usec ? SEC : 1;
  return chain.map((x) => {
    let s = formatValue(x.start, width, usec);
    if (x.stop !== null) s += `..${formatValue(x.stop, width, usec)}`;
    if (x.repeat > 0 && !(x.stop !== null && x.repeat === unit)) s += `/${formatRepeat(x.repeat, usec)}`;
    return s;
  }).join(',');
}

/** What `systemd-analyze calendar` prints as "Normalized form:". */
export function formatCalendar(spec: CalendarSpec): string {
  const days = spec.weekdays === ANY_WEEKDAY ? '' : `${formatWeekdays(spec.weekdays)} `;
  const date = `${formatChain(spec.year, 4)}-${formatChain(spec.month, 2)}${spec.endOfMonth ? '~' : '-'}${formatChain(spec.day, 2)}`;
  const time = `${formatChain(spec.hour, 2)}:${formatChain(spec.minute, 2)}:${formatChain(spec.second, 2, true)}`;
  const zone = spec.utc ? ' UTC' : spec.timezone !== null ? ` ${spec.timezone}` : '';
  return `${days}${date} ${time}${zone}`;
}

// ---- Next elapse ----

function componentHas(x: CalendarComponent, v: number): boolean {
  if (v < x.start || (x.stop !== null && v > x.stop)) return false;
  return x.repeat > 0 ? (v - x.start) % x.repeat === 0 : v === x.start;
}

const chainHas = (chain: CalendarChain, v: number): boolean => chain === null || chain.some((x) => componentHas(x, v));

/** With `~`, value N is the N-th last day; a bare `~N/M` steps towards the end of the month. */
function dayMatches(spec: CalendarSpec, day: number, daysInMonth: number): boolean {
  if (!spec.endOfMonth || spec.day === null) return chainHas(spec.day, day);
  const v = daysInMonth - day + 1;
  return spec.day.some((x) => (x.stop === null && x.repeat > 0
    ? v <= x.start && v >= 1 && (x.start - v) % x.repeat === 0
    : componentHas(x, v)));
}

/** The smallest matching µs-of-minute ≥ from, or null. */
function nextSecond(chain: CalendarChain, from: number): number | null {
  const max = FIELD_RANGE.second[1];
  if (chain === null) { // `*` means every whole second
    const v = Math.ceil(from / SEC) * SEC;
    return v <= max ? v : null;
  }
  let best: number | null = null;
  for (const x of chain) {
    let v: number;
    if (from <= x.start) v = x.start;
    else if (x.repeat === 0) continue;
    else v = x.start + Math.ceil((from - x.start) / x.repeat) * x.repeat;
    if ((x.stop !== null && v > x.stop) || v > max) continue;
    if (best === null || v < best) best = v;
  }
  return best;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const daysInMonth = (y: number, m: number): number => (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!);

/** Days since 1970-01-01 of a civil date (inverse of civilFromDays). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
const weekdayOf = (days: number): number => (((days + 3) % 7) + 7) % 7;

const MINUTE = 60 * SEC;
const DAY = 86_400 * SEC;

/** The first wall-clock time ≥ fromLocal (µs, local) that matches, or null after 2199. */
export function nextLocalMatch(spec: CalendarSpec, fromLocal: number): number | null {
  const days0 = Math.floor(fromLocal / DAY);
  const inDay = fromLocal - days0 * DAY;
  let { year: y, month: mo, day: d } = civilFromDays(days0);
  let h = Math.floor(inDay / (60 * MINUTE));
  let mi = Math.floor(inDay / MINUTE) % 60;
  let us = inDay % MINUTE;
  const maxYear = FIELD_RANGE.year[1];
  for (;;) {
    if (y > maxYear) return null;
    if (mo > 12 || !chainHas(spec.year, y)) { y++; mo = 1; d = 1; h = 0; mi = 0; us = 0; continue; }
    const dim = daysInMonth(y, mo);
    if (d > dim || !chainHas(spec.month, mo)) { mo++; d = 1; h = 0; mi = 0; us = 0; continue; }
    const days = daysFromCivil(y, mo, d);
    if (h > 23 || !dayMatches(spec, d, dim) || (spec.weekdays & (1 << weekdayOf(days))) === 0) { d++; h = 0; mi = 0; us = 0; continue; }
    if (mi > 59 || !chainHas(spec.hour, h)) { h++; mi = 0; us = 0; continue; }
    if (!chainHas(spec.minute, mi)) { mi++; us = 0; continue; }
    const s = nextSecond(spec.second, us);
    if (s === null) { mi++; us = 0; continue; }
    return days * DAY + (h * 60 + mi) * MINUTE + s;
  }
}

/** The UTC instants showing wall-clock `local` in `tz` (none in a gap, two in a fold). */
function utcCandidates(local: number, tz: TimeZone): number[] {
  const offsets = new Set([tz.offsetAt(local - DAY), tz.offsetAt(local), tz.offsetAt(local + DAY)]);
  const found = [...offsets].map((o) => local - o * SEC).filter((u) => u + tz.offsetAt(u) * SEC === local);
  return [...new Set(found)].sort((a, b) => a - b);
}

/**
 * The next elapse strictly after `afterUsec` (µs since the epoch), or null when there is none.
 * `tz` is the spec's named zone, or the local zone when it names none; a `UTC` spec ignores it.
 */
export function nextElapse(spec: CalendarSpec, afterUsec: number, tz: TimeZone = UTC_ZONE): number | null {
  const zone = spec.utc ? UTC_ZONE : tz;
  let from = afterUsec + zone.offsetAt(afterUsec) * SEC + 1;
  // A fold repeats wall-clock times: step back over it so its second pass is not skipped.
  from = Math.min(from, afterUsec + zone.offsetAt(afterUsec - DAY) * SEC + 1);
  for (let guard = 0; guard < 10_000; guard++) {
    const local = nextLocalMatch(spec, from);
    if (local === null) return null;
    // A wall-clock time that a DST gap skips never elapses; one a fold repeats elapses once.
    const hit = utcCandidates(local, zone).find((u) => u > afterUsec);
    if (hit !== undefined) return hit;
    from = local + 1;
  }
  return null;
}
