// The libc calls behind socket units, through koffi: socket/bind/listen without accepting,
// accept4 for Accept=yes and flushing, poll() for readability, an eventfd to wake it, close.
// Socket addresses are built here from unit-file syntax (05 §A.2). No policy.
import koffi from 'koffi';
import { endianness } from 'node:os';

export const AF = { UNIX: 1, INET: 2, INET6: 10 } as const;
export const SOCK = { STREAM: 1, DGRAM: 2, SEQPACKET: 5, NONBLOCK: 0o4000, CLOEXEC: 0o2000000 } as const;
export const POLL = { IN: 0x1, ERR: 0x8, HUP: 0x10, NVAL: 0x20 } as const;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const EFD_CLOEXEC = 0o2000000;
const EFD_NONBLOCK = 0o4000;
const SUN_PATH_SIZE = 108;
const LE = endianness() === 'LE';

interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Buffer, len: number): number;
  listen(fd: number, backlog: number): number;
  accept4(fd: number, addr: Buffer | null, len: number[] | null, flags: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, len: number): number;
  getsockname(fd: number, addr: Buffer, len: number[]): number;
  getpeername(fd: number, addr: Buffer, len: number[]): number;
  recv(fd: number, buf: Buffer, len: number, flags: number): number;
  mkfifo(path: string, mode: number): number;
  open(path: string, flags: number): number;
  close(fd: number): number;
  eventfd(initval: number, flags: number): number;
  write(fd: number, buf: Buffer, len: number): number;
  read(fd: number, buf: Buffer, len: number): number;
  strerror(errno: number): string;
  inetPton(af: number, src: string, dst: Buffer): number;
  inetNtop(af: number, src: Buffer, dst: Buffer, size: number): unknown;
  ifNametoindex(name: string): number;
  /** poll() on the libuv thread pool: the event loop stays free and the CPU idle while it waits. */
  pollAsync(fds: Buffer, n: number, timeout: number, done: (err: unknown, res: number) => void): void;
}

let libc: Libc | null = null;

function load(): Libc {
  if (libc) return libc;
  const lib = koffi.load('libc.so.6');
  const f = (proto: string) => lib.func(proto);
  const socket = f('int socket(int, int, int)');
  const bind = f('int bind(int, const void *, uint32_t)');
  const listen = f('int listen(int, int)');
  const accept4 = f('int accept4(int, void *, _Inout_ uint32_t *, int)');
  const setsockopt = f('int setsockopt(int, int, int, const void *, uint32_t)');
  const getsockname = f('int getsockname(int, void *, _Inout_ uint32_t *)');
  const getpeername = f('int getpeername(int, void *, _Inout_ uint32_t *)');
  const recv = f('intptr_t recv(int, void *, size_t, int)');
  const mkfifo = f('int mkfifo(const char *, uint32_t)');
  const open = f('int open(const char *, int)');
  const close = f('int close(int)');
  const eventfd = f('int eventfd(unsigned int, int)');
  const write = f('intptr_t write(int, const void *, size_t)');
  const read = f('intptr_t read(int, void *, size_t)');
  const strerror = f('const char *strerror(int)');
  const inetPton = f('int inet_pton(int, const char *, void *)');
  const inetNtop = f('const char *inet_ntop(int, const void *, void *, uint32_t)');
  const ifNametoindex = f('unsigned int if_nametoindex(const char *)');
  const poll = f('int poll(void *, unsigned long, int)');
  libc = {
    socket: (d, t, p) => socket(d, t, p) as number,
    bind: (fd, a, l) => bind(fd, a, l) as number,
    listen: (fd, b) => listen(fd, b) as number,
    accept4: (fd, a, l, fl) => accept4(fd, a, l, fl) as number,
    setsockopt: (fd, lv, n, v, l) => setsockopt(fd, lv, n, v, l) as number,
    getsockname: (fd, a, l) => getsockname(fd, a, l) as number,
    getpeername: (fd, a, l) => getpeername(fd, a, l) as number,
    recv: (fd, b, l, fl) => Number(recv(fd, b, l, fl)),
    mkfifo: (p, m) => mkfifo(p, m) as number,
    open: (p, fl) => open(p, fl) as number,
    close: (fd) => close(fd) as number,
    eventfd: (v, fl) => eventfd(v, fl) as number,
    write: (fd, b, l) => Number(write(fd, b, l)),
    read: (fd, b, l) => Number(read(fd, b, l)),
    strerror: (e) => strerror(e) as string,
    inetPton: (af, s, d) => inetPton(af, s, d) as number,
    inetNtop: (af, src, d, n) => inetNtop(af, src, d, n),
    ifNametoindex: (n) => ifNametoindex(n) as number,
    pollAsync: (fds, n, timeout, done) => { poll.async(fds, n, timeout, done); },
  };
  return libc;
}

/** A failed call: systemd's wording is strerror's ("Address already in use"). */
export class SysError extends Error {
  readonly errno: number;
  constructor(call: string, errno: number) {
    super(load().strerror(errno));
    this.name = `SysError(${call})`;
    this.errno = errno;
  }
}

const check = (call: string, r: number): number => {
  if (r < 0) throw new SysError(call, koffi.errno());
  return r;
};

export interface SockAddr { readonly family: number; readonly bytes: Buffer; readonly path: string | null }

const u16 = (b: Buffer, v: number, at: number): void => { if (LE) b.writeUInt16LE(v, at); else b.writeUInt16BE(v, at); };

function unixAddr(path: string): SockAddr {
  const abstract = path.startsWith('@');
  const name = Buffer.from(abstract ? path.slice(1) : path);
  if (name.length + 1 > SUN_PATH_SIZE) throw new SysError('bind', 36 /* ENAMETOOLONG */);
  const len = 2 + (abstract ? 1 + name.length : name.length + 1);
  const b = Buffer.alloc(len);
  u16(b, AF.UNIX, 0);
  name.copy(b, abstract ? 3 : 2);
  return { family: AF.UNIX, bytes: b, path: abstract ? null : path };
}

function inetAddr(host: string, port: number): SockAddr {
  const b = Buffer.alloc(16);
  u16(b, AF.INET, 0);
  b.writeUInt16BE(port, 2);
  if (load().inetPton(AF.INET, host, b.subarray(4, 8)) !== 1) throw new SysError('inet_pton', 22 /* EINVAL */);
  return { family: AF.INET, bytes: b, path: null };
}

function inet6Addr(host: string, port: number, ifname: string | null): SockAddr {
  const b = Buffer.alloc(28);
  u16(b, AF.INET6, 0);
  b.writeUInt16BE(port, 2);
  if (load().inetPton(AF.INET6, host, b.subarray(8, 24)) !== 1) throw new SysError('inet_pton', 22);
  if (ifname) {
    const index = load().ifNametoindex(ifname);
    if (index === 0) throw new SysError('if_nametoindex', 19 /* ENODEV */);
    if (LE) b.writeUInt32LE(index, 24); else b.writeUInt32BE(index, 24);
  }
  return { family: AF.INET6, bytes: b, path: null };
}

/** Unit-file address syntax (05 §A.2) → socket address; a bare port is [::]:PORT. */
export function parseAddress(a: string): SockAddr {
  if (a.startsWith('/') || a.startsWith('@')) return unixAddr(a);
  if (/^\d+$/.test(a)) return inet6Addr('::', Number(a), null);
  const v6 = /^\[([0-9a-fA-F:.]+)\](?:%([\w.-]+))?:(\d+)$/.exec(a);
  if (v6) return inet6Addr(v6[1]!, Number(v6[3]), v6[2] ?? null);
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(a);
  if (v4) return inetAddr(v4[1]!, Number(v4[2]));
  throw new SysError('parse', 22);
}

const IPPROTO_IPV6 = 41;
const IPV6_V6ONLY = 26;
const SO_REUSEPORT = 15;

export interface BindOptions {
  readonly reuseAddr: boolean;
  readonly reusePort: boolean;
  /** IPV6_V6ONLY for IPv6 sockets; null keeps the kernel default (net.ipv6.bindv6only). */
  readonly v6Only: boolean | null;
}

function setInt(fd: number, level: number, name: number, value: number): void {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value, 0);
  check('setsockopt', load().setsockopt(fd, level, name, b, 4));
}

/** A bound socket, non-blocking and close-on-exec (dup2 into a child clears the flag). */
export function boundSocket(addr: SockAddr, type: number, o: BindOptions): number {
  const c = load();
  const fd = check('socket', c.socket(addr.family, type | SOCK.NONBLOCK | SOCK.CLOEXEC, 0));
  try {
    if (o.reuseAddr) setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (o.reusePort) setInt(fd, SOL_SOCKET, SO_REUSEPORT, 1);
    if (addr.family === AF.INET6 && o.v6Only !== null) setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, o.v6Only ? 1 : 0);
    check('bind', c.bind(fd, addr.bytes, addr.bytes.length));
    return fd;
  } catch (err) {
    c.close(fd);
    throw err;
  }
}

export function listenOn(fd: number, backlog: number): void {
  check('listen', load().listen(fd, Math.min(backlog, 2_147_483_647)));
}

/** accept4() one pending connection (close-on-exec, blocking), or null when none is waiting. */
export function acceptOne(fd: number): number | null {
  const r = load().accept4(fd, null, null, SOCK.CLOEXEC);
  return r < 0 ? null : r;
}

/** Reads and drops one pending datagram; false when none was waiting. */
export function dropDatagram(fd: number): boolean {
  return load().recv(fd, Buffer.alloc(1), 1, 0x40 /* MSG_DONTWAIT */) >= 0;
}

export const closeFd = (fd: number): void => { load().close(fd); };

const O = { RDWR: 0o2, NOCTTY: 0o400, NONBLOCK: 0o4000, NOFOLLOW: 0o400000, CLOEXEC: 0o2000000 } as const;

/** ListenFIFO=: mkfifo (an existing FIFO is reused) and open it read-write, non-blocking (fifo_address_create). */
export function openFifo(path: string, mode: number): number {
  const c = load();
  if (c.mkfifo(path, mode) < 0 && koffi.errno() !== 17 /* EEXIST */) throw new SysError('mkfifo', koffi.errno());
  return check('open', c.open(path, O.RDWR | O.NOCTTY | O.NONBLOCK | O.NOFOLLOW | O.CLOEXEC));
}

/** Reads and drops what is waiting in a FIFO; false when it is empty. */
export function drainFifo(fd: number): boolean {
  return load().read(fd, Buffer.alloc(4096), 4096) > 0;
}

/** getsockname/getpeername of an IP socket as [address, port]; null for other families. */
export function ipName(fd: number, which: 'local' | 'peer'): { addr: string; port: number; family: number } | null {
  const c = load();
  const b = Buffer.alloc(128);
  const len = [128];
  if ((which === 'local' ? c.getsockname(fd, b, len) : c.getpeername(fd, b, len)) !== 0) return null;
  const family = LE ? b.readUInt16LE(0) : b.readUInt16BE(0);
  const port = b.readUInt16BE(2);
  if (family === AF.INET) return { addr: [...b.subarray(4, 8)].join('.'), port, family };
  if (family === AF.INET6) {
    const a = b.subarray(8, 24);
    // A v4-mapped peer of a dual-stack listener is shown as IPv4 (sockaddr_pretty, translate_ipv6).
    if (a.subarray(0, 10).every((x) => x === 0) && a[10] === 0xff && a[11] === 0xff) return { addr: [...a.subarray(12)].join('.'), port, family };
    const text = Buffer.alloc(64);
    c.inetNtop(AF.INET6, a, text, text.length);
    return { addr: text.subarray(0, text.indexOf(0)).toString(), port, family };
  }
  return null;
}

/** An eventfd that wakes a blocked poll(). */
export const newEventFd = (): number => check('eventfd', load().eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));

export function signalEventFd(fd: number): void {
  const one = Buffer.alloc(8);
  one.writeBigUInt64LE(1n);
  load().write(fd, one, 8);
}

export function drainEventFd(fd: number): void {
  load().read(fd, Buffer.alloc(8), 8);
}

/** poll() on the thread pool; `fds` holds struct pollfd entries (8 bytes each), revents filled in. */
export function pollAsync(fds: Buffer, done: (err: unknown, ready: number) => void): void {
  load().pollAsync(fds, fds.length / 8, -1, done);
}
