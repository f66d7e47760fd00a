// unitctl's process entry (bundled to dist/unitctl.cjs): names the process, wires the real
// environment into cli.ts and exits with the verb's status. Nothing else lives here. Start-up
// cost matters (issue 6): no stdout/stderr streams off a terminal, no node:tty, no waiting for
// handles to close.
// Run as `systemctl` (bin/unitctl reached through a link of that name, $UNITCTL_NAME) it says
// systemctl in its hints and behaves the same otherwise.
import { fstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from './cli.ts';
import { connect } from './rpc-client.ts';
import { offlineRpc } from './offline-rpc.ts';
import { fdWriter } from './stdio.ts';
import { colorsWanted, outputWidth } from './terminal.ts';

// First: the daemon names the requester of a job from /proc/<pid>/comm.
process.title = 'unitctl';

const env = process.env;
const stdout = fdWriter(1);
const stderr = fdWriter(2);
const outIsTTY = isTerminal(1);
const errIsTTY = isTerminal(2);
// Only a terminal has a size, so process.stdout/stderr (tty streams) are made only for one.
const ttyColumns = (outIsTTY && process.stdout.columns) || (errIsTTY && process.stderr.columns) || undefined;
// A terminal that reports no size (a bare pty) gets $COLUMNS/$LINES or 80x24, as systemd assumes.
const columns = ttyColumns || Number(env.COLUMNS) || 80;
const width = outputWidth(env, outIsTTY ? process.stdout.columns : undefined);
const rows = (outIsTTY && process.stdout.rows) || Number(env.LINES) || 24;
let progressShown = false;
const clearProgress = (): void => {
  if (progressShown) { stderr.write('\r\x1b[K'); progressShown = false; }
};

runCli(process.argv.slice(2), {
  env,
  uid: process.getuid?.() ?? -1,
  // Left open at the end: the process exits right after the verb, which closes the socket, while
  // destroying it would first build process.stderr (net's Socket._destroy compares itself to it).
  connect: async (path) => Object.assign(await connect(path), { close: () => {} }),
  // The bundle is dist/unitctl.cjs; the offline helper runs from the sources beside it.
  offline: () => offlineRpc(process.execPath, join(dirname(process.argv[1] ?? '.'), '../src/daemon/offline.ts')),
  program: env.UNITCTL_NAME === 'systemctl' ? 'systemctl' : 'unitctl',
  io: {
    out: (line) => { clearProgress(); stdout.write(`${line}\n`); },
    err: (line) => { clearProgress(); stderr.write(`${line}\n`); },
    errIsTTY,
    color: colorsWanted(outIsTTY, env),
    ...(outIsTTY || errIsTTY ? { columns } : {}),
    width,
    ...(errIsTTY ? { progress: (line: string) => { stderr.write(`\r\x1b[K${line}`); progressShown = line !== ''; } } : {}),
  },
  ...(outIsTTY ? {
    page: async (lines: readonly string[], o: { noPager: boolean }) => {
      const { page } = await import('./pager.ts');
      await page(lines, { isTTY: true, rows, env, write: (text) => stdout.write(text) }, o);
    },
  } : {}),
}).then(
  (code) => exit(code),
  (err: unknown) => {
    stderr.write(`unitctl: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return exit(1);
  },
);

/** Only a character device can be a terminal; asking Node (isTTY) builds the stream, so fstat answers for the rest. */
function isTerminal(fd: 1 | 2): boolean {
  return fstatSync(fd).isCharacterDevice() && (fd === 1 ? process.stdout : process.stderr).isTTY === true;
}

/** Ends the process as soon as the output is out, not when the last handle closes. */
async function exit(code: number): Promise<never> {
  await Promise.all([stdout.flushed(), stderr.flushed()]);
  process.exit(code);
}
