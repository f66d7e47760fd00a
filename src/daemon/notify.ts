// The sd_notify receiver: one datagram socket per unit, created on first use under
// <control socket dir>/notify/, so a datagram is attributed to a unit by the socket it reached
// (node-unix-socket gives no sender credentials). Each datagram becomes a NotifyReceived input.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DgramSocket } from 'node-unix-socket';
import type { Input } from '../engine/inputs.ts';
import type { UnitName } from '../engine/types.ts';
import { cloexecInheritedFds } from './native.ts';

/** sockaddr_un.sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/** A file name for the unit's socket: safe characters kept, others hex-escaped. */
export function escapeUnitName(unit: string): string {
  return unit.replace(/[^A-Za-z0-9:_.@-]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export class NotifyReceiver {
  private readonly dir: string;
  private readonly push: (input: Input) => void;
  private readonly onError: (unit: UnitName, err: unknown) => void;
  private readonly sockets = new Map<UnitName, { socket: DgramSocket; path: string }>();

  constructor(options: { dir: string; push: (input: Input) => void; onError: (unit: UnitName, err: unknown) => void }) {
    this.dir = options.dir;
    this.push = options.push;
    this.onError = options.onError;
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
    const socket = new DgramSocket();
    socket.on('data', (buf: Buffer) => this.received(unit, buf));
    socket.on('error', (err: unknown) => this.onError(unit, err));
    socket.bind(path);
    // The socket library does not open its fd close-on-exec; mark it (and every other fd) so.
    cloexecInheritedFds();
    chmodSync(path, 0o777); // services running as another user must be able to send
    this.sockets.set(unit, { socket, path });
    return path;
  }

  /** Closes every socket and removes the directory (daemon stop). */
  closeAll(): void {
    for (const { socket, path } of this.sockets.values()) {
      try { socket.close(); } catch { /* already closed */ }
      try { unlinkSync(path); } catch { /* already gone */ }
    }
    this.sockets.clear();
    try { rmSync(this.dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }

  private received(unit: UnitName, buf: Buffer): void {
    const message = buf.toString('utf8');
    // systemd-notify follows every message with a BARRIER=1 datagram carrying an fd; the fd is
    // dropped by the socket library (closing it releases the sender), the message is not news.
    if (message.trim() === 'BARRIER=1' || message.length === 0) return;
    this.push({ kind: 'NotifyReceived', unit, pid: null, message });
  }
}
