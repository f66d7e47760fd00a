// systemctl-style argument parsing: options anywhere, bundles, prefixes, getopt's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, type Options } from '../../../src/client/args.ts';
import { parseSignal } from '../../../src/client/signals.ts';

const ok = (argv: string[]) => {
  const r = parseArgs(argv);
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.value;
};
const err = (argv: string[]): string => {
  const r = parseArgs(argv);
  assert.ok(!r.ok, `expected ${argv.join(' ')} to fail`);
  return r.message;
};

const CASES: [string[], string | null, string[], Partial<Options>][] = [
  [['start', 'a'], 'start', ['a'], {}],
  [['--no-block', 'start', 'a', 'b'], 'start', ['a', 'b'], { noBlock: true }],
  [['start', 'a', '--no-block'], 'start', ['a'], { noBlock: true }],
  [['start', '--job-mode=fail', 'a'], 'start', ['a'], { jobMode: 'fail' }],
  [['start', '--job-mode', 'flush', 'a'], 'start', ['a'], { jobMode: 'flush' }],
  [['restart', '--job-mode=restart-dependencies', 'a'], 'restart', ['a'], { jobMode: 'restart-dependencies' }],
  [['--fail', 'stop', 'a'], 'stop', ['a'], { jobMode: 'fail' }],
  [['--irreversible', 'stop', 'a'], 'stop', ['a'], { jobMode: 'replace-irreversibly' }],
  [['--ignore-dependencies', 'start', 'a'], 'start', ['a'], { jobMode: 'ignore-dependencies' }],
  [['-q', 'is-active', 'a'], 'is-active', ['a'], { quiet: true }],
  [['is-active', '--quiet', 'a'], 'is-active', ['a'], { quiet: true }],
  [['show', '-p', 'A,B', '-p', 'C', 'x'], 'show', ['x'], { properties: ['A', 'B', 'C'] }],
  [['show', '-pA,B', 'x'], 'show', ['x'], { properties: ['A', 'B'] }],
  [['show', '--property=A', '--value', 'x'], 'show', ['x'], { properties: ['A'], value: true }],
  [['show', '-P', 'ActiveState', 'x'], 'show', ['x'], { properties: ['ActiveState'], value: true }],
  [['show', '-a', 'x'], 'show', ['x'], { all: true }],
  [['-qa', 'list-units'], 'list-units', [], { quiet: true, all: true }],
  [['kill', '--signal=SIGKILL', 'x'], 'kill', ['x'], { signal: 9 }],
  [['kill', '-s', 'HUP', 'x'], 'kill', ['x'], { signal: 1 }],
  [['kill', '-s9', 'x'], 'kill', ['x'], { signal: 9 }],
  [['kill', '--kill-whom=main', 'x'], 'kill', ['x'], { killWhom: 'main' }],
  [['--no-pager', '--no-legend', '-l', 'list-jobs'], 'list-jobs', [], { noPager: true, noLegend: true, full: true }],
  [['start', '--wait', 'x'], 'start', ['x'], { wait: true }],
  [['start', '--dry-run', '-T', 'x'], 'start', ['x'], { dryRun: true, showTransaction: true }],
  [['--show-transaction', 'start', 'x'], 'start', ['x'], { showTransaction: true }],
  [['-o', 'json', 'status', 'x'], 'status', ['x'], { output: 'json' }],
  [['--output=cat', 'status', 'x'], 'status', ['x'], { output: 'cat' }],
  [['--now', '--explain', 'stop', 'x'], 'stop', ['x'], { now: true, explain: true }],
  [['--socket', '/tmp/s', 'start', 'x'], 'start', ['x'], { socket: '/tmp/s' }],
  [['--socket=/tmp/s', 'start', 'x'], 'start', ['x'], { socket: '/tmp/s' }],
  [['--no-bl', 'start', 'x'], 'start', ['x'], { noBlock: true }],          // unambiguous prefix
  [['start', '--', '-weird', '--no-block'], 'start', ['-weird', '--no-block'], {}],
  [['-t', 'service', '--state=failed,active'], null, [], { types: ['service'], states: ['failed', 'active'] }],
  [[], null, [], {}],
];

for (const [argv, verb, args, opts] of CASES) {
  test(`parses ${JSON.stringify(argv)}`, () => {
    const r = ok(argv);
    assert.equal(r.verb, verb);
    assert.deepEqual(r.args, args);
    for (const [k, v] of Object.entries(opts)) assert.deepEqual(r.options[k as keyof Options], v, k);
  });
}

test('options default to systemctl defaults', () => {
  const o = ok(['start', 'x']).options;
  assert.equal(o.noBlock, false);
  assert.equal(o.jobMode, null);
  assert.equal(o.signal, null);
  assert.equal(o.quiet, false);
  assert.deepEqual(o.properties, []);
});

const ERRORS: [string[], string][] = [
  [['--frob', 'start'], "unitctl: unrecognized option '--frob'"],
  [['-z'], "unitctl: invalid option -- 'z'"],
  [['-qz'], "unitctl: invalid option -- 'z'"],
  [['show', '-p'], "unitctl: option requires an argument -- 'p'"],
  [['--job-mode'], "unitctl: option '--job-mode' requires an argument"],
  [['--job-m'], "unitctl: option '--job-mode' requires an argument"],
  [['--no-block=x', 'start'], "unitctl: option '--no-block' doesn't allow an argument"],
  [['--no', 'start'], "unitctl: option '--no' is ambiguous; possibilities: '--no-block' '--no-pager' '--no-legend' '--now'"],
  [['kill', '--signal=FOO', 'x'], 'Failed to parse signal string "FOO".'],
  [['kill', '-s', '65', 'x'], 'Failed to parse signal string "65".'],
  [['--output=foo'], "Unknown output 'foo'."],
  [['kill', '--kill-whom=everyone', 'x'], "Unknown --kill-whom= value 'everyone', expected one of: main, control, all."],
];

for (const [argv, message] of ERRORS) {
  test(`rejects ${JSON.stringify(argv)}`, () => assert.equal(err(argv), message));
}

test('help lists for --signal=help and --job-mode=help', () => {
  assert.ok(ok(['--signal=help']).options.helpList?.includes('TERM'));
  assert.ok(ok(['--job-mode=help']).options.helpList?.includes('ignore-requirements'));
  assert.ok(ok(['--job-mode=help']).options.helpList?.includes('restart-dependencies'));
});

test('signal names with and without SIG, numbers and real-time signals', () => {
  const table: [string, number | null][] = [
    ['SIGTERM', 15], ['TERM', 15], ['15', 15], ['KILL', 9], ['SIGUSR1', 10], ['IOT', 6], ['RTMIN', 34],
    ['SIGRTMIN+2', 36], ['RTMAX-1', 63], ['RTMAX', 64], ['64', 64], ['0', null], ['sigterm', null], ['RTMIN+31', null], ['', null],
  ];
  for (const [text, n] of table) assert.equal(parseSignal(text), n, text);
});

test('--after/--before set the ordering direction; the last of them and --reverse wins', () => {
  assert.equal(ok(['list-dependencies', '--after', 'a']).options.order, 'after');
  assert.equal(ok(['list-dependencies', '--after', '--before']).options.order, 'before');
  const r = ok(['--before', 'list-dependencies', '--reverse']).options;
  assert.deepEqual([r.order, r.reverse], [null, true]);
  assert.equal(ok(['list-jobs']).options.order, null);
});
