// Accept=yes (05 §A.6): the socket accepts each connection itself and starts one instance of
// `<prefix>@.service` per connection with the connection fd; it stays `listening`.
import { SERVICE_GONE_STATES } from './socket-states.ts';
import { enterStopPre, type Sock } from './socket-enter.ts';

/** `foo.socket` → `foo`; an instance socket `foo@x.socket` keeps only the prefix (unit_name_to_prefix). */
const prefixOf = (id: string): string => id.slice(0, id.lastIndexOf('.')).replace(/@.*$/, '');

/** socket_enter_running() with a connection fd: one service instance per connection. */
export function acceptConnection(c: Sock, fd: number): void {
  const { ctx, unit, r, cfg } = c;
  const conn = ctx.sockets.accept(fd);
  if (conn === null) return; // another process took it, or the peer gave up
  if (r.nConnections >= cfg.maxConnections) {
    ctx.log(unit, 'warning', `Too many incoming connections (${r.nConnections}), dropping connection.`);
    ctx.sockets.close([conn.fd], { removePaths: [] });
    r.nRefused++;
    return;
  }
  const service = `${prefixOf(unit.id)}@${r.nAccepted}-${conn.instance}.service`;
  r.connections.set(service, conn.fd);
  r.remotes.set(service, { addr: conn.remoteAddr, port: conn.remotePort });
  r.nAccepted++;
  r.nConnections++;
  const err = ctx.enqueueTriggered(unit, service, `connection ${r.nAccepted - 1} on ${unit.id}`, { link: true });
  if (err !== null) {
    ctx.log(unit, 'warning', `Failed to queue service startup job (Maybe the service file is missing or not a template unit?): ${err}`);
    dropConnection(c, service);
    enterStopPre(c, 'resources');
  }
}

function dropConnection(c: Sock, service: string): void {
  const fd = c.r.connections.get(service);
  if (fd === undefined) return;
  c.ctx.sockets.close([fd], { removePaths: [] });
  c.r.connections.delete(service);
  c.r.remotes.delete(service);
  c.r.nConnections--;
}

/** A per-connection instance ended: its connection is closed and no longer counted. */
export function connectionEnded(c: Sock, service: string): void {
  const svc = c.ctx.peer(service);
  if (!svc || svc.jobType !== null || !SERVICE_GONE_STATES.has(svc.subState) || svc.subState === 'auto-restart') return;
  if (c.r.connections.has(service)) dropConnection(c, service);
  if (svc.activeState === 'inactive') c.ctx.collect(service); // one unit per connection must not pile up
}

/** The connection fd for an instance's main process, named `connection` (socket_fdname). */
export function connectionFds(c: Pick<Sock, 'r'>, service: string): { fds: number[]; names: string[]; env: Record<string, string> } {
  const fd = c.r.connections.get(service);
  if (fd === undefined) return { fds: [], names: [], env: {} };
  const remote = c.r.remotes.get(service);
  const env: Record<string, string> = {};
  if (remote?.addr) env['REMOTE_ADDR'] = remote.addr;
  if (remote?.port) env['REMOTE_PORT'] = remote.port;
  return { fds: [fd], names: ['connection'], env };
}
