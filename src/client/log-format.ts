// How captured service output is shown: journalctl's `short` lines, its JSON export fields, and
// the --since TIME forms unitctl accepts. Pure functions of their arguments.
import type { LogEntry } from '../engine/api.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `Mon DD HH:MM:SS host ident[pid]: message`, in local time, as journalctl -o short. */
export function shortLine(e: LogEntry, hostname: string): string {
  const d = new Date(Math.floor(e.ts / 1000));
  const when = `${MONTHS[d.getMonth()]} ${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${when} ${hostname || 'localhost'} ${e.identifier}[${e.pid}]: ${e.message}`;
}

/** One JSON object per line with journalctl -o json's field names (values as strings). */
export function jsonLine(e: LogEntry, hostname: string): string {
  return JSON.stringify({
    __REALTIME_TIMESTAMP: String(e.ts), _HOSTNAME: hostname, _SYSTEMD_UNIT: e.unit, _PID: String(e.pid),
    PRIORITY: String(e.priority), SYSLOG_IDENTIFIER: e.identifier, _TRANSPORT: 'stdout', STREAM: e.stream, MESSAGE: e.message,
  });
}

const SPAN_UNITS: Readonly<Record<string, number>> = {
  s: 1, sec: 1, second: 1, seconds: 1, m: 60, min: 60, minute: 60, minutes: 60,
  h: 3600, hour: 3600, hours: 3600, d: 86400, day: 86400, days: 86400, w: 604800, week: 604800, weeks: 604800,
};

function spanSeconds(text: string): number | null {
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)\s*/g)) {
    const unit = SPAN_UNITS[m[2]!];
    if (unit === undefined) return null;
    total += Number(m[1]) * unit;
    matched += m[0];
  }
  return matched.length === text.length && matched !== '' ? total : null;
}

/**
 * --since TIME → µs since the epoch: `now`, `today`, `yesterday`, `@SECONDS`, `-5min` or
 * `5min ago`, `YYYY-MM-DD [HH:MM[:SS]]`, `HH:MM[:SS]` (today). null if it cannot be parsed.
 */
export function parseSince(text: string, nowMs: number): number | null {
  const t = text.trim();
  const midnight = new Date(nowMs);
  midnight.setHours(0, 0, 0, 0);
  if (t === 'now') return nowMs * 1000;
  if (t === 'today') return midnight.getTime() * 1000;
  if (t === 'yesterday') return (midnight.getTime() - 86_400_000) * 1000;
  if (/^@\d+(\.\d+)?$/.test(t)) return Math.round(Number(t.slice(1)) * 1e6);
  const rel = t.startsWith('-') ? t.slice(1) : t.endsWith(' ago') ? t.slice(0, -4) : null;
  if (rel !== null) {
    const s = spanSeconds(rel.trim());
    return s === null ? null : Math.round((nowMs - s * 1000) * 1000);
  }
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (clock) {
    const d = new Date(midnight);
    d.setHours(Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0));
    return d.getTime() * 1000;
  }
  const full = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (full) {
    const d = new Date(Number(full[1]), Number(full[2]) - 1, Number(full[3]), Number(full[4] ?? 0), Number(full[5] ?? 0), Number(full[6] ?? 0));
    return Number.isNaN(d.getTime()) ? null : d.getTime() * 1000;
  }
  return null;
}
