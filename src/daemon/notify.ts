// The sd_notify receiver: one datagram socket per unit (koffi: SO_PASSCRED + recvmsg), created
// on first use under <control socket dir>.notify/, beside the owner-only control directory. A
// datagram is attributed to a unit by the socket it reached and carries its sender's pid; each
// becomes a NotifyReceived input.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Input } from '../engine/inputs.ts';
import type { UnitName } from '../engine/types.ts';
import { closeFd, openCredentialDatagramSocket, receiveDatagram, type Datagram } from './native.ts';

/** sockaddr_un.sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/**
 * Node cannot watch a datagram fd for readability, so the sockets are read on a timer while any
 * exists: a notification waits at most this long (plus the loop's own latency) before it becomes
 * an input. `drain()` reads at once (the process driver calls it before reporting an exit).
 */
export const NOTIFY_POLL_MS = 20;
/** Datagrams read from one socket per pass, so a flooding service cannot starve the loop. */
const MAX_PER_PASS = 64;

/** A file name for the unit's socket: safe characters kept, others hex-escaped. */
export function escapeUnitName(unit: string): string {
  return unit.replace(/[^A-Za-z0-9:_.@-]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export class NotifyReceiver {
  private readonly dir: string;
  private readonly push: (input: Input) => void;
  private readonly onError: (unit: UnitName, err: unknown) => void;
  private readonly pollMs: number;
  private readonly sockets = new Map<UnitName, { fd: number; path: string }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(options: { dir: string; push: (input: Input) => void; onError: (unit: UnitName, err: unknown) => void; pollMs?: number }) {
    this.dir = options.dir;
    this.push = options.push;
    this.onError = options.onError;
    this.pollMs = options.pollMs ?? NOTIFY_POLL_MS;
  }

  /** The NOTIFY_SOCKET path for `unit`, binding its socket the first time. Throws if it cannot. */
  socketFor(unit: UnitName): string {
    const known = this.sockets.get(unit);
    if (known) return known.path;
    mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    let path = join(this.dir, escapeUnitName(unit));
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) path = join(this.dir, createHash('sha256').update(unit).digest('hex').slice(0, 24));
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) throw new Error(`notify socket path too long: ${path}`);
    try { unlinkSync(path); } catch { /* not there: fine */ }
    const fd = openCredentialDatagramSocket(path); // non-blocking and close-on-exec
    try {
      chmodSync(path, 0o777); // services running as another user must be able to send
    } catch (err) {
      closeFd(fd);
      throw err;
    }
    this.sockets.set(unit, { fd, path });
    if (!this.timer) {
      this.timer = setInterval(() => this.drain(), this.pollMs);
      this.timer.unref(); // the daemon is kept alive by its control socket, not by this
    }
    return path;
  }

  /** Reads every datagram waiting on any unit's socket now, pushing the notifications in order. */
  drain(): void {
    for (const [unit, s] of this.sockets) {
      for (let i = 0; i < MAX_PER_PASS; i++) {
        let d: Datagram | null;
        try {
          d = receiveDatagram(s.fd);
        } catch (err) {
          this.onError(unit, err);
          break;
        }
        if (!d) break;
        this.received(unit, d);
      }
    }
  }

  /** Closes every socket and removes the directory (daemon stop). */
  closeAll(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const { fd, path } of this.sockets.values()) {
      try { closeFd(fd); } catch { /* already closed */ }
      try { unlinkSync(path); } catch { /* already gone */ }
    }
    this.sockets.clear();
    try { rmSync(this.dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }

  private received(unit: UnitName, d: Datagram): void {
    if (d.truncated) {
      this.onError(unit, new Error(`notification message from PID ${d.sender?.pid ?? 'unknown'} exceeded ${d.data.length - 1} bytes or its ancillary data did not fit; ignored`));
      return;
    }
    if (!d.sender || d.sender.pid <= 0) {
      this.onError(unit, new Error('notification message without valid sender credentials; ignored'));
      return;
    }
    const message = d.data.toString('utf8');
    // systemd-notify follows every message with a BARRIER=1 datagram carrying an fd, and waits
    // until that fd is closed; receiveDatagram closed it already, the message itself is not news.
    if (message.trim() === 'BARRIER=1' || message.length === 0) return;
    this.push({ kind: 'NotifyReceived', unit, pid: d.sender.pid, uid: d.sender.uid, message });
  }
}
