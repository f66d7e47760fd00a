// The TimeZones port for OnCalendar= (offsets at any instant, so the engine's calendar arithmetic
// handles DST gaps and folds) over the host's Intl zones, cached per name.
import type { TimeZone } from '../engine/calendar.ts';
import type { TimeZones } from '../engine/ports.ts';
import { intlZone } from '../host/time-zones.ts';

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
