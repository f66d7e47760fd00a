// Time zones for OnCalendar= over Intl (Node's bundled tzdata): offsets at any instant, so the
// engine's calendar arithmetic handles DST gaps and folds. Zones are cached per name.
import type { TimeZone } from '../engine/calendar.ts';
import type { TimeZones } from '../engine/ports.ts';

/** A zone over Intl; `name` undefined is the process's local zone. Throws for unknown names. */
export function intlZone(name: string | undefined): TimeZone {
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

/** `local` is the process's zone (TZ or /etc/localtime); an unknown name falls back to UTC. */
export function intlTimeZones(): TimeZones {
  const cache = new Map<string, TimeZone>();
  const local = intlZone(undefined);
  return {
    local: () => local,
    named(name) {
      let z = cache.get(name);
      if (!z) {
        try { z = intlZone(name); } catch { z = { offsetAt: () => 0 }; }
        cache.set(name, z);
      }
      return z;
    },
  };
}
