// The HTTP endpoint: address parsing (loopback unless a host is given), routes and status codes
// over a real socket, and the Prometheus text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SystemState } from '../../../src/engine/api.ts';
import { HttpEndpoint, parseHttpAddress } from '../../../src/daemon/http.ts';
import { JobCounters, renderMetrics, unitUsage } from '../../../src/daemon/metrics.ts';

test('--http addresses: a bare port is loopback, hosts must be IP addresses', () => {
  const cases: [string, unknown][] = [
    ['9100', { host: '127.0.0.1', port: 9100 }],
    ['0.0.0.0:9100', { host: '0.0.0.0', port: 9100 }],
    ['[::1]:9100', { host: '::1', port: 9100 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
    ['0', { host: '127.0.0.1', port: 0 }],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseHttpAddress(text), want, text);
  for (const bad of ['', 'x', '70000', 'example.com:80', '[nope]:1', '1.2.3.4:', ':80']) assert.ok('error' in parseHttpAddress(bad), bad);
});

test('routes: healthz is 200 only when running, readyz also when degraded, unknown paths 404, POST 405', async () => {
  let state: SystemState = 'starting';
  const http = new HttpEndpoint({ host: '127.0.0.1', port: 0 }, {
    systemState: async () => state,
    metrics: async () => 'unitd_up 1\n',
  }, () => {});
  const { port } = await http.listen();
  const get = async (path: string, method = 'GET'): Promise<[number, string]> => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method });
    return [r.status, await r.text()];
  };
  try {
    const table: [SystemState, number, number][] = [['starting', 503, 503], ['running', 200, 200], ['degraded', 503, 200], ['stopping', 503, 503]];
    for (const [s, health, ready] of table) {
      state = s;
      assert.deepEqual(await get('/healthz'), [health, `${s}\n`], `healthz ${s}`);
      assert.deepEqual(await get('/readyz'), [ready, `${s}\n`], `readyz ${s}`);
    }
    assert.deepEqual(await get('/livez'), [200, 'stopping\n']);
    assert.deepEqual(await get('/metrics'), [200, 'unitd_up 1\n']);
    assert.equal((await get('/nope'))[0], 404);
    assert.equal((await get('/healthz', 'POST'))[0], 405);
  } finally {
    await http.close();
  }
});

test('metrics: one-hot states, restarts, job counters and usage in the exposition format', () => {
  const jobs = new JobCounters();
  const job = { id: 1, unit: 'a.service', type: 'start', state: 'running', origin: { kind: 'internal', reason: 'x' } } as const;
  for (const result of ['done', 'done', 'failed'] as const) jobs.observe({ kind: 'JobRemoved', job, result, cause: { kind: 'completed', text: '' } });
  const text = renderMetrics(
    { state: 'degraded', units: [{ id: 'a.service', loadState: 'loaded', activeState: 'failed', subState: 'failed', description: 'A', job: null }], restarts: new Map([['a.service', 3]]), jobsQueued: 0 },
    jobs, new Map([['a.service', { cpuSeconds: 1.234, rssBytes: 4096, processes: 2 }]]),
  );
  const lines = new Set(text.split('\n'));
  for (const want of [
    'unitd_system_state{state="degraded"} 1', 'unitd_system_state{state="running"} 0',
    'unitd_unit_state{unit="a.service",state="failed"} 1', 'unitd_unit_state{unit="a.service",state="active"} 0',
    'unitd_unit_restarts_total{unit="a.service"} 3', '# TYPE unitd_unit_restarts_total counter',
    'unitd_jobs_finished_total{type="start",result="done"} 2', 'unitd_jobs_finished_total{type="start",result="failed"} 1',
    'unitd_unit_cpu_seconds_total{unit="a.service"} 1.23', 'unitd_unit_memory_rss_bytes{unit="a.service"} 4096', 'unitd_jobs_queued 0',
  ]) assert.ok(lines.has(want), `missing: ${want}\n${text}`);
});

test('usage: processes are counted by process group and adopted PID, from a real /proc', () => {
  const me = process.pid;
  const usage = unitUsage(new Map([['self.service', { groups: [], adopted: [me] }]]));
  const u = usage.get('self.service');
  assert.ok(u && u.processes === 1 && u.rssBytes > 1_000_000 && u.cpuSeconds >= 0, JSON.stringify(u));
  assert.equal(unitUsage(new Map([['none.service', { groups: [999_999_999], adopted: [] }]])).size, 0);
});
