// Signal names and numbers for `kill --signal=` (Linux x86-64 numbering). Client-local on purpose:
// the client may not import the engine's tables (STYLE.md §1).

const SIGNALS: readonly (readonly [string, number])[] = [
  ['HUP', 1], ['INT', 2], ['QUIT', 3], ['ILL', 4], ['TRAP', 5], ['ABRT', 6], ['BUS', 7], ['FPE', 8],
  ['KILL', 9], ['USR1', 10], ['SEGV', 11], ['USR2', 12], ['PIPE', 13], ['ALRM', 14], ['TERM', 15],
  ['STKFLT', 16], ['CHLD', 17], ['CONT', 18], ['STOP', 19], ['TSTP', 20], ['TTIN', 21], ['TTOU', 22],
  ['URG', 23], ['XCPU', 24], ['XFSZ', 25], ['VTALRM', 26], ['PROF', 27], ['WINCH', 28], ['IO', 29],
  ['PWR', 30], ['SYS', 31],
];
const ALIASES: readonly (readonly [string, number])[] = [['IOT', 6], ['POLL', 29]];   // accepted, never listed
const SIGRTMIN = 34;
const SIGRTMAX = 64;
const BY_NAME = new Map([...SIGNALS, ...ALIASES]);

/** `SIGTERM`, `TERM`, `15`, `RTMIN+3`, `SIGRTMAX-1` → number; null when it is no signal. */
export function parseSignal(text: string): number | null {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= SIGRTMAX ? n : null;
  }
  const name = text.startsWith('SIG') ? text.slice(3) : text;
  const known = BY_NAME.get(name);
  if (known !== undefined) return known;
  const rt = /^RT(MIN|MAX)(?:([+-])([0-9]+))?$/.exec(name);
  if (!rt) return null;
  const offset = rt[3] === undefined ? 0 : Number(rt[3]) * (rt[2] === '-' ? -1 : 1);
  const n = (rt[1] === 'MIN' ? SIGRTMIN : SIGRTMAX) + offset;
  return n >= SIGRTMIN && n <= SIGRTMAX ? n : null;
}

/** The names `--signal=help` lists, one per signal number. */
export const signalNames = (): string[] => SIGNALS.map(([n]) => n);
