// unitctl's process entry (bundled to dist/unitctl.cjs): names the process, wires the real
// environment into cli.ts and exits with the verb's status. Nothing else lives here.
import { runCli } from './cli.ts';
import { connect } from './rpc-client.ts';

// First: the daemon names the requester of a job from /proc/<pid>/comm.
process.title = 'unitctl';

const ignoreEpipe = (err: NodeJS.ErrnoException): void => {
  if (err.code !== 'EPIPE') throw err;
};
process.stdout.on('error', ignoreEpipe);
process.stderr.on('error', ignoreEpipe);

runCli(process.argv.slice(2), {
  env: process.env,
  uid: process.getuid?.() ?? -1,
  connect,
  io: {
    out: (line) => { process.stdout.write(`${line}\n`); },
    err: (line) => { process.stderr.write(`${line}\n`); },
    errIsTTY: process.stderr.isTTY === true,
  },
}).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`unitctl: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
