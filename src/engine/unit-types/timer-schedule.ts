// The arithmetic of timer units (systemd 252 timer.c, sd-event's sleep_between): timer values
// from the config, the next elapse of each value, RandomizedDelaySec= and AccuracySec=.
// Pure: every instant, zone and random number arrives as an argument.
import { nextElapse, parseCalendar, type CalendarSpec, type TimeZone } from '../calendar.ts';
import type { TimerConfig } from '../unit-file/config.ts';
import type { Usec } from '../types.ts';

export const TIMER_BASES = ['OnActive', 'OnBoot', 'OnStartup', 'OnUnitActive', 'OnUnitInactive', 'OnCalendar'] as const;
export type TimerBase = (typeof TIMER_BASES)[number];

export interface TimerValue {
  readonly base: TimerBase;
  /** The span of a monotonic value; 0 for OnCalendar=. */
  readonly usec: Usec;
  readonly calendar: CalendarSpec | null;
  /** One-shot values (OnActive/OnBoot/OnStartup) that already elapsed; re-enabled by start. */
  disabled: boolean;
  /** Last computed elapse (monotonic, or realtime for OnCalendar=); 0 until computed. */
  nextElapse: Usec;
}

export interface Stamp { readonly realtime: Usec; readonly monotonic: Usec }

const MONOTONIC_KEYS = [
  ['OnActive', 'onActiveUsec'], ['OnBoot', 'onBootUsec'], ['OnStartup', 'onStartupUsec'],
  ['OnUnitActive', 'onUnitActiveUsec'], ['OnUnitInactive', 'onUnitInactiveUsec'],
] as const satisfies readonly (readonly [TimerBase, keyof TimerConfig])[];

/**
 * The values in systemd's list order. systemd prepends each value as it parses it, so show lists
 * them last-first; the config keeps one list per kind, so kinds count in the order above.
 */
export function timerValues(c: TimerConfig): TimerValue[] {
  const out: TimerValue[] = [];
  for (const [base, key] of MONOTONIC_KEYS) for (const usec of c[key]) out.push({ base, usec, calendar: null, disabled: false, nextElapse: 0 });
  for (const text of c.onCalendar) {
    const r = parseCalendar(text);
    if (r.ok) out.push({ base: 'OnCalendar', usec: 0, calendar: r.value, disabled: false, nextElapse: 0 });
  }
  return out.reverse();
}

/** What the next elapse is measured from (timer_enter_waiting). */
export interface ScheduleInput {
  readonly now: Stamp;
  /** When the timer became active (its InactiveExitTimestamp), or null while it is not active. */
  readonly activeSince: Stamp | null;
  /** The manager's start-up; OnBootSec= counts from it too, as systemd does in a container. */
  readonly startup: Stamp;
  readonly lastTrigger: Stamp;
  /** The triggered unit's InactiveExit/InactiveEnter monotonic timestamps (0 = never). */
  readonly unitInactiveExit: Usec;
  readonly unitInactiveEnter: Usec;
  /** Zone of a calendar spec: its named zone, else the local zone. */
  readonly zoneOf: (spec: CalendarSpec) => TimeZone;
  /** A clock change: one-shot values that lie in the past are kept, not disabled. */
  readonly timeChange: boolean;
}

export interface Schedule {
  /** Earliest monotonic elapse (before randomization), or null. */
  readonly monotonic: Usec | null;
  /** Earliest realtime elapse (before randomization), or null. */
  readonly realtime: Usec | null;
  /** OnUnitActiveSec=/OnUnitInactiveSec= keep an elapsed timer around (RemainAfterElapse=no). */
  readonly leaveAround: boolean;
}

const min = (a: Usec | null, b: Usec): Usec => (a === null ? b : Math.min(a, b));

/** Computes every enabled value's next elapse (mutating nextElapse/disabled, as systemd does). */
export function computeSchedule(values: readonly TimerValue[], i: ScheduleInput): Schedule {
  let monotonic: Usec | null = null;
  let realtime: Usec | null = null;
  let leaveAround = false;
  const startupRealtime = i.now.realtime - (i.now.monotonic - i.startup.monotonic);
  for (const v of values) {
    if (v.disabled) continue;
    if (v.calendar) {
      const from = i.lastTrigger.realtime > 0 ? i.lastTrigger.realtime : (i.activeSince ?? i.now).realtime;
      const next = nextElapse(v.calendar, from, i.zoneOf(v.calendar));
      if (next === null) continue;
      // An elapse missed before the manager started (Persistent=) counts from the start-up.
      v.nextElapse = Math.max(next, startupRealtime);
      realtime = min(realtime, v.nextElapse);
      continue;
    }
    let base: Usec;
    if (v.base === 'OnActive') base = (i.activeSince ?? i.now).monotonic;
    else if (v.base === 'OnBoot' || v.base === 'OnStartup') base = i.startup.monotonic;
    else {
      leaveAround = true;
      base = Math.max(v.base === 'OnUnitActive' ? i.unitInactiveExit : i.unitInactiveEnter, i.lastTrigger.monotonic);
      if (base <= 0) continue;
    }
    v.nextElapse = base + v.usec;
    // systemd compares with `<`; an elapse at exactly now was served by the trigger that set
    // lastTrigger too (this matters in virtual time, where a oneshot can finish in zero time).
    const oneShot = v.base === 'OnActive' || v.base === 'OnBoot' || v.base === 'OnStartup';
    if (oneShot && isSet(i.lastTrigger) && !i.timeChange && v.nextElapse <= i.now.monotonic) {
      v.disabled = true;
      continue;
    }
    monotonic = min(monotonic, v.nextElapse);
  }
  return { monotonic, realtime, leaveAround };
}

const isSet = (s: Stamp): boolean => s.realtime > 0 || s.monotonic > 0;

const SEC = 1_000_000;
const MINUTE = 60 * SEC;

/**
 * sd-event's sleep_between: the instant in [a, b] at which to wake. Prefer one shared by every
 * timer on the host (the per-boot perturbation within each minute, then each 10 s, 1 s, 250 ms),
 * else the latest. This is how AccuracySec= coalesces wake-ups.
 */
export function coalesce(a: Usec, b: Usec, perturb: Usec): Usec {
  if (a <= 0) return 0;
  if (b <= a + 1) return a;
  for (const step of [MINUTE, 10 * SEC, SEC, 250_000]) {
    let c = Math.floor(b / step) * step + (perturb % step);
    if (c >= b) {
      if (c < step) return b;
      c -= step;
    }
    if (c >= a) return c;
  }
  return b;
}

/** sd-event's per-boot perturbation: the boot id's two halves XORed, modulo one minute. */
export function perturbFromBootId(bootId: string): Usec {
  const hex = bootId.replace(/[^0-9a-f]/gi, '').padEnd(32, '0').slice(0, 32);
  const x = BigInt(`0x${hex.slice(0, 16)}`) ^ BigInt(`0x${hex.slice(16)}`);
  return Number(x % BigInt(MINUTE));
}

/**
 * FixedRandomDelay=: a delay stable per machine and unit. systemd hashes with SipHash; FNV-1a
 * gives the same stability (not the same numbers).
 */
export function fixedDelayHash(machineId: string, unit: string): number {
  let h = 0xcbf29ce484222325n;
  for (const ch of `${machineId}\0${unit}`) {
    h ^= BigInt(ch.codePointAt(0)!);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return Number(h % 2n ** 53n);
}

/** RandomizedDelaySec=: the delay added to one elapse; `random` is uniform in [0, 1). */
export function randomDelay(randomizedUsec: Usec, o: { fixedHash: number | null; random: () => number }): Usec {
  if (!(randomizedUsec > 0) || !Number.isFinite(randomizedUsec)) return 0;
  if (o.fixedHash !== null) return o.fixedHash % randomizedUsec;
  return Math.floor(o.random() * randomizedUsec);
}
