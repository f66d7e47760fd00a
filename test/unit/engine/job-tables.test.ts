// The job-type algebra against the machine-readable spec (test/fixtures/job-merge-table.json, a
// copy of the shared spec file): every pair, triple and unit state, plus systemd's self-test properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CLI_FAILED_GENERIC, CONDITION_SKIPPED_MESSAGE, INSTALLABLE_JOB_TYPES, JOB_BEGIN_MESSAGES, JOB_RESULT_TABLE, MERGEABLE_JOB_TYPES,
  collapse, conflicting, formatJobMessage, installOutcome, isJobResultSuccess, isLateMergeAllowed, isRedundant, isStopLike,
  jobEndMessage, merge, mergeAndCollapse, mergeable, orderFirst, superset, type MergeableJobType,
} from '../../../src/engine/job-tables.ts';
import { ACTIVE_STATES, JOB_TYPES, type ActiveState, type InstallableJobType, type JobResult, type JobState, type JobType } from '../../../src/engine/types.ts';

interface SpecJson {
  merge: Record<MergeableJobType, Record<MergeableJobType, string | null>>;
  mergeable: Record<MergeableJobType, Record<MergeableJobType, boolean>>;
  conflicting: Record<InstallableJobType, Record<InstallableJobType, boolean>>;
  superset: Record<InstallableJobType, Record<InstallableJobType, boolean>>;
  collapse: Record<JobType, Record<ActiveState, InstallableJobType>>;
  merge_and_collapse: Record<MergeableJobType, Record<MergeableJobType, Record<ActiveState, InstallableJobType | null>>>;
  redundant_when_unit_state_in: Record<InstallableJobType, ActiveState[]>;
  late_merge_allowed_for_new_type: Record<InstallableJobType, boolean>;
  job_types: { installable: InstallableJobType[]; mergeable: MergeableJobType[]; stop_like_for_ordering: InstallableJobType[] };
  unit_active_states: ActiveState[];
  install: { cases: InstallCase[] };
  ordering: { first: Record<InstallableJobType, Record<InstallableJobType, 'earlier' | 'later' | 'none'>> };
  results: { result: JobResult; cli_success: boolean; cli_message: string | null }[];
  cli: { job_result_exit_code: Record<string, number> };
  self_test_properties: string[];
}
interface InstallCase {
  installed_type: InstallableJobType; installed_state: JobState; new_type: InstallableJobType; unit_state: ActiveState;
  outcome: string; installed_after: { type: InstallableJobType; state: JobState } | null; new_installed: { type: InstallableJobType; state: JobState } | null;
}

const spec = JSON.parse(readFileSync(new URL('../../fixtures/job-merge-table.json', import.meta.url), 'utf8')) as SpecJson;
const M = MERGEABLE_JOB_TYPES;
const I = INSTALLABLE_JOB_TYPES;
const S = ACTIVE_STATES;

test('type lists match the spec', () => {
  assert.deepEqual([...M], spec.job_types.mergeable);
  assert.deepEqual([...I], spec.job_types.installable);
  assert.deepEqual([...S], spec.unit_active_states);
  assert.deepEqual(I.filter(isStopLike), spec.job_types.stop_like_for_ordering);
});

test('merge: every pair of mergeable types', () => {
  for (const a of M) for (const b of M) assert.equal(merge(a, b), spec.merge[a][b], `merge(${a}, ${b})`);
});

test('mergeable: every pair of mergeable types; nop only with nop', () => {
  for (const a of M) for (const b of M) assert.equal(mergeable(a, b), spec.mergeable[a][b], `mergeable(${a}, ${b})`);
  for (const a of I) assert.equal(mergeable('nop', a), a === 'nop', `mergeable(nop, ${a})`);
});

test('conflicting: every pair of installable types', () => {
  for (const a of I) for (const b of I) assert.equal(conflicting(a, b), spec.conflicting[a][b], `conflicting(${a}, ${b})`);
});

test('superset: every pair of installable types', () => {
  for (const a of I) for (const b of I) assert.equal(superset(a, b), spec.superset[a][b], `superset(${a}, ${b})`);
});

test('collapse: every type in every unit state', () => {
  for (const t of JOB_TYPES) for (const s of S) assert.equal(collapse(t, s), spec.collapse[t][s], `collapse(${t}, ${s})`);
});

test('mergeAndCollapse: every pair in every unit state', () => {
  for (const a of M) for (const b of M) for (const s of S) {
    assert.equal(mergeAndCollapse(a, b, s), spec.merge_and_collapse[a][b][s], `mergeAndCollapse(${a}, ${b}, ${s})`);
  }
  for (const s of S) {
    assert.equal(mergeAndCollapse('nop', 'nop', s), 'nop');
    for (const a of M) { assert.equal(mergeAndCollapse('nop', a, s), null); assert.equal(mergeAndCollapse(a, 'nop', s), null); }
  }
});

test('redundancy: every installable type in every unit state (252.39: reload never)', () => {
  for (const t of I) for (const s of S) {
    assert.equal(isRedundant(t, s), spec.redundant_when_unit_state_in[t].includes(s), `isRedundant(${t}, ${s})`);
  }
  assert.equal(isRedundant('reload', 'reloading'), false);
});

test('late merge: only a new reload may not merge into a running job', () => {
  for (const t of I) assert.equal(isLateMergeAllowed(t), spec.late_merge_allowed_for_new_type[t], t);
});

test(`installation outcomes: all ${spec.install.cases.length} cases of the spec`, () => {
  assert.ok(spec.install.cases.length > 400);
  for (const c of spec.install.cases) {
    const r = installOutcome({ type: c.installed_type, state: c.installed_state }, c.new_type, c.unit_state);
    const what = `${c.installed_type}(${c.installed_state}) + ${c.new_type} in ${c.unit_state}`;
    assert.equal(r.outcome, c.outcome, what);
    assert.deepEqual(r.installedAfter, c.installed_after, what);
    assert.deepEqual(r.newInstalled, c.new_installed, what);
  }
});

test('ordering rule: every pair of types, with and without ignoreOrder', () => {
  for (const later of I) for (const earlier of I) {
    const what = `earlier ${earlier}, later ${later}`;
    assert.equal(orderFirst({ type: earlier, ignoreOrder: false }, { type: later, ignoreOrder: false }), spec.ordering.first[later][earlier], what);
    assert.equal(orderFirst({ type: earlier, ignoreOrder: true }, { type: later, ignoreOrder: false }), 'none', what);
    assert.equal(orderFirst({ type: earlier, ignoreOrder: false }, { type: later, ignoreOrder: true }), 'none', what);
  }
});

test('ordering rule: the 02 §7.2 table', () => {
  const rows: [InstallableJobType, InstallableJobType, 'earlier' | 'later'][] = [
    ['start', 'start', 'earlier'], ['stop', 'stop', 'later'], ['start', 'stop', 'later'], ['stop', 'start', 'earlier'],
    ['restart', 'restart', 'later'], ['reload', 'start', 'earlier'], ['verify-active', 'start', 'earlier'], ['start', 'reload', 'earlier'],
  ];
  for (const [y, x, first] of rows) assert.equal(orderFirst({ type: y, ignoreOrder: false }, { type: x, ignoreOrder: false }), first, `${y} then ${x}`);
});

test('job results: success flag, CLI message and exit code', () => {
  for (const r of spec.results) {
    assert.equal(isJobResultSuccess(r.result), r.cli_success, r.result);
    assert.equal(spec.cli.job_result_exit_code[r.result], r.cli_success ? 0 : 1);
    if (r.result === 'failed') assert.equal(JOB_RESULT_TABLE.failed.cliMessage, null);
    else assert.equal(JOB_RESULT_TABLE[r.result].cliMessage, r.cli_message, r.result);
  }
  assert.equal(CLI_FAILED_GENERIC, 'Job failed. See "journalctl -xe" for details.');
  assert.equal(formatJobMessage(JOB_RESULT_TABLE.canceled.cliMessage, 'x.service'), 'Job for x.service canceled.');
});

test('job log messages (02 §11)', () => {
  const rows: [InstallableJobType, JobResult, Parameters<typeof jobEndMessage>[2], string | null][] = [
    ['start', 'done', 'generic', 'Started %s.'],
    ['start', 'done', 'service', 'Started %s.'],
    ['start', 'done', 'oneshot', 'Finished %s.'],
    ['start', 'done', 'target', 'Reached target %s.'],
    ['start', 'done', 'socket', 'Listening on %s.'],
    ['start', 'failed', 'socket', 'Failed to listen on %s.'],
    ['start', 'failed', 'service', 'Failed to start %s.'],
    ['start', 'timeout', 'service', 'Timed out starting %s.'],
    ['start', 'dependency', 'service', 'Dependency failed for %s.'],
    ['start', 'assert', 'generic', 'Assertion failed for %s.'],
    ['start', 'canceled', 'service', null],
    ['stop', 'done', 'service', 'Stopped %s.'],
    ['stop', 'done', 'target', 'Stopped target %s.'],
    ['stop', 'done', 'socket', 'Closed %s.'],
    ['stop', 'failed', 'service', 'Stopped (with error) %s.'],
    ['stop', 'failed', 'generic', 'Stopped %s with error.'],
    ['stop', 'failed', 'socket', 'Failed stopping %s.'],
    ['restart', 'done', 'service', 'Stopped %s.'],
    ['stop', 'timeout', 'service', 'Timed out stopping %s.'],
    ['reload', 'done', 'service', 'Reloaded %s.'],
    ['reload', 'failed', 'service', 'Reload failed for %s.'],
    ['reload', 'timeout', 'service', 'Timed out reloading %s.'],
    ['reload', 'invalid', 'service', null],
    ['verify-active', 'skipped', 'generic', '%s is inactive.'],
    ['nop', 'done', 'generic', null],
  ];
  for (const [type, result, flavor, text] of rows) assert.equal(jobEndMessage(type, result, flavor), text, `${type} ${result} ${flavor}`);
  assert.equal(JOB_BEGIN_MESSAGES.start, 'Starting %s...');
  assert.equal(JOB_BEGIN_MESSAGES.restart, 'Stopping %s...');
  assert.equal(JOB_BEGIN_MESSAGES.nop, null);
  assert.equal(formatJobMessage(CONDITION_SKIPPED_MESSAGE, 'Web'), 'Condition check resulted in Web being skipped.');
});

// systemd's test-job-type.c properties, over every pair and triple and both a dead and a running unit.
test('self-test properties are the ones we check', () => {
  assert.equal(spec.self_test_properties.length, 6);
});

test('property: merge is commutative', () => {
  for (const a of M) for (const b of M) assert.equal(merge(a, b), merge(b, a));
});

test('property: mergeAndCollapse is associative in every unit state', () => {
  for (const s of S) for (const a of M) for (const b of M) for (const c of M) {
    const ab = mergeAndCollapse(a, b, s);
    const bc = mergeAndCollapse(b, c, s);
    if (ab === null || bc === null) continue;
    assert.equal(mergeAndCollapse(ab, c, s), mergeAndCollapse(a, bc, s), `(${a}·${b})·${c} vs ${a}·(${b}·${c}) in ${s}`);
  }
});

test('property: mergeability is transitive and symmetric', () => {
  for (const a of M) for (const b of M) {
    assert.equal(mergeable(a, b), mergeable(b, a));
    for (const c of M) if (mergeable(a, b) && mergeable(b, c)) assert.ok(mergeable(a, c), `${a} ~ ${b} ~ ${c}`);
  }
});

test('property: merged jobs merge with what both parts merge with; an unmergeable merge has an unmergeable part', () => {
  for (const s of S) for (const a of M) for (const b of M) {
    const ab = mergeAndCollapse(a, b, s);
    if (ab === null) continue;
    for (const c of M) {
      if (mergeable(a, c) && mergeable(b, c)) assert.ok(mergeable(ab, c), `${a}·${b} with ${c}`);
      if (!mergeable(ab, c)) assert.ok(!mergeable(a, c) || !mergeable(b, c), `${a}·${b} not with ${c}`);
    }
  }
});

test('property: every type is a superset of itself and of nop', () => {
  for (const a of I) { assert.ok(superset(a, a)); assert.ok(superset(a, 'nop')); }
});

test('property: conflicting ⇔ neither is nop and not mergeable', () => {
  for (const a of I) for (const b of I) assert.equal(conflicting(a, b), a !== 'nop' && b !== 'nop' && !mergeable(a, b));
});
