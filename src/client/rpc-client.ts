// The client side of unitd's control socket: JSON-RPC 2.0, one JSON message per line. Requests
// are matched to responses by id; notifications (api.ts `Signals`) go to registered handlers.
// Hand-written on node:net so that unitctl starts fast and bundles to a few kilobytes.
import { createConnection, type Socket } from 'node:net';
import type { MethodName, Params, Reply, SignalName, Signals } from '../engine/api.ts';
import type { ErrorName } from '../engine/errors.ts';
import { errorNameOf } from './exit-codes.ts';

/** A JSON-RPC error reply (or a lost connection, code 0), with the ERRORS name when known. */
export class RpcError extends Error {
  readonly code: number;
  readonly errorName: ErrorName | undefined;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
    this.errorName = errorNameOf(code, data);
  }
}

/** What verbs need from the daemon; tests substitute an in-memory implementation. */
export interface Rpc {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Reply<M>>;
  onSignal<S extends SignalName>(signal: S, handler: (params: Signals[S]) => void): void;
  /** Runs once when the connection ends; `reason` is the text verbs print. */
  onClose(handler: (reason: string) => void): void;
}

interface Pending { resolve(value: unknown): void; reject(err: RpcError): void }

export class RpcConnection implements Rpc {
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, ((params: never) => void)[]>();
  private readonly closeHandlers: ((reason: string) => void)[] = [];
  private nextId = 1;
  private buffer = '';
  private closedReason: string | null = null;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.closed(errnoText(err)));
    socket.on('close', () => this.closed('Connection reset by peer'));
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Reply<M>> {
    if (this.closedReason !== null) return Promise.reject(new RpcError(0, this.closedReason));
    const id = this.nextId++;
    return new Promise<Reply<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  onSignal<S extends SignalName>(signal: S, handler: (params: Signals[S]) => void): void {
    const list = this.handlers.get(signal) ?? [];
    list.push(handler as (params: never) => void);
    this.handlers.set(signal, list);
  }

  onClose(handler: (reason: string) => void): void {
    if (this.closedReason !== null) handler(this.closedReason);
    else this.closeHandlers.push(handler);
  }

  close(): void {
    this.closedReason ??= 'Connection closed';
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim()) this.dispatch(line);
    }
  }

  private dispatch(line: string): void {
    let msg: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
    try { msg = JSON.parse(line) as typeof msg; } catch { return; }   // not ours to answer; the daemon never sends this
    if (typeof msg.method === 'string') {
      if (msg.id === undefined) for (const h of this.handlers.get(msg.method) ?? []) h(msg.params as never);
      return;
    }
    const waiting = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!waiting) return;
    this.pending.delete(msg.id as number);
    if (msg.error) waiting.reject(new RpcError(Number(msg.error.code ?? 0), String(msg.error.message ?? 'error'), msg.error.data));
    else waiting.resolve(msg.result);
  }

  private closed(reason: string): void {
    if (this.closedReason === null) this.closedReason = reason;
    for (const p of this.pending.values()) p.reject(new RpcError(0, this.closedReason));
    this.pending.clear();
    const handlers = this.closeHandlers.splice(0);
    for (const h of handlers) h(this.closedReason);
  }
}

/** Connects to the socket; rejects with the errno text (`No such file or directory`, …). */
export function connect(path: string): Promise<RpcConnection> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    // The code stays on the error: no socket (ENOENT, ECONNREFUSED) sends some verbs offline.
    const onError = (err: NodeJS.ErrnoException): void => reject(Object.assign(new Error(errnoText(err)), { code: err.code }));
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(new RpcConnection(socket));
    });
  });
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ECONNREFUSED: 'Connection refused',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTSOCK: 'Socket operation on non-socket',
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Broken pipe',
  ENOTDIR: 'Not a directory',
  ENAMETOOLONG: 'File name too long',
};

export const errnoText = (err: NodeJS.ErrnoException): string => (err.code && ERRNO_TEXT[err.code]) || err.message;
