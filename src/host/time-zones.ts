// Time zones on this host, for the daemon (OnCalendar= timers, the unit-file zone check) and the
// client (`unitctl calendar`): one implementation over /usr/share/zoneinfo and Intl.
import { readFileSync, statSync } from 'node:fs';
import type { TimeZone } from '../engine/calendar.ts';

const ZONEINFO = '/usr/share/zoneinfo';
const ZONE_NAME = /^[A-Za-z0-9+_-]+(\/[A-Za-z0-9+_-]+)*$/;

/** systemd's timezone_is_valid(): a TZif file under /usr/share/zoneinfo (not a directory); without tzdata, Intl decides. */
export function isTimeZone(name: string, zoneinfo = ZONEINFO): boolean {
  if (!ZONE_NAME.test(name)) return false;
  if (statSync(zoneinfo, { throwIfNoEntry: false }) === undefined) {
    try { new Intl.DateTimeFormat('en-US', { timeZone: name }); return true; } catch { return false; }
  }
  try { return readFileSync(`${zoneinfo}/${name}`).subarray(0, 4).toString('latin1') === 'TZif'; } catch { return false; }
}

/** A zone over Intl (Node's bundled tzdata); `name` undefined is the process's local zone. Throws for unknown names. */
export function intlZone(name?: string): TimeZone {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  return {
    offsetAt(utcUsec: number): number {
      const ms = Math.floor(utcUsec / 1e6) * 1000;
      const p: Record<string, number> = {};
      for (const part of fmt.formatToParts(new Date(ms))) p[part.type] = Number(part.value);
      return (Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!) - ms) / 1000;
    },
  };
}
