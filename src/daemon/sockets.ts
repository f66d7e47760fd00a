// The SocketDriver port: opens the listeners of socket units (bind + listen, never accept),
// watches them for readability and reports SocketTriggered, accepts for Accept=yes, closes.
// Readability: one poll() call at a time on the libuv thread pool (koffi async) over every
// watched fd plus an eventfd that wakes it when the set changes. Nothing is polled on a timer,
// so the daemon's CPU stays idle while no traffic arrives; no watched fd means no poll at all.
import { chmodSync, chownSync, lstatSync, mkdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Input } from '../engine/inputs.ts';
import type { AcceptedConnection, ListenSpec, SocketDriver, SocketOpenRequest, SocketOpenResult } from '../engine/ports.ts';
import type { UnitName } from '../engine/types.ts';
import { lookupGroup, lookupUser } from './accounts.ts';
import {
  AF, POLL, SOCK, SysError, acceptOne, boundSocket, closeFd, drainEventFd, drainFifo, dropDatagram, ipName, listenOn, newEventFd,
  openFifo, parseAddress, pollAsync, signalEventFd,
} from './socket-native.ts';
import { peerCredentials } from './native.ts';

const TYPE: Readonly<Record<ListenSpec['kind'], number>> = { stream: SOCK.STREAM, datagram: SOCK.DGRAM, seqpacket: SOCK.SEQPACKET, fifo: -1 };

interface Listener { readonly kind: ListenSpec['kind']; readonly family: number }

export interface SocketDriverOptions {
  /** Queues an input for the engine (the loop); never called during a port call. */
  readonly push: (input: Input) => void;
  readonly onError?: (err: unknown) => void;
}

export class NodeSocketDriver implements SocketDriver {
  private readonly o: SocketDriverOptions;
  private readonly listeners = new Map<number, Listener>();
  private readonly watched = new Map<UnitName, readonly number[]>();
  private wakeFd = -1;
  private polling = false;
  private closed = false;

  constructor(o: SocketDriverOptions) {
    this.o = o;
  }

  open(req: SocketOpenRequest): SocketOpenResult {
    const fds: number[] = [];
    const paths: string[] = [];
    try {
      for (const l of req.listen) {
        const { fd, path } = this.openOne(l, req);
        fds.push(fd);
        if (path) paths.push(path);
      }
      if (paths[0] !== undefined) for (const link of req.symlinks) makeSymlink(paths[0], link, req.directoryMode);
      return { ok: true, fds };
    } catch (err) {
      this.close(fds, { removePaths: [] });
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  }

  private openOne(l: ListenSpec, req: SocketOpenRequest): { fd: number; path: string | null } {
    if (l.kind === 'fifo') return this.openFifo(l.address, req);
    const addr = parseAddress(l.address);
    if (addr.path) mkdirSync(dirname(addr.path), { recursive: true, mode: req.directoryMode });
    const v6Only = req.bindIPv6Only === 'default' ? null : req.bindIPv6Only === 'ipv6-only';
    const options = { reuseAddr: addr.family !== AF.UNIX, reusePort: req.reusePort, v6Only };
    const bind = (): number => withUmask(~req.socketMode & 0o777, () => boundSocket(addr, TYPE[l.kind], options));
    let fd: number;
    try {
      fd = bind();
    } catch (err) {
      // A stale node from an earlier run: unlink it and bind again (socket_address_listen).
      if (!(err instanceof SysError && err.errno === 98 /* EADDRINUSE */ && addr.path)) throw err;
      rmSync(addr.path, { force: true });
      fd = bind();
    }
    this.listeners.set(fd, { kind: l.kind, family: addr.family });
    try {
      if (l.kind !== 'datagram') listenOn(fd, req.backlog);
      if (addr.path) {
        chmodSync(addr.path, req.socketMode);
        if (req.user !== null || req.group !== null) chownPath(addr.path, req.user, req.group);
      }
    } catch (err) {
      this.close([fd], { removePaths: [] });
      throw err;
    }
    return { fd, path: addr.path };
  }

  private openFifo(path: string, req: SocketOpenRequest): { fd: number; path: string } {
    mkdirSync(dirname(path), { recursive: true, mode: req.directoryMode });
    const fd = withUmask(~req.socketMode & 0o777, () => openFifo(path, req.socketMode));
    if (!statSync(path).isFIFO()) {
      closeFd(fd);
      throw new SysError('open', 17 /* EEXIST: something else is in the way */);
    }
    this.listeners.set(fd, { kind: 'fifo', family: AF.UNIX });
    if (req.user !== null || req.group !== null) chownPath(path, req.user, req.group);
    return { fd, path };
  }

  watch(unit: UnitName, fds: readonly number[]): void {
    this.watched.set(unit, [...fds]);
    this.repoll();
  }

  unwatch(unit: UnitName): void {
    if (this.watched.delete(unit)) this.repoll();
  }

  flush(fds: readonly number[]): void {
    for (const fd of fds) {
      const l = this.listeners.get(fd);
      if (!l) continue;
      for (let i = 0; i < 1024; i++) {
        if (l.kind === 'fifo') { if (!drainFifo(fd)) break; continue; }
        if (l.kind === 'datagram') { if (!dropDatagram(fd)) break; continue; }
        const c = acceptOne(fd);
        if (c === null) break;
        closeFd(c);
      }
    }
  }

  accept(fd: number): AcceptedConnection | null {
    const l = this.listeners.get(fd);
    const c = acceptOne(fd);
    if (c === null) return null;
    if (l?.family === AF.UNIX) {
      const cred = peerCredentials(c);
      return { fd: c, instance: cred ? `${cred.pid}-${cred.uid}` : 'unknown', remoteAddr: null, remotePort: null };
    }
    const local = ipName(c, 'local');
    const peer = ipName(c, 'peer');
    const instance = local && peer ? `${local.addr}:${local.port}-${peer.addr}:${peer.port}` : 'unknown';
    return { fd: c, instance, remoteAddr: peer?.addr ?? null, remotePort: peer ? String(peer.port) : null };
  }

  close(fds: readonly number[], o: { readonly removePaths: readonly string[] }): void {
    for (const fd of fds) {
      this.listeners.delete(fd);
      closeFd(fd);
    }
    for (const p of o.removePaths) {
      try { rmSync(p, { force: true }); } catch (err) { this.o.onError?.(err); }
    }
  }

  /** Stops watching (daemon exit); fds stay open until the process ends. */
  stop(): void {
    this.closed = true;
    this.watched.clear();
    if (this.polling) signalEventFd(this.wakeFd);
  }

  /** Starts a poll over the watched fds, or wakes the running one so it restarts with the new set. */
  private repoll(): void {
    if (this.closed) return;
    if (this.polling) {
      signalEventFd(this.wakeFd);
      return;
    }
    if (this.watched.size === 0) return;
    if (this.wakeFd < 0) this.wakeFd = newEventFd();
    const entries: { unit: UnitName; fd: number }[] = [];
    for (const [unit, fds] of this.watched) for (const fd of fds) entries.push({ unit, fd });
    const buf = Buffer.alloc(8 * (entries.length + 1));
    const put = (i: number, fd: number): void => { buf.writeInt32LE(fd, 8 * i); buf.writeInt16LE(POLL.IN, 8 * i + 4); };
    put(0, this.wakeFd);
    entries.forEach((e, i) => put(i + 1, e.fd));
    this.polling = true;
    pollAsync(buf, (err) => {
      this.polling = false;
      if (err) this.o.onError?.(err);
      if (buf.readInt16LE(6) !== 0) drainEventFd(this.wakeFd);
      entries.forEach((e, i) => this.ready(e.unit, e.fd, buf.readInt16LE(8 * (i + 1) + 6)));
      this.repoll();
    });
  }

  /** One fd reported revents: the unit hears of it once, if it still watches that fd. */
  private ready(unit: UnitName, fd: number, revents: number): void {
    if (revents === 0 || !this.watched.get(unit)?.includes(fd)) return;
    this.watched.delete(unit);
    let error: string | null = null;
    if (revents & POLL.HUP) error = 'Got POLLHUP on a listening socket. The service probably invoked shutdown() on it, and should better not do that.';
    else if (revents !== POLL.IN) error = `Got unexpected poll event (0x${revents.toString(16)}) on socket.`;
    this.o.push({ kind: 'SocketTriggered', unit, fd, error });
  }
}

function withUmask<T>(mask: number, fn: () => T): T {
  const old = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(old);
  }
}

/** SocketUser=/SocketGroup= (systemd does this in a helper process, state start-chown). */
function chownPath(path: string, user: string | null, group: string | null): void {
  const u = user === null ? null : lookupUser(user);
  if (user !== null && u === null) throw new Error(`Failed to resolve user ${user}: No such process`);
  const g = group === null ? null : lookupGroup(group);
  if (group !== null && g === null) throw new Error(`Failed to resolve group ${group}: No such process`);
  chownSync(path, u?.uid ?? -1, g?.gid ?? u?.gid ?? -1);
}

function makeSymlink(target: string, link: string, directoryMode: number): void {
  mkdirSync(dirname(link), { recursive: true, mode: directoryMode });
  try {
    if (lstatSync(link, { throwIfNoEntry: false })) rmSync(link, { force: true });
  } catch { /* replaced below or reported by symlinkSync */ }
  symlinkSync(target, link);
}
