// unitctl's process entry (bundled to dist/unitctl.cjs): names the process, wires the real
// environment into cli.ts and exits with the verb's status. Nothing else lives here.
// Run as `systemctl` (bin/unitctl reached through a link of that name, $UNITCTL_NAME) it says
// systemctl in its hints and behaves the same otherwise.
import { dirname, join } from 'node:path';
import { runCli } from './cli.ts';
import { connect } from './index.ts';
import { offlineRpc } from './offline-rpc.ts';
import { colorsWanted, outputWidth } from './terminal.ts';

// First: the daemon names the requester of a job from /proc/<pid>/comm.
process.title = 'unitctl';

const ignoreEpipe = (err: NodeJS.ErrnoException): void => {
  if (err.code !== 'EPIPE') throw err;
};
process.stdout.on('error', ignoreEpipe);
process.stderr.on('error', ignoreEpipe);

const env = process.env;
const { stdout, stderr } = process;
const outIsTTY = stdout.isTTY === true;
const errIsTTY = stderr.isTTY === true;
// A terminal that reports no size (a bare pty) gets $COLUMNS/$LINES or 80x24, as systemd assumes.
const columns = stdout.columns || stderr.columns || Number(env.COLUMNS) || 80;
const width = outputWidth(env, stdout.columns);
const rows = stdout.rows || Number(env.LINES) || 24;
let progressShown = false;
const clearProgress = (): void => {
  if (progressShown) { stderr.write('\r\x1b[K'); progressShown = false; }
};

runCli(process.argv.slice(2), {
  env,
  uid: process.getuid?.() ?? -1,
  connect,
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
      await page(lines, { isTTY: true, rows, env, write: (t) => stdout.write(t) }, o);
    },
  } : {}),
}).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`unitctl: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
