// Job-type algebra (02 §1–§2, §7.2, §8): merge, collapse, conflict, superset, redundancy, the
// ordering rule and the installation outcome, plus job-result texts (02 §11, 06 §4). Pure tables
// and pure functions: nothing here knows about units, jobs as objects, or time.
import type { ActiveState, InstallableJobType, JobResult, JobState, JobType } from './types.ts';

/*
 * The merge algebra, in one place (mirrors systemd's src/core/job.c merge table and the
 * properties its src/test/test-job-type.c asserts).
 *
 * Five types take part in merging: start, verify-active, stop, reload, restart. `merge` is a
 * commutative table over them whose diagonal is the identity. `stop` merges only with itself;
 * `restart` absorbs every non-stop type; `start` + `reload` yields the pseudo type
 * `reload-or-start`, which never survives: every merge result is collapsed against the unit's
 * active state at the moment of merging (`mergeAndCollapse`). With that collapse applied,
 * merging is associative, mergeability is transitive, and if merge(a,b) does not merge with c
 * then a or b does not merge with c either. The transaction builder relies on the last property
 * when it hunts for one deletable job among a unit's unmergeable candidates.
 *
 * Derived relations: `conflicting(a,b)` ⇔ neither is nop and the pair does not merge, which with
 * this table means exactly "one is stop, the other is not". `superset(a,b)` ("a already does what
 * b asks") ⇔ the *raw* merge of a and b is a; everything is a superset of nop, nop is a superset of
 * nothing else. start and reload are not supersets of each other.
 *
 * `nop` is outside the table: it lives in a separate job slot, so it never conflicts with, merges
 * into, or replaces a normal job; two nops merge into the installed one. It is never ordered and
 * it is redundant in every state (but an anchor is never dropped as redundant).
 *
 * The three pseudo types (try-restart, try-reload, reload-or-start) exist only at request time.
 * `collapse` turns them into installable types from the unit's active state, and it is applied
 * only at three moments: when a request is enqueued, when a propagated try-* job is added to a
 * transaction, and when merging (in a transaction or at installation). Never later.
 *
 * Ordering (02 §7.2): for X After=Y with jobs jX and jY, a stop-like jX (stop or restart) runs
 * first; otherwise jY does. nop jobs and jobs with ignoreOrder are never ordered.
 */

export const MERGEABLE_JOB_TYPES = ['start', 'verify-active', 'stop', 'reload', 'restart'] as const;
export type MergeableJobType = (typeof MERGEABLE_JOB_TYPES)[number];
export const INSTALLABLE_JOB_TYPES = ['start', 'verify-active', 'stop', 'reload', 'restart', 'nop'] as const satisfies readonly InstallableJobType[];
export type PseudoJobType = 'try-restart' | 'try-reload' | 'reload-or-start';

/** A raw merge result: a mergeable type, the pseudo type reload-or-start, or null for "does not merge". */
export type RawMerge = MergeableJobType | 'reload-or-start' | null;

/** 02 §2.1. Symmetric; null = ✗. */
export const MERGE_TABLE = {
  'start':         { 'start': 'start',           'verify-active': 'start',         'stop': null,   'reload': 'reload-or-start', 'restart': 'restart' },
  'verify-active': { 'start': 'start',           'verify-active': 'verify-active', 'stop': null,   'reload': 'reload',          'restart': 'restart' },
  'stop':          { 'start': null,              'verify-active': null,            'stop': 'stop', 'reload': null,              'restart': null },
  'reload':        { 'start': 'reload-or-start', 'verify-active': 'reload',        'stop': null,   'reload': 'reload',          'restart': 'restart' },
  'restart':       { 'start': 'restart',         'verify-active': 'restart',       'stop': null,   'reload': 'restart',         'restart': 'restart' },
} as const satisfies Record<MergeableJobType, Record<MergeableJobType, RawMerge>>;

/** 02 §2.4: what each pseudo type becomes, by the unit's active state. */
export const COLLAPSE_TABLE = {
  // An activating unit (also one waiting in auto-restart) is really restarted (MAN≠CODE).
  'try-restart':     { active: 'restart', reloading: 'restart', activating: 'restart', inactive: 'nop', failed: 'nop', deactivating: 'nop', maintenance: 'nop' },
  'try-reload':      { active: 'reload', reloading: 'reload', activating: 'nop', inactive: 'nop', failed: 'nop', deactivating: 'nop', maintenance: 'nop' },
  'reload-or-start': { active: 'reload', reloading: 'reload', activating: 'start', inactive: 'start', failed: 'start', deactivating: 'start', maintenance: 'start' },
} as const satisfies Record<PseudoJobType, Record<ActiveState, InstallableJobType>>;

interface JobTypeRow {
  /** Runs before the other side's job in both ordering directions (02 §7.2). */
  readonly stopLike: boolean;
  /** Unit states in which a transaction job of this type is redundant (02 §2.5). */
  readonly redundantIn: readonly ActiveState[];
  /** May merge into a job that is already running without re-running it (02 §2.6). */
  readonly lateMerge: boolean;
}

const ALL_STATES = ['active', 'reloading', 'inactive', 'failed', 'activating', 'deactivating', 'maintenance'] as const satisfies readonly ActiveState[];

export const JOB_TYPE_TABLE = {
  'start':         { stopLike: false, redundantIn: ['active', 'reloading'], lateMerge: true },
  'verify-active': { stopLike: false, redundantIn: ['active', 'reloading'], lateMerge: true },
  'stop':          { stopLike: true,  redundantIn: ['inactive', 'failed'], lateMerge: true },
  // 252.39: never redundant (v252.0…252.31 treated it as redundant while reloading, VERSION).
  'reload':        { stopLike: false, redundantIn: [], lateMerge: false },
  // A restart of an activating unit must still happen.
  'restart':       { stopLike: true,  redundantIn: [], lateMerge: true },
  'nop':           { stopLike: false, redundantIn: ALL_STATES, lateMerge: true },
} as const satisfies Record<InstallableJobType, JobTypeRow>;

const isPseudo = (t: JobType): t is PseudoJobType => t in COLLAPSE_TABLE;
export const isInstallableJobType = (t: JobType): t is InstallableJobType => t in JOB_TYPE_TABLE;
export const isMergeableJobType = (t: JobType): t is MergeableJobType => t in MERGE_TABLE;

/** The raw (uncollapsed) merge of two mergeable types; null when they do not merge. */
export const merge = (a: MergeableJobType, b: MergeableJobType): RawMerge => MERGE_TABLE[a][b];

/** Resolves a pseudo type against the unit's current active state; other types pass unchanged. */
export function collapse(type: JobType, state: ActiveState): InstallableJobType {
  return isPseudo(type) ? COLLAPSE_TABLE[type][state] : type;
}

/**
 * merge + collapse, for two jobs of one unit (transaction merge and installation). Two nops
 * merge into a nop; a nop never merges with anything else (separate slot). Null = not mergeable.
 */
export function mergeAndCollapse(a: InstallableJobType, b: InstallableJobType, state: ActiveState): InstallableJobType | null {
  if (a === 'nop' || b === 'nop') return a === b ? 'nop' : null;
  const m = MERGE_TABLE[a][b];
  return m === null ? null : collapse(m, state);
}

/** Whether two jobs could share one slot (nop only with nop). */
export const mergeable = (a: InstallableJobType, b: InstallableJobType): boolean =>
  a === 'nop' || b === 'nop' ? a === b : MERGE_TABLE[a][b] !== null;

/** A new job of type b would cancel an installed job of type a (or vice versa). Never for nop. */
export const conflicting = (a: InstallableJobType, b: InstallableJobType): boolean =>
  a !== 'nop' && b !== 'nop' && MERGE_TABLE[a][b] === null;

/** "a already does everything b asks for" (02 §2.2), on the raw table. */
export function superset(a: InstallableJobType, b: InstallableJobType): boolean {
  if (b === 'nop') return true;
  if (a === 'nop') return false;
  return MERGE_TABLE[a][b] === a;
}

/** A transaction job of this type changes nothing in this unit state (02 §2.5). */
export const isRedundant = (type: InstallableJobType, state: ActiveState): boolean =>
  (JOB_TYPE_TABLE[type].redundantIn as readonly ActiveState[]).includes(state);

/** Stop and restart (a restart is a stop until its stop part is done). */
export const isStopLike = (type: InstallableJobType): boolean => JOB_TYPE_TABLE[type].stopLike;

/** A new job of this type may merge into a running job without re-running it (02 §2.6). */
export const isLateMergeAllowed = (type: InstallableJobType): boolean => JOB_TYPE_TABLE[type].lateMerge;

export interface OrderedJob { readonly type: InstallableJobType; readonly ignoreOrder: boolean }
export type OrderVerdict = 'earlier' | 'later' | 'none';

/**
 * 02 §7.2. `earlier` is the job of unit Y, `later` the job of unit X where X After=Y (Y Before=X).
 * Returns which of the two must finish before the other may run, or 'none' when they are not
 * ordered (either is nop or ignores ordering). Both stop-like: X stops first.
 */
export function orderFirst(earlier: OrderedJob, later: OrderedJob): OrderVerdict {
  if (earlier.type === 'nop' || later.type === 'nop') return 'none';
  if (earlier.ignoreOrder || later.ignoreOrder) return 'none';
  return isStopLike(later.type) ? 'later' : 'earlier';
}

export type InstallOutcomeKind = 'merged-into-installed' | 'merged-into-installed-and-rerun' | 'installed-canceled-new-installed' | 'separate-slot';
export interface SlotJob { readonly type: InstallableJobType; readonly state: JobState }
export interface InstallOutcome {
  readonly outcome: InstallOutcomeKind;
  /** The job that was in the slot, after the operation; null when it was canceled. */
  readonly installedAfter: SlotJob | null;
  /** The newly installed job, when one was installed (always `waiting`). */
  readonly newInstalled: SlotJob | null;
}

/**
 * 02 §8 as a pure function: what installing a job of `newType` does to a unit whose slot holds
 * `installed`. A canceled job is finished `canceled`, non-recursively. A running job that cannot
 * absorb the new one (it is not a superset, or the new job is a reload) goes back to waiting.
 */
export function installOutcome(installed: SlotJob, newType: InstallableJobType, state: ActiveState): InstallOutcome {
  const fresh: SlotJob = { type: newType, state: 'waiting' };
  if ((installed.type === 'nop') !== (newType === 'nop')) return { outcome: 'separate-slot', installedAfter: installed, newInstalled: fresh };
  if (conflicting(installed.type, newType)) return { outcome: 'installed-canceled-new-installed', installedAfter: null, newInstalled: fresh };
  const type = mergeAndCollapse(installed.type, newType, state) ?? installed.type;
  const rerun = installed.state === 'running' && (!isLateMergeAllowed(newType) || !superset(installed.type, newType));
  return rerun
    ? { outcome: 'merged-into-installed-and-rerun', installedAfter: { type, state: 'waiting' }, newInstalled: null }
    : { outcome: 'merged-into-installed', installedAfter: { type, state: installed.state }, newInstalled: null };
}

interface JobResultRow {
  /** Whether `unitctl start` and friends treat the result as success (exit 0). */
  readonly success: boolean;
  /** 06 §4 stderr text, `%s` = unit id; null = nothing printed or, for failed, see `cliFailedMessage`. */
  readonly cliMessage: string | null;
  /** Console status word (02 §11) for the log line of a finished job; null = no status line. */
  readonly statusWord: string | null;
}

/** 02 §1.3 and 06 §4. */
export const JOB_RESULT_TABLE = {
  done:        { success: true,  cliMessage: null, statusWord: '  OK  ' },
  canceled:    { success: false, cliMessage: 'Job for %s canceled.', statusWord: null },
  timeout:     { success: false, cliMessage: 'Job for %s timed out.', statusWord: ' TIME ' },
  failed:      { success: false, cliMessage: null, statusWord: 'FAILED' },  // text depends on the unit, see cliFailedMessage
  dependency:  { success: false, cliMessage: "A dependency job for %s failed. See 'journalctl -xe' for details.", statusWord: 'DEPEND' },
  skipped:     { success: true,  cliMessage: null, statusWord: ' INFO ' },
  invalid:     { success: false, cliMessage: '%s is not active, cannot reload.', statusWord: null },
  assert:      { success: false, cliMessage: 'Assertion failed on job for %s.', statusWord: 'ASSERT' },
  unsupported: { success: false, cliMessage: 'Operation on or unit type of %s not supported on this system.', statusWord: 'UNSUPP' },
  collected:   { success: false, cliMessage: 'Queued job for %s was garbage collected.', statusWord: ' INFO ' },
  once:        { success: false, cliMessage: "Unit %s was started already once and can't be started again.", statusWord: ' ONCE ' },
  // Not produced by unitd (no freezing); systemctl 252 prints the generic failure text for it.
  frozen:      { success: false, cliMessage: null, statusWord: 'FAILED' },
} as const satisfies Record<JobResult, JobResultRow>;

/** systemctl's text for a `failed` job of a non-service unit (services: 06 §4.1, client side). */
export const CLI_FAILED_GENERIC = 'Job failed. See "journalctl -xe" for details.';

export const isJobResultSuccess = (r: JobResult): boolean => JOB_RESULT_TABLE[r].success;

/** Fills `%s` of a message template with the unit id or description. */
export const formatJobMessage = (template: string, name: string): string => template.replace('%s', name);

/** Which wording family a unit uses in its job log lines (02 §11). */
export type MessageFlavor = 'generic' | 'service' | 'oneshot' | 'target' | 'socket';

/** 02 §11: "Starting %s..." and friends; printed only if the operation actually did something. */
export const JOB_BEGIN_MESSAGES = {
  'start': 'Starting %s...', 'stop': 'Stopping %s...', 'restart': 'Stopping %s...', 'reload': 'Reloading %s...',
  'verify-active': null, 'nop': null,
} as const satisfies Record<InstallableJobType, string | null>;

type ResultTexts = Partial<Record<JobResult, string>>;

/** 02 §11, generic wording per job type; `JOB_END_MESSAGE_OVERRIDES` holds per-flavor variants. */
export const JOB_END_MESSAGES = {
  'start': {
    done: 'Started %s.', timeout: 'Timed out starting %s.', failed: 'Failed to start %s.', dependency: 'Dependency failed for %s.',
    assert: 'Assertion failed for %s.', unsupported: 'Starting of %s unsupported.', collected: 'Unnecessary job was removed for %s.',
    once: 'Unit %s has been started before and cannot be started again.',
  },
  'stop': { done: 'Stopped %s.', failed: 'Stopped %s with error.', timeout: 'Timed out stopping %s.' },
  'restart': { done: 'Stopped %s.', failed: 'Stopped %s with error.', timeout: 'Timed out stopping %s.' },
  'reload': { done: 'Reloaded %s.', failed: 'Reload failed for %s.', timeout: 'Timed out reloading %s.' },
  'verify-active': { skipped: '%s is inactive.' },
  'nop': {},
} as const satisfies Record<InstallableJobType, ResultTexts>;

export const JOB_END_MESSAGE_OVERRIDES = {
  generic: {},
  service: { stop: { failed: 'Stopped (with error) %s.' }, restart: { failed: 'Stopped (with error) %s.' } },
  oneshot: { start: { done: 'Finished %s.' }, stop: { failed: 'Stopped (with error) %s.' }, restart: { failed: 'Stopped (with error) %s.' } },
  target: { start: { done: 'Reached target %s.' }, stop: { done: 'Stopped target %s.' }, restart: { done: 'Stopped target %s.' } },
  socket: {
    start: { done: 'Listening on %s.', failed: 'Failed to listen on %s.' },
    stop: { done: 'Closed %s.', failed: 'Failed stopping %s.' }, restart: { done: 'Closed %s.', failed: 'Failed stopping %s.' },
  },
} as const satisfies Record<MessageFlavor, Partial<Record<InstallableJobType, ResultTexts>>>;

/** A start job that finished `done` because a Condition*= check failed. */
export const CONDITION_SKIPPED_MESSAGE = 'Condition check resulted in %s being skipped.';

/**
 * The log template for a finished job, or null when none is emitted (canceled, invalid, nop, and
 * the caller must also skip jobs that completed with "already").
 */
export function jobEndMessage(type: InstallableJobType, result: JobResult, flavor: MessageFlavor): string | null {
  const overrides: Partial<Record<InstallableJobType, ResultTexts>> = JOB_END_MESSAGE_OVERRIDES[flavor];
  const generic: ResultTexts = JOB_END_MESSAGES[type];
  return overrides[type]?.[result] ?? generic[result] ?? null;
}
