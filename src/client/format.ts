// Text output of the query verbs: show's Name=value lines (06 §7), the list-jobs and list-units
// tables (06 §8.3, §8.4) and the status subset (06 §8.5). Pure functions of the daemon's replies.
import type { JobSummary, UnitStatus, UnitSummary } from '../engine/api.ts';
import { needReloadWarning } from './messages.ts';
import { colorState, PLAIN, type Style } from './terminal.ts';

export interface ShowFilter {
  /** -p names; empty means "every property". */
  readonly properties: readonly string[];
  readonly all: boolean;
  readonly value: boolean;
}

/** show: without -p empty values are omitted (unless --all); with -p exactly those, in server order. */
export function showLines(props: readonly (readonly [string, string])[], f: ShowFilter): string[] {
  const wanted = new Set(f.properties);
  const lines: string[] = [];
  for (const [name, raw] of props) {
    if (wanted.size > 0 ? !wanted.has(name) : !f.all && raw === '') continue;
    const value = raw.includes('\n') ? '[unprintable]' : raw;
    lines.push(f.value ? value : `${name}=${value}`);
  }
  return lines;
}

/** Paints one padded cell (colours on a terminal); identity otherwise. */
export type CellPaint = (row: number, column: number, padded: string) => string;

/** Columns padded to their widest cell, one space apart, no trailing blanks. */
export function table(rows: readonly (readonly string[])[], paint?: CellPaint): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, [...cell].length); });
  return rows.map((row, r) => {
    const cells = row.map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - [...cell].length));
    if (!paint) return cells.join(' ').trimEnd();
    const last = cells.length - 1;
    return cells.map((c, i) => paint(r, i, i === last ? c.trimEnd() : c)).join(' ').trimEnd();
  });
}

/** systemctl's unit order: by type suffix, then by name (unit_info_compare). */
export function sortUnits(units: readonly UnitSummary[]): UnitSummary[] {
  const key = (id: string): [string, string] => [id.slice(id.lastIndexOf('.') + 1), id];
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...units].sort((a, b) => { const [ta, na] = key(a.id); const [tb, nb] = key(b.id); return cmp(ta, tb) || cmp(na, nb); });
}

/** The rows list-jobs --after/--before prints under a job (systemctl's output_waiting_jobs): after first. */
export function jobOrderRows(order: { waitingFor: readonly JobSummary[]; blocking: readonly JobSummary[] }, o: { after: boolean; before: boolean; utf8: boolean }): string[][] {
  const row = (prefix: string, j: JobSummary): string[] => [o.utf8 ? '└─' : '`-', `\t${prefix} ${j.id} (${j.unit}/${j.type})`, '-', '-'];
  return [...(o.after ? order.blocking.map((j) => row('blocking job', j)) : []), ...(o.before ? order.waitingFor.map((j) => row('waiting for job', j)) : [])];
}

/** list-jobs (06 §8.3): ascending job id; `skipped` = some job was filtered out by a pattern; `sub`: rows under a job. */
// A start job held back by an Exclusive= group gets a cause line under its row (unitd extension).
export function listJobsLines(jobs: readonly JobSummary[], o: { legend: boolean; skipped: boolean; sub?: ReadonlyMap<number, readonly string[][]> }): string[] {
  if (jobs.length === 0) return o.legend ? [`No jobs ${o.skipped ? 'listed' : 'running'}.`] : [];
  const rows: string[][] = [];
  const causes: (string | undefined)[] = []; // per table row: the Exclusive= wait of a job's own row
  for (const j of [...jobs].sort((a, b) => a.id - b.id)) {
    rows.push([String(j.id), j.unit, j.type, j.state]);
    causes.push(j.waiting);
    for (const r of o.sub?.get(j.id) ?? []) { rows.push(r); causes.push(undefined); }
  }
  const withCauses = (lines: string[], first: number): string[] => lines.flatMap((line, i) => {
    const why = i >= first ? causes[i - first] : undefined;
    return why ? [line, `└─ waiting for ${why}`] : [line];
  });
  if (!o.legend) return withCauses(table(rows), 0);
  return [...withCauses(table([['JOB', 'UNIT', 'TYPE', 'STATE'], ...rows]), 1), '', `${jobs.length} jobs listed.`];
}

const isFailedOrBroken = (u: UnitSummary): boolean => u.activeState === 'failed' || u.loadState !== 'loaded';

/** list-units (06 §8.4); `units` are already filtered (see verbs/list-units.ts). */
export function listUnitsLines(units: readonly UnitSummary[], o: { legend: boolean; all: boolean; plain: boolean; program: string; style?: Style }): string[] {
  const sorted = sortUnits(units);
  const withJob = sorted.some((u) => u.job !== null);
  const row = (glyph: string, cells: string[]): string[] => (o.plain ? cells : [glyph, ...cells]);
  const rows = sorted.map((u) => row(isFailedOrBroken(u) ? '●' : ' ',
    [u.id, u.loadState, u.activeState, u.subState, ...(withJob ? [u.job?.type ?? ''] : []), u.description]));
  const style = o.style ?? PLAIN;
  const first = o.plain ? 0 : 1;
  // Red for a failed unit's glyph and state cells and for a load state other than loaded.
  const paintRow = (u: UnitSummary | undefined, col: number, cell: string): string => {
    if (!u || style === PLAIN) return cell;
    if (col === first + 1 && u.loadState !== 'loaded') return style.red(cell);
    if (u.activeState === 'failed' && (col === 0 && !o.plain || col === first + 2 || col === first + 3)) return style.red(cell);
    return cell;
  };
  if (!o.legend) return table(rows, (r, c, cell) => paintRow(sorted[r], c, cell));
  const header = row(' ', ['UNIT', 'LOAD', 'ACTIVE', 'SUB', ...(withJob ? ['JOB'] : []), 'DESCRIPTION']);
  const lines = [...table([header, ...rows], (r, c, cell) => (r === 0 ? style.bold(cell) : paintRow(sorted[r - 1], c, cell))), '',
    'LOAD   = Reflects whether the unit definition was properly loaded.',
    'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.',
    'SUB    = The low-level unit activation state, values depend on unit type.'];
  if (withJob) lines.push('JOB    = Pending job for the unit.', '');
  lines.push(o.all ? `${sorted.length} loaded units listed.`
    : `${sorted.length} loaded units listed. Pass --all to see loaded but inactive units, too.`);
  lines.push(`To show all installed unit files use '${o.program} list-unit-files'.`);
  return lines;
}

const STATUS_GLYPHS: Readonly<Record<string, string>> = {
  active: '●', activating: '●', deactivating: '●', reloading: '↻', inactive: '○', maintenance: '○', failed: '×',
};

const pad2 = (n: number): string => String(n).padStart(2, '0');
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `Tue 2022-11-01 10:00:00 UTC` in local time. */
export function formatTimestamp(usec: number): string {
  const d = new Date(Math.floor(usec / 1000));
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return `${WEEKDAYS[d.getDay()]} ${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${zone}`.trimEnd();
}

const SEC = 1_000_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 2_629_800 * SEC;
const YEAR = 31_557_600 * SEC;

/** How long ago, coarsening with age: `5s`, `1min 30s`, `2h 5min`, `3 days`, `2 weeks 1 days`. */
export function formatAgo(deltaUsec: number): string {
  const d = Math.max(0, deltaUsec);
  const f = (unit: number): number => Math.floor(d / unit);
  const r = (unit: number, sub: number): number => Math.floor((d % unit) / sub);
  const span = d >= YEAR ? `${f(YEAR)} years ${r(YEAR, MONTH)} months`
    : d >= MONTH ? `${f(MONTH)} months ${r(MONTH, DAY)} days`
    : d >= WEEK ? `${f(WEEK)} weeks ${r(WEEK, DAY)} days`
    : d >= 2 * DAY ? `${f(DAY)} days`
    : d >= 25 * HOUR ? `1 day ${r(DAY, HOUR)}h`
    : d >= 6 * HOUR ? `${f(HOUR)}h`
    : d >= HOUR ? `${f(HOUR)}h ${r(HOUR, MIN)}min`
    : d >= 5 * MIN ? `${f(MIN)}min`
    : d >= MIN ? `${f(MIN)}min ${r(MIN, SEC)}s`
    : d >= SEC ? `${f(SEC)}s`
    : d >= 1000 ? `${f(1000)}ms`
    : d > 0 ? `${d}us` : '';
  return span ? `${span} ago` : 'now';
}

/** systemctl highlights the state words: green and bold when up, red and bold when failed. */
function paintActive(style: Style, state: string, text: string): string {
  if (state === 'active' || state === 'reloading') return style.green(text);
  if (state === 'failed') return style.red(text);
  return text;
}

const basename = (cmd: string): string => (cmd.split(' ')[0] ?? '').split('/').pop() ?? '';

/** TriggeredBy:, a timer's Trigger:, Triggers:, a socket's Listen: (systemctl 252's print_status_info order). */
function triggerLines(s: UnitStatus, nowUsec: number, style: Style): string[] {
  const partners = (label: string, list: UnitStatus['triggers']): string[] => (list ?? []).map((p, i) =>
    `${i === 0 ? label : ' '.repeat(label.length)}${colorState(style, p.activeState, STATUS_GLYPHS[p.activeState] ?? '●')} ${p.unit}`);
  const out = partners('TriggeredBy: ', s.triggeredBy);
  if (s.nextElapseUsec !== undefined) {
    const next = s.nextElapseUsec;
    const left = next === null ? '' : next > nowUsec ? formatAgo(next - nowUsec).replace(/ ago$/, ' left') : formatAgo(nowUsec - next);
    out.push(`    Trigger: ${next === null ? 'n/a' : `${formatTimestamp(next)}; ${left}`}`);
  }
  out.push(...partners('   Triggers: ', s.triggers));
  // A socket's listeners, and with Accept=yes its connection counters.
  (s.listen ?? []).forEach((l, i) => out.push(`${i === 0 ? '     Listen: ' : ' '.repeat(13)}${l}`));
  if (s.accept) out.push(`   Accepted: ${s.accept.accepted}; Connected: ${s.accept.connected};${s.accept.refused ? ` Refused: ${s.accept.refused}` : ''}`);
  return out;
}

/** The status subset of 06 §8.5 for one unit that exists. */
export function statusLines(s: UnitStatus, nowUsec: number, program: string, style: Style = PLAIN): string[] {
  const lines = [`${colorState(style, s.activeState, STATUS_GLYPHS[s.activeState] ?? '●')} ${s.id}${s.description && s.description !== s.id ? ` - ${s.description}` : ''}`];
  // systemctl shows the load error's reason first (bad-setting, error, masked, not-found).
  const where = s.loadError && s.loadState !== 'loaded' ? ` (Reason: ${s.loadError})` : s.fragmentPath ? ` (${s.fragmentPath}; ${s.unitFileState || 'static'}${s.unitFilePreset ? `; preset: ${s.unitFilePreset}` : ''})` : '';
  lines.push(`     Loaded: ${s.loadState}${where}`);
  s.dropInPaths.forEach((p, i) => lines.push(`${i === 0 ? '    Drop-In: ' : '             '}${p}`));
  const sub = s.subState && s.subState !== s.activeState ? ` (${s.subState})` : '';
  const result = s.result && s.result !== 'success' ? ` (Result: ${s.result})` : '';
  const since = s.stateSinceUsec > 0 ? ` since ${formatTimestamp(s.stateSinceUsec)}; ${formatAgo(nowUsec - s.stateSinceUsec)}` : '';
  lines.push(`     Active: ${paintActive(style, s.activeState, `${s.activeState}${sub}${result}`)}${since}`);
  lines.push(...triggerLines(s, nowUsec, style));
  if (s.exclusive) lines.push(`  Exclusive: ${s.exclusive}`);
  for (const l of s.execLines) lines.push(`    ${l}`);
  if (s.mainPid > 0) {
    const main = s.processes.find((p) => p.pid === s.mainPid);
    lines.push(`   Main PID: ${s.mainPid}${main ? ` (${basename(main.command)})` : ''}`);
  }
  if (s.job) lines.push(`        Job: ${s.job.id} (${s.job.type}, ${s.job.state})`);
  if (s.processes.length > 0) {
    // No cgroups: the unit's process groups stand in for its control group.
    lines.push(`      Tasks: ${s.processes.length}`, `     CGroup: /${s.id}`);
    s.processes.forEach((p, i) => lines.push(`             ${i === s.processes.length - 1 ? '└─' : '├─'}${p.pid} ${p.command}`));
  }
  if (s.needDaemonReload) lines.push('', needReloadWarning(s.id, program));
  return lines;
}
