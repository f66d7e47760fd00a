import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerOffline } from '../../../src/daemon/offline.ts';

test('offline: the unit-file methods work on the directories, anything that needs a manager is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'unitd-offline-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'multi-user.target'), '[Unit]\nDescription=m\n');
  writeFileSync(join(dir, 'a.service'), '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n');
  const enabled = await answerOffline({ id: 7, method: 'EnableUnitFiles', params: { units: ['a.service'] } }, [dir]);
  assert.deepEqual(enabled, {
    jsonrpc: '2.0', id: 7,
    result: { changes: [{ type: 'symlink', path: join(dir, 'multi-user.target.wants/a.service'), source: join(dir, 'a.service') }], noInstallInfo: false },
  });
  assert.equal(readlinkSync(join(dir, 'multi-user.target.wants/a.service')), join(dir, 'a.service'));
  assert.deepEqual(await answerOffline({ id: 8, method: 'GetUnitFileState', params: { unit: 'a.service' } }, [dir]), { jsonrpc: '2.0', id: 8, result: { state: 'enabled' } });
  const refused = await answerOffline({ id: 9, method: 'EnqueueUnitJob', params: { unit: 'a.service', type: 'start', mode: 'replace' } }, [dir]);
  assert.deepEqual(refused, { jsonrpc: '2.0', id: 9, error: { code: -32601, message: 'EnqueueUnitJob needs a running unitd' } });
  // Domain errors travel as the daemon sends them, for the client's usual messages.
  const missing = await answerOffline({ id: 10, method: 'EnableUnitFiles', params: { units: ['b.service'] } }, [dir]) as { error?: { message: string; data?: { name?: string } } };
  assert.match(missing.error?.message ?? '', /b\.service/);
  assert.match(missing.error?.data?.name ?? '', /^org\.freedesktop\.systemd1\./);
});
