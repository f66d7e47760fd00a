// libc calls Node does not offer, through koffi: subreaper, explicit-pid reaping, peer
// credentials, close-on-exec for inherited fds, and Unix datagram sockets that receive the
// sender's credentials (sd_notify). Loaded lazily; owns no policy.
import koffi from 'koffi';
import { endianness, constants as osConstants } from 'node:os';

const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
const CLOSE_RANGE_CLOEXEC = 4;
const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SO_PASSCRED = 16;
const SCM_RIGHTS = 1;
const SCM_CREDENTIALS = 2;
const MSG_TRUNC = 0x20;
const MSG_CTRUNC = 0x08;
const MSG_DONTWAIT = 0x40;
const MSG_CMSG_CLOEXEC = 0x40000000;
const EINTR = 4;
const EAGAIN = 11;

type KoffiType = ReturnType<typeof koffi.struct>;

interface Libc {
  prctl(option: number, a2: number, a3: number, a4: number, a5: number): number;
  waitpid(pid: number, status: number[], options: number): number;
  getsockopt(fd: number, level: number, name: number, out: Record<string, number>, len: number[]): number;
  closeRange(first: number, last: number, flags: number): number;
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Buffer, len: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, len: number): number;
  recvmsg(fd: number, msg: bigint, flags: number): number;
  close(fd: number): number;
  msghdr: KoffiType;
  iovec: KoffiType;
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
  const socket = lib.func('int socket(int, int, int)');
  const bind = lib.func('int bind(int, const void *, uint32_t)');
  const setsockopt = lib.func('int setsockopt(int, int, int, const void *, uint32_t)');
  const recvmsg = lib.func('intptr_t recvmsg(int, void *, int)');
  const close = lib.func('int close(int)');
  libc = {
    prctl: (o, a2, a3, a4, a5) => prctl(o, a2, a3, a4, a5) as number,
    waitpid: (pid, status, options) => waitpid(pid, status, options) as number,
    getsockopt: (fd, level, name, out, len) => getsockopt(fd, level, name, out, len) as number,
    closeRange: (first, last, flags) => closeRange(first, last, flags) as number,
    socket: (domain, type, protocol) => socket(domain, type, protocol) as number,
    bind: (fd, addr, len) => bind(fd, addr, len) as number,
    setsockopt: (fd, level, name, value, len) => setsockopt(fd, level, name, value, len) as number,
    recvmsg: (fd, msg, flags) => Number(recvmsg(fd, msg, flags)),
    close: (fd) => close(fd) as number,
    msghdr: koffi.struct('unitd_msghdr', {
      msg_name: 'void *', msg_namelen: 'uint32_t', msg_iov: 'void *', msg_iovlen: 'size_t',
      msg_control: 'void *', msg_controllen: 'size_t', msg_flags: 'int',
    }),
    iovec: koffi.struct('unitd_iovec', { iov_base: 'void *', iov_len: 'size_t' }),
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

const errnoError = (call: string, extra = ''): Error => {
  const errno = koffi.errno();
  const name = Object.entries(osConstants.errno).find(([, n]) => n === errno)?.[0] ?? `errno ${errno}`;
  return Object.assign(new Error(`${call}${extra}: ${name}`), { errno });
};

const LE = endianness() === 'LE';

/** sockaddr_un.sun_path: 108 bytes including the terminating NUL. */
const SUN_PATH_SIZE = 108;

/**
 * A bound AF_UNIX datagram socket, non-blocking and close-on-exec, with SO_PASSCRED set so each
 * datagram carries its sender's credentials. Returns the fd; throws (with `errno`) if it cannot.
 */
export function openCredentialDatagramSocket(path: string): number {
  const c = load();
  const bytes = Buffer.from(path);
  if (bytes.length === 0 || bytes.length >= SUN_PATH_SIZE) throw new Error(`socket path too long: ${path}`);
  const addr = Buffer.alloc(2 + SUN_PATH_SIZE);
  if (LE) addr.writeUInt16LE(AF_UNIX, 0); else addr.writeUInt16BE(AF_UNIX, 0);
  bytes.copy(addr, 2);
  const fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw errnoError('socket');
  const one = Buffer.alloc(4);
  if (LE) one.writeInt32LE(1, 0); else one.writeInt32BE(1, 0);
  if (c.setsockopt(fd, SOL_SOCKET, SO_PASSCRED, one, 4) !== 0) {
    const err = errnoError('setsockopt(SO_PASSCRED)');
    c.close(fd);
    throw err;
  }
  if (c.bind(fd, addr, 2 + bytes.length + 1) !== 0) {
    const err = errnoError('bind', ` ${path}`);
    c.close(fd);
    throw err;
  }
  return fd;
}

export function closeFd(fd: number): void {
  load().close(fd);
}

export interface Datagram {
  readonly data: Buffer;
  /** SCM_CREDENTIALS of the sender (null only if the kernel attached none). */
  readonly sender: PeerCredentials | null;
  /** Longer than DATAGRAM_MAX (its tail was discarded), or its ancillary data did not fit. */
  readonly truncated: boolean;
  /** How many SCM_RIGHTS fds came with it (all already closed). */
  readonly fdsClosed: number;
}

/** Largest datagram accepted whole: sd_notify's limit (PIPE_BUF), as in systemd. */
export const DATAGRAM_MAX = 4096;
const CONTROL_SIZE = 4096;

/** Native memory for recvmsg, reused by every call (the event loop is single-threaded). */
interface RecvBuffers { readonly base: bigint; readonly view: DataView; readonly iov: number; readonly data: number; readonly control: number }
let recvBuffers: RecvBuffers | null = null;

function buffers(c: Libc): RecvBuffers {
  if (recvBuffers) return recvBuffers;
  const align = (n: number): number => Math.ceil(n / 16) * 16;
  const iov = align(koffi.sizeof(c.msghdr));
  const data = iov + 16 * 2;
  const control = align(data + DATAGRAM_MAX + 1);
  const size = control + CONTROL_SIZE;
  const base = koffi.alloc('uint8_t', size) as bigint;
  recvBuffers = { base, view: new DataView(koffi.view(base, size)), iov, data, control };
  return recvBuffers;
}

/**
 * One datagram from a non-blocking socket with recvmsg(MSG_DONTWAIT), or null when none is
 * waiting. File descriptors passed along (SCM_RIGHTS) are closed at once. Throws on other errors.
 */
export function receiveDatagram(fd: number): Datagram | null {
  const c = load();
  const b = buffers(c);
  const ptrSize = koffi.sizeof('void *');
  const sizeT = (off: number): number => ptrSize === 8 ? Number(b.view.getBigUint64(off, LE)) : b.view.getUint32(off, LE);
  let n: number;
  for (;;) {
    koffi.encode(b.base, b.iov, c.iovec, { iov_base: b.base + BigInt(b.data), iov_len: DATAGRAM_MAX + 1 });
    koffi.encode(b.base, 0, c.msghdr, {
      msg_name: null, msg_namelen: 0, msg_iov: b.base + BigInt(b.iov), msg_iovlen: 1,
      msg_control: b.base + BigInt(b.control), msg_controllen: CONTROL_SIZE, msg_flags: 0,
    });
    n = c.recvmsg(fd, b.base, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
    if (n >= 0) break;
    const errno = koffi.errno();
    if (errno === EAGAIN) return null;
    if (errno !== EINTR) throw errnoError('recvmsg');
  }
  const header = koffi.decode(b.base, c.msghdr) as { msg_controllen: number | bigint; msg_flags: number };
  let sender: PeerCredentials | null = null;
  let fdsClosed = 0;
  // Walk the control messages (cmsghdr: size_t len, int level, int type, then data aligned).
  const cmsgHeader = ptrSize + 8;
  const alignT = (x: number): number => Math.ceil(x / ptrSize) * ptrSize;
  const controlLen = Number(header.msg_controllen);
  for (let off = 0; off + cmsgHeader <= controlLen;) {
    const at = b.control + off;
    const len = sizeT(at);
    if (len < cmsgHeader || off + len > controlLen) break;
    const level = b.view.getInt32(at + ptrSize, LE);
    const type = b.view.getInt32(at + ptrSize + 4, LE);
    const dataAt = at + alignT(cmsgHeader);
    const dataLen = len - alignT(cmsgHeader);
    if (level === SOL_SOCKET && type === SCM_CREDENTIALS && dataLen >= 12) {
      sender = { pid: b.view.getInt32(dataAt, LE), uid: b.view.getUint32(dataAt + 4, LE), gid: b.view.getUint32(dataAt + 8, LE) };
    } else if (level === SOL_SOCKET && type === SCM_RIGHTS) {
      for (let i = 0; i + 4 <= dataLen; i += 4) { c.close(b.view.getInt32(dataAt + i, LE)); fdsClosed++; }
    }
    off += alignT(len);
  }
  const truncated = n > DATAGRAM_MAX || (header.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) !== 0;
  const data = Buffer.from(new Uint8Array(b.view.buffer, b.data, Math.min(n, DATAGRAM_MAX + 1)));
  return { data, sender, truncated, fdsClosed };
}
