// unitctl with no unitd to talk to (a Dockerfile's RUN step): the unit-file verbs run each call
// through src/daemon/offline.ts, as systemctl installs client-side when systemd is not running.
import type { MethodName, Params, Reply } from '../engine/api.ts';
import { RpcError, type Rpc } from './rpc-client.ts';

/** Verbs that work without a daemon (systemctl 252: install_client_side() and the file readers). */
export const OFFLINE_VERBS: ReadonlySet<string> = new Set([
  'enable', 'disable', 'reenable', 'preset', 'mask', 'unmask', 'link', 'is-enabled', 'list-unit-files', 'cat',
]);

/** Connection failures that mean no daemon runs (no socket, or a stale one). */
export const isNoDaemon = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED';
};

export function offlineRpc(node: string, script: string): Rpc & { close(): void } {
  return {
    async call<M extends MethodName>(method: M, params: Params<M>): Promise<Reply<M>> {
      const { spawnSync } = await import('node:child_process');
      const r = spawnSync(node, [script], { input: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), encoding: 'utf8' });
      let reply: { result?: Reply<M>; error?: { code: number; message: string; data?: unknown } };
      try {
        reply = JSON.parse(r.stdout) as typeof reply;
      } catch {
        throw new RpcError(0, `offline mode failed: ${(r.stderr || r.error?.message || 'no reply').trim()}`);
      }
      if (reply.error) throw new RpcError(reply.error.code, reply.error.message, reply.error.data);
      return reply.result as Reply<M>;
    },
    onSignal: () => {},
    onClose: () => {},
    close: () => {},
  };
}
