// The execution environment with real processes: User=/Group= with the user's and the extra
// supplementary groups, UMask=, Nice=, Limit*= (through the setpriv/nice/prlimit exec chain),
// and the pure pieces: the chain builder and identity resolution.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userGroups } from '../../../src/daemon/accounts.ts';
import { wrapExec } from '../../../src/daemon/exec-wrap.ts';
import { NotifyReceiver } from '../../../src/daemon/notify.ts';
import { NodeProcessDriver } from '../../../src/daemon/process-driver.ts';
import { clampLimits, ownHardLimits, ownPidScript, prepareSpawn, resolveIdentity } from '../../../src/daemon/process-exec.ts';
import type { OwnPidVariable, SpawnRequest } from '../../../src/engine/ports.ts';
import { captureLog, Inputs } from './helpers.ts';

const isRoot = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'unitd-exec-'));
const inputs = new Inputs();
const { dl } = captureLog();
const notify = new NotifyReceiver({ dir: join(dir, 'notify'), push: inputs.push, onError: () => {} });
const driver = new NodeProcessDriver({ push: inputs.push, log: dl, notify, reaper: null, home: '/' });
let nextExec = 1;
after(() => { driver.killAll(); driver.close(); notify.closeAll(); rmSync(dir, { recursive: true, force: true }); });

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const base: SpawnRequest = {
  execId: 0, unit: 'x.service', role: 'main', path: '/bin/sh', argv: ['/bin/sh'], env: { PATH }, cwd: '/', cwdOptional: false,
  user: null, group: null, supplementaryGroups: [], umask: null, nice: null, limits: {}, stdin: 'null', stdout: 'journal',
  stderr: 'inherit', syslogIdentifier: 'x', notify: false, fds: [],
};

/** Runs `script` with `extra` settings; returns its exit status and what it wrote to a file. */
async function run(script: string, extra: Partial<SpawnRequest> = {}): Promise<{ status: number; out: string }> {
  const execId = nextExec++;
  const file = join(dir, `out-${execId}`);
  writeFileSync(file, '');
  driver.spawn({ ...base, execId, argv: ['/bin/sh', '-c', script], stdout: `file:${file}`, ...extra });
  const exit = await inputs.exitOf(execId);
  return { status: exit.status, out: readFileSync(file, 'utf8') };
}

const TOOLS = { prlimit: '/usr/bin/prlimit', nice: '/usr/bin/nice', setpriv: '/usr/bin/setpriv', bash: '/bin/bash' };
const wrap = (o: Partial<Parameters<typeof wrapExec>[0]>) =>
  wrapExec({ file: '/bin/x', args: ['a'], identity: null, nice: null, currentNice: 0, limits: {}, ...o }, TOOLS);

test('wrapExec: nothing to apply means no wrapper; each setting adds exactly its link', () => {
  assert.deepEqual(wrap({}), { ok: true, value: { file: '/bin/x', args: ['a'], wrapped: false, fallbackIdentity: null } });
  const all = wrap({ identity: { uid: 5, gid: 6, groups: [6, 7] }, nice: 3, limits: { NOFILE: { soft: 10, hard: Infinity } } });
  assert.ok(all.ok);
  assert.deepEqual([all.value.file, ...all.value.args], [
    '/usr/bin/prlimit', '--nofile=10:unlimited', '--', '/usr/bin/nice', '-n', '3', '--',
    '/usr/bin/setpriv', '--reuid', '5', '--regid', '6', '--groups', '6,7', '--', '/bin/x', 'a',
  ]);
  const cleared = wrap({ identity: { uid: null, gid: 6, groups: [] } });
  assert.ok(cleared.ok && cleared.value.args.includes('--clear-groups'));
  const kept = wrap({ identity: { uid: null, gid: 6, groups: null } });
  assert.ok(kept.ok && kept.value.args.includes('--keep-groups'));
  assert.equal(wrap({ nice: 0 }).ok && (wrap({ nice: 0 }) as { value: { wrapped: boolean } }).value.wrapped, false);
  const noTool = wrapExec({ file: '/bin/x', args: [], identity: null, nice: null, currentNice: 0, limits: { CORE: { soft: 0, hard: 0 } } }, { ...TOOLS, prlimit: null });
  assert.deepEqual(noTool.ok ? null : noTool.status, 205);
  const noSetpriv = wrapExec({ file: '/bin/x', args: [], identity: { uid: 1, gid: 1, groups: [] }, nice: null, currentNice: 0, limits: {} }, { ...TOOLS, setpriv: null });
  assert.ok(noSetpriv.ok && !noSetpriv.value.wrapped && noSetpriv.value.fallbackIdentity?.uid === 1);
});

test('userGroups is initgroups: the primary gid plus every group listing the user', () => {
  const file = join(dir, 'group');
  writeFileSync(file, 'root:x:0:\nstaff:x:50:alice,bob\nusers:x:100:bob\nwheel:x:10:alice\n');
  assert.deepEqual(userGroups('alice', 1000, file).sort((a, b) => a - b), [10, 50, 1000]);
  assert.deepEqual(userGroups('carol', 7, file), [7]);
});

test('resolveIdentity: unknown users/groups are 217/216; an unprivileged manager may only be itself', () => {
  const self = { uid: 1234, gid: 1234, nice: 0, tools: TOOLS, hardLimits: null };
  const r = (o: Partial<SpawnRequest>, s = self) => resolveIdentity({ ...base, ...o }, s);
  assert.deepEqual(r({ user: 'no-such-user-xyz' }).ok ? null : (r({ user: 'no-such-user-xyz' }) as { status: number }).status, 217);
  assert.equal((r({ group: 'no-such-group-xyz' }) as { status: number }).status, 216);
  assert.equal((r({ supplementaryGroups: ['no-such-group-xyz'] }) as { status: number }).status, 216);
  assert.deepEqual(r({ user: '1234' }), { ok: true, value: null, home: '/' });
  assert.equal((r({ user: '0' }) as { status: number }).status, 217);
  const root = r({ user: 'nobody', supplementaryGroups: ['users'] }, { ...self, uid: 0, gid: 0 });
  assert.ok(root.ok && root.value);
  assert.equal(root.value.uid, 65534);
  assert.ok(root.value.groups?.includes(100) && root.value.groups.includes(root.value.gid!));
});

test('UMask= is what the service sees; the daemon keeps its own', async () => {
  const before = process.umask();
  const r = await run('umask', { umask: 0o077 });
  assert.equal(r.out.trim(), '0077');
  assert.equal(process.umask(), before);
});

test('Limit*= are applied (soft and hard), Nice= is absolute', async () => {
  const r = await run('ulimit -Sn; ulimit -Hn; cut -d" " -f19 /proc/self/stat', { limits: { NOFILE: { soft: 123, hard: 456 } }, nice: 7 });
  assert.equal(r.status, 0);
  assert.deepEqual(r.out.trim().split('\n'), ['123', '456', '7']);
});

test('User= gets the uid, the primary gid and the user\'s groups plus SupplementaryGroups= (root only)', { skip: !isRoot && 'needs root' }, async () => {
  const r = await run('grep -E "^(Uid|Gid|Groups):" /proc/self/status', { user: 'nobody', supplementaryGroups: ['users', 'staff'] });
  assert.equal(r.status, 0, r.out);
  const field = (k: string) => r.out.split('\n').find((l) => l.startsWith(`${k}:`))!.split(/\s+/).slice(1).filter(Boolean);
  assert.deepEqual(field('Uid'), ['65534', '65534', '65534', '65534']);
  assert.deepEqual(field('Gid'), ['65534', '65534', '65534', '65534']);
  assert.deepEqual(field('Groups').map(Number).sort((a, b) => a - b), [50, 100, 65534]);
});

test('Group= alone changes the gid; the unknown user is still 217 with no process started', { skip: !isRoot && 'needs root' }, async () => {
  const r = await run('id -g; id -u', { group: 'users' });
  assert.deepEqual(r.out.trim().split('\n'), ['100', '0']);
  const bad = await run('true', { user: 'no-such-user-xyz' });
  assert.equal(bad.status, 217);
});

test('clampLimits: without CAP_SYS_RESOURCE a limit is lowered to our hard limit (setrlimit_closest)', () => {
  const limits = { NOFILE: { soft: 65535, hard: 65535 }, CORE: { soft: 0, hard: Infinity } };
  assert.deepEqual(clampLimits(limits, null), limits);
  assert.deepEqual(clampLimits(limits, { NOFILE: 20000, CORE: Infinity }), { NOFILE: { soft: 20000, hard: 20000 }, CORE: { soft: 0, hard: Infinity } });
});

test('ownHardLimits: null with CAP_SYS_RESOURCE, else the hard column of /proc/self/limits', () => {
  const limits = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 20000                files\nMax core file size        0                    unlimited            bytes\n';
  const files = (cap: string) => (p: string) => (p === '/proc/self/status' ? `Name:\tx\nCapEff:\t${cap}\n` : p === '/proc/self/limits' ? limits : null);
  assert.equal(ownHardLimits(files('000001ffffffffff')), null);
  const own = ownHardLimits(files('000001fffeffffff'));
  assert.equal(own?.['NOFILE'], 20000);
  assert.equal(own?.['CORE'], Infinity);
});

const SELF = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, nice: 0, tools: TOOLS, hardLimits: null };

test('the own-pid link: only when a variable is asked for, first in the chain, with the command as "$0" "$@"', () => {
  const plain = prepareSpawn({ ...base, path: '/bin/true', argv: ['/bin/true', 'x'] }, '/', SELF);
  assert.ok(plain.ok);
  assert.deepEqual([plain.value.file, ...plain.value.args], ['/bin/true', 'x'], 'no extra exec for an ordinary service');
  const both = prepareSpawn({ ...base, path: '/bin/true', argv: ['/bin/true', 'x'], ownPidEnv: ['LISTEN_PID', 'WATCHDOG_PID'], nice: 5 }, '/', SELF);
  assert.ok(both.ok);
  assert.deepEqual([both.value.file, ...both.value.args], [
    '/bin/sh', '-c', 'LISTEN_PID=$$; export LISTEN_PID; WATCHDOG_PID=$$; export WATCHDOG_PID; exec "$0" "$@"',
    '/usr/bin/nice', '-n', '5', '--', '/bin/true', 'x',
  ]);
  assert.equal(ownPidScript(['WATCHDOG_PID', 'X=1; true' as OwnPidVariable]), 'WATCHDOG_PID=$$; export WATCHDOG_PID; exec "$0" "$@"', 'names outside the table never reach the script');
});

test('spawn returns the pid at once; WATCHDOG_PID and LISTEN_PID are the service\'s own pid, through Nice= and Limit*= links', async () => {
  const execId = nextExec++;
  const file = join(dir, `out-${execId}`);
  writeFileSync(file, '');
  const pid = driver.spawn({
    ...base, execId, argv: ['/bin/sh', '-c', 'echo "$$ $WATCHDOG_PID ${LISTEN_PID-unset} $1"', 'sh', 'a b;$(x)'], stdout: `file:${file}`,
    env: { PATH, WATCHDOG_USEC: '5000000' }, ownPidEnv: ['WATCHDOG_PID'], nice: 3, limits: { NOFILE: { soft: 100, hard: 100 } },
  });
  assert.ok(pid !== null && pid > 0);
  assert.equal((await inputs.exitOf(execId)).status, 0);
  assert.equal(readFileSync(file, 'utf8'), `${pid} ${pid} unset a b;$(x)\n`);
  const start = inputs.all.find((i) => i.kind === 'ProcessStarted' && i.execId === execId);
  assert.ok(start?.kind === 'ProcessStarted' && start.pid === pid, 'ProcessStarted names the same pid');

  const missing = nextExec++;
  assert.equal(driver.spawn({ ...base, execId: missing, path: '/nonexistent/x', argv: ['/nonexistent/x'] }), null, 'nothing forked: no pid');
  assert.equal((await inputs.exitOf(missing)).status, 203);
});

test("an '@' argv[0] survives the exec links: a last bash link execs the command under its name", async () => {
  const chain = prepareSpawn({ ...base, path: '/bin/sh', argv: ['my-name', '-c', 'true'], nice: 5 }, '/', SELF);
  assert.ok(chain.ok);
  assert.deepEqual([chain.value.file, ...chain.value.args], ['/usr/bin/nice', '-n', '5', '--', '/bin/bash', '-c', 'exec -a "$0" "$@"', 'my-name', '/bin/sh', '-c', 'true']);
  const direct = prepareSpawn({ ...base, path: '/bin/sh', argv: ['my-name', '-c', 'true'] }, '/', SELF);
  assert.ok(direct.ok);
  assert.deepEqual([direct.value.argv0, direct.value.file, ...direct.value.args], ['my-name', '/bin/sh', '-c', 'true'], 'no links: Node sets argv[0] itself');

  const execId = nextExec++;
  const file = join(dir, `argv0-${execId}`);
  writeFileSync(file, '');
  driver.spawn({ ...base, execId, path: '/bin/sh', argv: ['custom-zero', '-c', 'tr "\\0" " " < /proc/$$/cmdline'], stdout: `file:${file}`, env: { PATH }, nice: 2 });
  assert.equal((await inputs.exitOf(execId)).status, 0);
  assert.equal(readFileSync(file, 'utf8'), 'custom-zero -c tr "\\0" " " < /proc/$$/cmdline ');
});
