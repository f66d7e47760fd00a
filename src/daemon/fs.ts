// The FileSystem port over synchronous node:fs calls (errors become null) and HostInfo, the
// facts about this machine that specifiers and conditions need. Read-only; no policy.
import { isTimeZone } from '../host/time-zones.ts';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { arch, hostname, release, userInfo } from 'node:os';
import type { FileStat, FileSystem, HostInfo } from '../engine/ports.ts';
import { lookupGroup } from './accounts.ts';

/** Services never inherit the daemon's environment; this is the whole base environment. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin';

const kindOf = (st: Stats): FileStat['kind'] =>
  st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';

const toFileStat = (st: Stats): FileStat => ({ kind: kindOf(st), size: st.size, mtimeUsec: Math.floor(st.mtimeMs * 1000) });

function orNull<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

export function createFileSystem(): FileSystem {
  return {
    lstat: (path) => orNull(() => toFileStat(lstatSync(path))),
    stat: (path) => orNull(() => toFileStat(statSync(path))),
    readlink: (path) => orNull(() => readlinkSync(path)),
    readdir: (path) => orNull(() => readdirSync(path)),
    readFile: (path) => orNull(() => readFileSync(path, 'utf8')),
  };
}

const firstLine = (path: string): string => (orNull(() => readFileSync(path, 'utf8')) ?? '').split('\n')[0]!.trim();

/** Kernel architecture names as systemd prints them (%a). */
const ARCHITECTURES: Readonly<Record<string, string>> = { x64: 'x86-64', arm64: 'arm64', ia32: 'x86', arm: 'arm', ppc64: 'ppc64-le', s390x: 's390x', riscv64: 'riscv64' };

export function createHostInfo(env: NodeJS.ProcessEnv = process.env): HostInfo {
  const user = userInfo();
  const uid = user.uid;
  const runtimeDir = uid === 0 ? '/run' : env['XDG_RUNTIME_DIR'] ?? `/run/user/${uid}`;
  return {
    hostname: hostname(),
    machineId: firstLine('/etc/machine-id'),
    bootId: firstLine('/proc/sys/kernel/random/boot_id').replaceAll('-', ''),
    kernelRelease: release(),
    architecture: ARCHITECTURES[arch()] ?? arch(),
    userName: user.username,
    uid,
    groupName: lookupGroup(String(user.gid))?.name ?? String(user.gid),
    gid: user.gid,
    home: user.homedir,
    shell: user.shell ?? '/bin/sh',
    runtimeDir,
    environment: { PATH: DEFAULT_PATH },
    isTimeZone: (name) => isTimeZone(name),
    processEnvironment: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
  };
}
