// unitctl's output writer (src/client/stdio.ts) in a real child process on a real pipe: a reader
// that left (EPIPE) ends output quietly; a non-blocking pipe that fills (EAGAIN) loses nothing
// and keeps the order, because the rest goes through process.stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const STDIO = resolve(import.meta.dirname, '../../../src/client/stdio.ts');

/** A child that writes `lines` numbered lines through fdWriter(1), then exits 0 once they are out. */
function writer(lines: number, { nonBlocking }: { nonBlocking: boolean }) {
  const script = `import { fdWriter } from ${JSON.stringify(STDIO)};
${nonBlocking ? 'process.stdout;   // a piped process.stdout makes fd 1 non-blocking (libuv)' : ''}
const out = fdWriter(1);
for (let i = 0; i < ${lines}; i++) out.write(String(i).padStart(8, '0') + ' ' + 'x'.repeat(90) + '\\n');
await out.flushed();
process.exit(0);`;
  return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

const exited = (child: ReturnType<typeof spawn>): Promise<{ code: number | null; stderr: string }> => new Promise((res) => {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += String(d); });
  child.on('close', (code) => res({ code, stderr }));
});

test('a full non-blocking pipe: every line arrives, in order', async () => {
  const lines = 20_000;   // ~2 MB, far more than a pipe holds
  const child = writer(lines, { nonBlocking: true });
  const done = exited(child);
  child.stdout!.pause();
  await sleep(300);       // let the pipe fill so that writeSync meets EAGAIN
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  child.stdout!.resume();
  const { code, stderr } = await done;
  assert.equal(stderr, '');
  assert.equal(code, 0);
  const got = Buffer.concat(chunks).toString().split('\n');
  assert.equal(got.length, lines + 1);
  got.pop();
  got.forEach((line, i) => assert.equal(line.slice(0, 8), String(i).padStart(8, '0')));
});

test('a reader that left: output stops quietly and the exit status stays 0', async () => {
  const child = writer(20_000, { nonBlocking: false });
  const done = exited(child);
  child.stdout!.destroy();
  const { code, stderr } = await done;
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
