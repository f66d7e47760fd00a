// The Linux signal table (x86/arm numbering): names ↔ numbers, parsing `TERM`, `SIGTERM`, `15`,
// `RTMIN+3`. Data only; sending signals is the process driver's business.

/** Standard signals 1…31 in kernel order. */
const STANDARD = [
  'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM',
  'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS',
] as const;

export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

/** Other spellings that name the same signal. */
const ALIASES: Readonly<Record<string, number>> = { IOT: 6, POLL: 29, CLD: 17 };

const BY_NAME: ReadonlyMap<string, number> = new Map([
  ...STANDARD.map((n, i) => [n, i + 1] as const),
  ...Object.entries(ALIASES),
]);

/** Short name without `SIG` (`TERM`, `RTMIN+2`), or null for numbers outside 1…64. */
export function signalShortName(sig: number): string | null {
  if (!Number.isInteger(sig) || sig < 1 || sig > SIGRTMAX) return null;
  if (sig <= STANDARD.length) return STANDARD[sig - 1]!;
  if (sig < SIGRTMIN) return null;
  return sig === SIGRTMIN ? 'RTMIN' : sig === SIGRTMAX ? 'RTMAX' : `RTMIN+${sig - SIGRTMIN}`;
}

/** `SIGTERM`; unnamed numbers print as the number. */
export function formatSignal(sig: number): string {
  const short = signalShortName(sig);
  return short === null ? String(sig) : `SIG${short}`;
}

function parseRealtime(name: string): number | null {
  const m = /^RTM(IN|AX)(?:([+-])(\d+))?$/.exec(name);
  if (!m) return null;
  const base = m[1] === 'IN' ? SIGRTMIN : SIGRTMAX;
  const delta = m[3] === undefined ? 0 : Number(m[3]) * (m[2] === '-' ? -1 : 1);
  const sig = base + delta;
  return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : null;
}

/** Parses `TERM`, `SIGTERM`, `15`, `RTMIN+1`; null when invalid (0 is not a signal). */
export function parseSignal(text: string): number | null {
  const s = text.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n >= 1 && n <= SIGRTMAX ? n : null;
  }
  const name = s.startsWith('SIG') ? s.slice(3) : s;
  return BY_NAME.get(name) ?? parseRealtime(name);
}
