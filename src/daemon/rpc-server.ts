// JSON-RPC 2.0 on a Unix stream socket: one JSON message per line (1 MiB cap), json-rpc-2.0 for
// dispatch (one JSONRPCServerAndClient per connection), SO_PEERCRED authorisation, subscriptions
// and signal fan-out with a bound on buffered output. Protocol faults are answered here.
import { chmodSync, lstatSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import {
  createJSONRPCErrorResponse, JSONRPCClient, JSONRPCErrorException, JSONRPCServer, JSONRPCServerAndClient,
  type JSONRPCErrorResponse, type JSONRPCID, type JSONRPCResponse,
} from 'json-rpc-2.0';
import { MAX_MESSAGE_BYTES, READ_ONLY_METHODS, type SignalName, type Signals } from '../engine/api.ts';
import { makeError } from '../engine/errors.ts';
import type { EngineEvent } from '../engine/events.ts';
import type { RequestContext } from '../engine/manager-api.ts';
import type { Logger } from './log.ts';
import { peerCredentials } from './native.ts';
import { callMethod, isMethodName, METHOD_NAMES, toRpcError, type Connection, type MethodDeps } from './rpc-methods.ts';

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INTERNAL_ERROR = -32603;
/** A subscriber whose unread output passes this is dropped rather than buffered without end. */
const MAX_BUFFERED_OUTPUT = 16 * MAX_MESSAGE_BYTES;
const NEWLINE = 0x0a;

export interface RpcServerOptions {
  readonly socketPath: string;
  readonly deps: MethodDeps;
  readonly log: Logger;
  /** Besides root, the uid that may call state-changing methods (the daemon's own). */
  readonly ownerUid: number;
  readonly maxBufferedOutput?: number;
}

interface Peer extends Connection {
  readonly socket: Socket;
  readonly rpc: JSONRPCServerAndClient<Peer, void>;
  readonly uid: number | null;
}

/** The signal subscribers get for an engine event, if any. */
export function signalForEvent(event: EngineEvent): { name: SignalName; params: Signals[SignalName] } | null {
  if (event.kind === 'JobNew') return { name: 'JobNew', params: { id: event.job.id, unit: event.job.unit, type: event.job.type } };
  if (event.kind === 'JobRemoved') {
    return { name: 'JobRemoved', params: { id: event.job.id, unit: event.job.unit, type: event.job.type, result: event.result, cause: event.cause } };
  }
  if (event.kind === 'UnitStateChanged') return { name: 'UnitChanged', params: { unit: event.unit, activeState: event.activeState, subState: event.subState } };
  if (event.kind === 'UnitFilesChanged') return { name: 'UnitFilesChanged', params: { changed: event.changed, reloaded: event.report !== null } };
  return null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is JSONRPCID => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
const invalid = (id: JSONRPCID, message = 'Invalid Request'): JSONRPCResponse => createJSONRPCErrorResponse(id, INVALID_REQUEST, message);

function processName(pid: number | null): string {
  if (pid === null || pid <= 0) return 'unknown';
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

export class RpcServer {
  private readonly o: RpcServerOptions;
  private readonly server: JSONRPCServer<Peer>;
  private readonly peers = new Set<Peer>();
  private net: Server | null = null;

  constructor(options: RpcServerOptions) {
    this.o = options;
    this.server = new JSONRPCServer<Peer>({ errorListener: () => {} });
    this.server.mapErrorToJSONRPCErrorResponse = (id, error) => this.mapError(id, error);
    for (const name of METHOD_NAMES) {
      this.server.addMethod(name, (params, peer) => {
        if (!READ_ONLY_METHODS.has(name) && !this.mayChange(peer)) {
          throw toRpcError(makeError('AccessDenied', [`${name} requires root or the daemon's owner (uid ${this.o.ownerUid})`], { method: name }));
        }
        return callMethod(name, params, this.o.deps, peer);
      });
    }
  }

  /** Creates the socket (directory 0700, socket 0600) once the daemon is ready to serve. */
  async listen(): Promise<void> {
    const path = this.o.socketPath;
    const created = mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (created !== undefined) chmodSync(dirname(path), 0o700);
    try {
      if (lstatSync(path).isSocket()) unlinkSync(path);
    } catch { /* nothing stale */ }
    const net = createServer((socket) => this.accept(socket));
    net.on('error', (err) => this.o.log.error({ err }, 'control socket error'));
    await new Promise<void>((resolve, reject) => {
      net.once('error', reject);
      net.listen(path, () => { net.off('error', reject); resolve(); });
    });
    chmodSync(path, 0o600);
    this.net = net;
  }

  /** Sends a signal to every subscribed connection. */
  broadcast<S extends SignalName>(name: S, params: Signals[S]): void {
    for (const peer of this.peers) if (peer.subscribed) peer.rpc.notify(name, params);
  }

  get connections(): number {
    return this.peers.size;
  }

  /** Stops accepting, drops every connection and removes the socket file. */
  async close(): Promise<void> {
    for (const peer of this.peers) peer.socket.destroy();
    const net = this.net;
    this.net = null;
    if (net) await new Promise<void>((resolve) => net.close(() => resolve()));
    try { unlinkSync(this.o.socketPath); } catch { /* already gone */ }
  }

  private mayChange(peer: Peer): boolean {
    return peer.uid === 0 || (peer.uid !== null && peer.uid === this.o.ownerUid);
  }

  private mapError(id: JSONRPCID, error: unknown): JSONRPCErrorResponse {
    if (error instanceof JSONRPCErrorException) return createJSONRPCErrorResponse(id, error.code, error.message, error.data);
    this.o.log.error({ err: error }, 'internal error while serving a request');
    return createJSONRPCErrorResponse(id, INTERNAL_ERROR, 'Internal error');
  }

  private accept(socket: Socket): void {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    const creds = typeof fd === 'number' && fd >= 0 ? peerCredentials(fd) : null;
    const who: RequestContext = { client: processName(creds?.pid ?? null), pid: creds?.pid ?? null, uid: creds?.uid ?? null };
    const send = (payload: unknown): void => this.write(peer, payload);
    const client = new JSONRPCClient<void>((payload) => send(payload));
    const peer: Peer = {
      socket, uid: who.uid, who, subscribed: false, rpc: new JSONRPCServerAndClient<Peer, void>(this.server, client, { errorListener: () => {} }),
      notify: (name, params) => peer.rpc.notify(name, params),
      onClose: (fn) => { socket.once('close', fn); },
    };
    this.peers.add(peer);
    this.o.log.debug({ client: who.client, pid: who.pid, uid: who.uid }, 'client connected');
    let chunks: Buffer[] = [];
    let size = 0;
    let discarding = false;
    socket.on('data', (data: Buffer) => {
      let start = 0;
      for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
        const part = data.subarray(start, nl);
        start = nl + 1;
        if (discarding) { discarding = false; continue; }
        if (size + part.length > MAX_MESSAGE_BYTES) { this.tooLarge(peer); chunks = []; size = 0; continue; }
        const line = chunks.length === 0 ? part : Buffer.concat([...chunks, part]);
        chunks = [];
        size = 0;
        this.receiveLine(peer, line.toString('utf8'));
      }
      if (discarding || start >= data.length) return;
      const rest = data.subarray(start);
      if (size + rest.length > MAX_MESSAGE_BYTES) {
        this.tooLarge(peer);
        chunks = [];
        size = 0;
        discarding = true;
        return;
      }
      chunks.push(Buffer.from(rest));
      size += rest.length;
    });
    socket.on('error', (err) => this.o.log.debug({ err: err.message }, 'client connection error'));
    socket.on('close', () => {
      this.peers.delete(peer);
      peer.rpc.rejectAllPendingRequests('connection closed');
    });
  }

  private tooLarge(peer: Peer): void {
    this.write(peer, invalid(null, `Message exceeds ${MAX_MESSAGE_BYTES} bytes`));
  }

  private receiveLine(peer: Peer, line: string): void {
    if (line.trim() === '') return;
    let payload: unknown;
    try {
      payload = JSON.parse(line);
    } catch {
      this.write(peer, createJSONRPCErrorResponse(null, PARSE_ERROR, 'Parse error'));
      return;
    }
    void this.receive(peer, payload).then(
      (reply) => { if (reply !== null) this.write(peer, reply); },
      (err: unknown) => this.o.log.error({ err }, 'failed to answer a request'),
    );
  }

  private async receive(peer: Peer, payload: unknown): Promise<JSONRPCResponse | JSONRPCResponse[] | null> {
    if (!Array.isArray(payload)) return this.receiveOne(peer, payload);
    if (payload.length === 0) return invalid(null);
    const replies = (await Promise.all(payload.map((m) => this.receiveOne(peer, m)))).filter((r): r is JSONRPCResponse => r !== null);
    return replies.length > 0 ? replies : null;
  }

  private async receiveOne(peer: Peer, msg: unknown): Promise<JSONRPCResponse | null> {
    if (!isObject(msg)) return invalid(null);
    const id = isId(msg['id']) ? msg['id'] : null;
    if (msg['jsonrpc'] !== '2.0') return invalid(id);
    if (msg['method'] === undefined && ('result' in msg || 'error' in msg) && 'id' in msg) {
      peer.rpc.receiveAndSend(msg, peer, undefined).catch(() => {}); // a reply to a call of ours
      return null;
    }
    if (typeof msg['method'] !== 'string') return invalid(id);
    if ('id' in msg && !isId(msg['id'])) return invalid(null);
    const params = msg['params'];
    if (params !== undefined && (typeof params !== 'object' || params === null)) return invalid(id);
    if (!isMethodName(msg['method']) && !('id' in msg)) return null;
    return this.server.receive(msg as never, peer);
  }

  private write(peer: Peer, payload: unknown): void {
    const { socket } = peer;
    if (socket.destroyed || !socket.writable) return;
    socket.write(`${JSON.stringify(payload)}\n`);
    if (socket.writableLength > (this.o.maxBufferedOutput ?? MAX_BUFFERED_OUTPUT)) {
      this.o.log.warn({ client: peer.who.client, pid: peer.who.pid, buffered: socket.writableLength }, 'client does not read its replies; dropping the connection');
      socket.destroy();
    }
  }
}
