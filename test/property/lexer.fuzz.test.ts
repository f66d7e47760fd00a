// Fuzz: random text and mutated real unit files never make the lexer or the loader throw,
// and both terminate with well-formed output.
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lexUnitFile } from '../../src/engine/unit-file/lexer.ts';
import { UnitFileIndex } from '../../src/engine/unit-file/search.ts';
import { loadUnit } from '../../src/engine/unit-file/load.ts';
import type { HostInfo } from '../../src/engine/ports.ts';
import { MemFs } from '../fixtures/mem-fs.ts';

const HOST: HostInfo = {
  hostname: 'h', machineId: 'm', bootId: 'b', kernelRelease: '6.1.0', architecture: 'x86-64', userName: 'root', uid: 0,
  groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh', runtimeDir: '/run', environment: {},
};

const SEEDS = [
  '[Unit]\nDescription=Web %n\nAfter=network.target\nWants=a.service b@%i.service\n\n[Service]\nType=notify\nExecStart=/usr/bin/web --port=80 "quoted arg" \\\n  --more\nExecStartPre=-/bin/true ; /bin/echo x\nEnvironment="A=1 2" B=3\nRestart=on-failure\nTimeoutSec=5min 20s\nKillSignal=SIGINT\n[Install]\nWantedBy=multi-user.target\n',
  '[Socket]\nListenStream=/run/x.sock\nListenDatagram=127.0.0.1:53\nAccept=no\n',
  '[Timer]\nOnActiveSec=10s\nOnCalendar=daily\nUnit=job.service\n',
];

const mutate = (base: string) => fc.array(fc.tuple(fc.nat(), fc.constantFrom('\\', '"', "'", '=', '[', ']', '\n', '%', ';', '#', ' ', '$', '\uFEFF', 'x', '@', '-')), { maxLength: 12 })
  .map((edits) => edits.reduce((s, [pos, ch]) => { const i = pos % (s.length + 1); return s.slice(0, i) + ch + s.slice(i); }, base));

const typeOf = (text: string): string => (text.includes('[Socket]') ? 'socket' : text.includes('[Timer]') ? 'timer' : 'service');

function loadText(text: string): void {
  const name = `f.${typeOf(text)}`;
  const fs = new MemFs({ [`/u/${name}`]: text, '/u/f.service.d/x.conf': text });
  const u = loadUnit(new UnitFileIndex(['/u'], fs), name, HOST);
  assert.ok(['loaded', 'bad-setting', 'error', 'masked'].includes(u.loadState), u.loadState);
  for (const d of u.diagnostics) assert.equal(typeof d.message, 'string');
}

test('lexer and loader survive random text', () => {
  fc.assert(fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => {
    const r = lexUnitFile(text, 'f');
    for (const a of r.assignments) assert.equal(a.key, a.key.trim());
    loadText(text);
  }), { numRuns: 400 });
});

test('lexer and loader survive mutated real unit files', () => {
  fc.assert(fc.property(fc.constantFrom(...SEEDS).chain(mutate), (text) => { loadText(text); }), { numRuns: 600 });
});

test('a megabyte of continuations terminates', () => {
  const r = lexUnitFile(`[S]\nK=${'a\\\n'.repeat(200_000)}end\n`, 'f');
  assert.ok(r.assignments.length >= 1);
});
