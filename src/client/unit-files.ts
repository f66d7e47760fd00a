// The unit-file verbs' shared client side (04 §10, 06 §9): one RPC call for all names (with
// --runtime/--force; link sends absolute paths), then systemctl's lines for each change on
// stderr, the no-[Install] notice, and --now through the ordinary job path (enqueue.ts).
import type { UnitFileChange, UnitFilesOp, UnitFilesReply } from '../engine/api.ts';
import type { Context, Io } from './context.ts';
import { printError } from './context.ts';
import { runJobVerb } from './enqueue.ts';
import { EXIT } from './exit-codes.ts';
import { RpcError } from './rpc-client.ts';
import { mangleName } from './unit-names.ts';
import { resolve as resolvePath } from 'node:path';

/** systemd draws → and • unless the locale is plain C/POSIX (its is_locale_utf8()). */
export function isUtf8Locale(env: NodeJS.ProcessEnv = process.env): boolean {
  const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
  return locale !== 'C' && locale !== 'POSIX';
}

/** One change as systemctl prints it. */
export function changeLine(c: UnitFileChange, utf8: boolean): string {
  const lines: Readonly<Record<UnitFileChange['type'], () => string>> = {
    symlink: () => `Created symlink ${c.path} ${utf8 ? '→' : '->'} ${c.source}.`,
    unlink: () => `Removed "${c.path}".`,
    'destination-not-present': () => `Unit ${c.path} is added as a dependency to a non-existent unit ${c.source}.`,
    message: () => c.source,
    error: () => c.source,
  };
  return lines[c.type]();
}

/** 06 §9: printed by enable when a named unit has no [Install] rules. */
export function noInstallInfoLines(utf8: boolean): string[] {
  const b = utf8 ? '•' : '*';
  return [
    'The unit files have no installation config (WantedBy=, RequiredBy=, Also=,',
    'Alias= settings in the [Install] section, and DefaultInstance= for template',
    'units). This means they are not meant to be enabled using systemctl.',
    ' ',
    'Possible reasons for having this kind of units are:',
    `${b} A unit may be statically enabled by being symlinked from another unit's`,
    '  .wants/ or .requires/ directory.',
    `${b} A unit's purpose may be to act as a helper for some other unit which has`,
    '  a requirement dependency on it.',
    `${b} A unit may be started when needed via activation (socket, path, timer,`,
    '  D-Bus, udev, scripted systemctl call, ...).',
    `${b} In case of template units, the unit is meant to be enabled with some`,
    '  instance name specified.',
  ];
}

const METHOD = {
  enable: 'EnableUnitFiles', disable: 'DisableUnitFiles', reenable: 'ReenableUnitFiles',
  mask: 'MaskUnitFiles', unmask: 'UnmaskUnitFiles', preset: 'PresetUnitFiles', link: 'LinkUnitFiles',
} as const satisfies Record<UnitFilesOp, string>;

/** What --now does after the files changed: start (enable, reenable, preset), stop (disable, mask). */
const NOW = {
  enable: { request: 'start', word: 'start' }, reenable: { request: 'restart', word: 'restart' },
  preset: { request: 'start', word: 'start' }, disable: { request: 'stop', word: 'stop' },
  mask: { request: 'stop', word: 'stop' }, unmask: null, link: null,
} as const satisfies Record<UnitFilesOp, { request: 'start' | 'stop' | 'restart'; word: string } | null>;

function printReply(io: Io, op: UnitFilesOp, r: UnitFilesReply, quiet: boolean): void {
  const utf8 = isUtf8Locale();
  // Errors are printed in their place even with -q (systemctl logs them, install_changes_dump).
  for (const c of r.changes) if (!quiet || c.type === 'error') io.err(changeLine(c, utf8));
  if (op === 'enable' && r.noInstallInfo && !quiet) for (const l of noInstallInfoLines(utf8)) io.err(l);
}

export async function runUnitFileVerb(ctx: Context, op: UnitFilesOp, args: readonly string[]): Promise<number> {
  // link names files, made absolute against the client's directory as systemctl does.
  const units = op === 'link' ? args.map((a) => resolvePath(a)) : args.map((a) => mangleName(a));
  const flags = { ...(ctx.options.runtime ? { runtime: true } : {}), ...(ctx.options.force ? { force: true } : {}) };
  let reply: UnitFilesReply;
  try {
    reply = op === 'link'
      ? await ctx.rpc.call('LinkUnitFiles', { files: units, ...flags })
      : await ctx.rpc.call(METHOD[op], { units, ...flags });
  } catch (err) {
    if (!(err instanceof RpcError)) throw err;
    printError(ctx.io, err.errorName === 'InvalidArgs' && err.message.startsWith('Failed to') ? err.message : `Failed to ${op} unit: ${err.message}`);
    return EXIT.failure;
  }
  printReply(ctx.io, op, reply, ctx.options.quiet);
  if (reply.changes.some((c) => c.type === 'error')) return EXIT.failure;
  const now = NOW[op];
  if (!ctx.options.now || now === null) return EXIT.success;
  // Templates without an instance cannot be started; systemctl skips them too.
  const startable = units.filter((u) => !/@\.[a-z]+$/.test(u));
  return startable.length === 0 ? EXIT.success : runJobVerb(ctx, { request: now.request, word: now.word }, startable);
}
