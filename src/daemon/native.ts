// libc calls Node does not offer, through koffi: subreaper, explicit-pid reaping, peer
// credentials and close-on-exec for inherited fds. Loaded lazily; owns no policy.
import koffi from 'koffi';

const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
const CLOSE_RANGE_CLOEXEC = 4;

interface Libc {
  prctl(option: number, a2: number, a3: number, a4: number, a5: number): number;
  waitpid(pid: number, status: number[], options: number): number;
  getsockopt(fd: number, level: number, name: number, out: Record<string, number>, len: number[]): number;
  closeRange(first: number, last: number, flags: number): number;
}

let libc: Libc | null = null;

function load(): Libc {
  if (libc) return libc;
  const lib = koffi.load('libc.so.6');
  const ucred = koffi.struct('unitd_ucred', { pid: 'int32_t', uid: 'uint32_t', gid: 'uint32_t' });
  const prctl = lib.func('int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)');
  const waitpid = lib.func('int waitpid(int, _Out_ int *, int)');
  const getsockopt = lib.func('getsockopt', 'int', ['int', 'int', 'int', koffi.out(koffi.pointer(ucred)), koffi.inout(koffi.pointer('uint32_t'))]);
  const closeRange = lib.func('int close_range(unsigned int, unsigned int, int)');
  libc = {
    prctl: (o, a2, a3, a4, a5) => prctl(o, a2, a3, a4, a5) as number,
    waitpid: (pid, status, options) => waitpid(pid, status, options) as number,
    getsockopt: (fd, level, name, out, len) => getsockopt(fd, level, name, out, len) as number,
    closeRange: (first, last, flags) => closeRange(first, last, flags) as number,
  };
  return libc;
}

/** Orphaned descendants are re-parented to us instead of PID 1 (so we can see and reap them). */
export function becomeSubreaper(): boolean {
  return load().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) === 0;
}

/** Marks every inherited fd ≥ 3 close-on-exec, so services never see them. */
export function cloexecInheritedFds(): boolean {
  return load().closeRange(3, 0xffffffff, CLOSE_RANGE_CLOEXEC) === 0;
}

export type WaitStatus = { readonly code: 'exited' | 'killed' | 'dumped'; readonly status: number };

/** waitpid(pid, WNOHANG) for one explicit pid: null if it has not ended (or is not our child). */
export function reapPid(pid: number): WaitStatus | null {
  const status = [0];
  const r = load().waitpid(pid, status, WNOHANG);
  if (r !== pid) return null;
  return decodeWaitStatus(status[0] ?? 0);
}

export function decodeWaitStatus(raw: number): WaitStatus {
  const sig = raw & 0x7f;
  if (sig === 0) return { code: 'exited', status: (raw >> 8) & 0xff };
  return { code: (raw & 0x80) !== 0 ? 'dumped' : 'killed', status: sig };
}

export interface PeerCredentials { readonly pid: number; readonly uid: number; readonly gid: number }

/** SO_PEERCRED of a connected Unix socket fd, or null when the call fails. */
export function peerCredentials(fd: number): PeerCredentials | null {
  const out: Record<string, number> = {};
  const len = [12];
  if (load().getsockopt(fd, SOL_SOCKET, SO_PEERCRED, out, len) !== 0) return null;
  return { pid: out['pid'] ?? 0, uid: out['uid'] ?? 0, gid: out['gid'] ?? 0 };
}
