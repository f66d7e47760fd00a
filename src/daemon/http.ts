// The optional HTTP endpoint (--http ADDR): /healthz, /readyz, /livez and Prometheus /metrics, read-only,
// GET and HEAD only. Loopback unless an address is given explicitly. Holds no policy: the daemon
// hands it a function that reads the manager on the input loop.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { SystemState } from '../engine/api.ts';

export interface HttpAddress {
  readonly host: string;
  readonly port: number;
}

/** `PORT`, `HOST:PORT` or `[V6]:PORT`; a bare port listens on 127.0.0.1; port 0 takes a free one (logged). */
export function parseHttpAddress(text: string): HttpAddress | { error: string } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]:|([^:[\]]+):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) return { error: `--http: expected PORT, HOST:PORT or [IPv6]:PORT, got '${text}'` };
  const host = m[1] ?? m[2] ?? '127.0.0.1';
  if (m[1] !== undefined && isIP(host) !== 6) return { error: `--http: not an IPv6 address: ${host}` };
  if (m[2] !== undefined && isIP(host) === 0 && host !== 'localhost') return { error: `--http: give an IP address, not a name: ${host}` };
  return { host, port };
}

export interface HttpSources {
  readonly systemState: () => Promise<SystemState>;
  readonly metrics: () => Promise<string>;
}

type Reply = { readonly status: number; readonly type: string; readonly body: string };
const text = (status: number, body: string): Reply => ({ status, type: 'text/plain; charset=utf-8', body });

/**
 * healthz: up and without failed units (running); readyz: boot finished and not stopping
 * (running or degraded); livez: the manager answers at all. The state word is the body.
 */
const ROUTES: Readonly<Record<string, (s: HttpSources) => Promise<Reply>>> = {
  '/healthz': async (s) => { const st = await s.systemState(); return text(st === 'running' ? 200 : 503, `${st}\n`); },
  '/readyz': async (s) => { const st = await s.systemState(); return text(st === 'running' || st === 'degraded' ? 200 : 503, `${st}\n`); },
  '/livez': async (s) => text(200, `${await s.systemState()}\n`),
  '/metrics': async (s) => ({ status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body: await s.metrics() }),
};

export class HttpEndpoint {
  private readonly server: Server;
  private readonly address: HttpAddress;

  constructor(address: HttpAddress, sources: HttpSources, onError: (err: unknown) => void) {
    this.address = address;
    this.server = createServer((req, res) => { void this.serve(sources, req, res).catch(onError); });
    this.server.on('error', onError);
    this.server.requestTimeout = 10_000;
    this.server.headersTimeout = 10_000;
  }

  listen(): Promise<HttpAddress> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.address.port, this.address.host, () => {
        this.server.off('error', reject);
        const a = this.server.address();
        resolve(typeof a === 'object' && a ? { host: a.address, port: a.port } : this.address);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async serve(sources: HttpSources, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
    let reply: Reply;
    if (!route) reply = text(404, 'not found: try /healthz, /readyz, /livez or /metrics\n');
    else if (req.method !== 'GET' && req.method !== 'HEAD') reply = text(405, 'only GET and HEAD\n');
    else {
      try {
        reply = await route(sources);
      } catch {
        reply = text(503, 'the manager is not answering\n');
      }
    }
    res.writeHead(reply.status, { 'content-type': reply.type, 'cache-control': 'no-store', ...(reply.status === 405 ? { allow: 'GET, HEAD' } : {}) });
    res.end(req.method === 'HEAD' ? undefined : reply.body);
  }
}
