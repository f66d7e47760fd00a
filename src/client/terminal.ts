// Terminal presentation: systemctl's ANSI colours and state glyphs (used only when stdout is a
// terminal), the pager decision, and the one-line progress display on stderr. Off a terminal
// every style is the identity, so output is plain text.

export interface Style {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly grey: (s: string) => string;
}

const wrap = (on: string) => (s: string): string => (s === '' ? s : `${on}${s}\x1b[0m`);

export const PLAIN: Style = { green: (s) => s, red: (s) => s, bold: (s) => s, grey: (s) => s };
export const ANSI: Style = {
  green: wrap('\x1b[0;1;32m'), red: wrap('\x1b[0;1;31m'), bold: wrap('\x1b[0;1;39m'), grey: wrap('\x1b[0;38;5;245m'),
};

/** systemd's colors_enabled(): a terminal, no $NO_COLOR, and $TERM not dumb ($SYSTEMD_COLORS overrides). */
export function colorsWanted(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  const forced = env.SYSTEMD_COLORS;
  if (forced !== undefined) return !['0', 'false', 'no', 'off'].includes(forced);
  return isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** unit_active_state_to_glyph(): the bullet before a unit in status and list-dependencies. */
export const STATE_GLYPHS: Readonly<Record<string, string>> = {
  active: '●', activating: '●', deactivating: '●', reloading: '↻', inactive: '○', maintenance: '○', failed: '×',
};

export const glyphFor = (state: string): string => STATE_GLYPHS[state] ?? '●';

/** The colour list-dependencies and status give a state: green when up, red when failed or unknown. */
export function colorState(style: Style, state: string, text: string): string {
  if (state === 'active' || state === 'reloading' || state === 'activating') return style.green(text);
  if (state === 'inactive' || state === 'deactivating' || state === 'maintenance') return text;
  return style.red(text);
}

/** Whether output of `lines` lines goes through the pager: stdout a terminal, taller than the screen. */
export function wantsPager(o: { isTTY: boolean; noPager: boolean; rows: number; lines: number; env: Readonly<Record<string, string | undefined>> }): boolean {
  if (!o.isTTY || o.noPager) return false;
  const pager = o.env.SYSTEMD_PAGER ?? o.env.PAGER;
  if (pager !== undefined && ['', 'cat', '0', 'false', 'no'].includes(pager.trim())) return false;
  return o.lines >= o.rows;
}

/** The pager command: $SYSTEMD_PAGER, else $PAGER, else less (with LESS=FRXMK as systemd sets it). */
export function pagerCommand(env: Readonly<Record<string, string | undefined>>): string {
  return (env.SYSTEMD_PAGER ?? env.PAGER ?? '').trim() || 'less';
}

/** `3s`, `1min 5s`: how long a job has been waited for, for the progress line. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}min ${s % 60}s` : `${s}s`;
}

/** The progress line: which jobs are still running and for how long (TTY only); a single job held back by an Exclusive= group says for what. */
export function progressLine(jobs: readonly { unit: string; type: string; waiting?: string }[], ms: number, columns: number): string {
  const one = jobs.length === 1 ? jobs[0]! : null;
  const what = one?.waiting ? `A ${one.type} job for ${one.unit} is waiting for ${one.waiting}`
    : one ? `A ${one.type} job is running for ${one.unit}`
    : `${jobs.length} jobs are running (${jobs.map((j) => `${j.unit}/${j.type}`).join(', ')})`;
  const line = `${what} (${formatElapsed(ms)})`;
  return line.length > columns - 1 ? `${line.slice(0, Math.max(0, columns - 2))}…` : line;
}

/** The style for stdout: colours only when the Io says stdout is a colour terminal. */
export const styleOf = (io: { readonly color?: boolean }): Style => (io.color ? ANSI : PLAIN);

/** systemd's columns(): a valid $COLUMNS wins, then the terminal's width, then 80 (also when piped). */
export function outputWidth(env: Readonly<Record<string, string | undefined>>, ttyColumns: number | undefined): number {
  const c = Number(env.COLUMNS);
  return Number.isInteger(c) && c > 0 ? c : ttyColumns || 80;
}
