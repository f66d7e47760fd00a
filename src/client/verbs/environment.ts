// `show-environment`, `set-environment NAME=VALUE…`, `unset-environment NAME…`: the manager
// environment services inherit. Values print shell-quoted the way systemctl 252 does ($'…').
import { EXIT } from '../exit-codes.ts';
import type { Context } from '../context.ts';
import type { Verb } from './verb.ts';

/** Characters that make shell_maybe_quote(…, SHELL_ESCAPE_POSIX) quote a value. */
const NEEDS_QUOTES = /[\x00-\x20\x7f-\uffff"\\`$*?['()<>|&;!]/;
const C_ESCAPES: Readonly<Record<string, string>> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', "'": "\\'" };

/** `a b` → `$'a b'`; plain values stay as they are. */
export function quotePosix(value: string): string {
  if (!NEEDS_QUOTES.test(value)) return value;
  let out = "$'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    out += C_ESCAPES[ch] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch);
  }
  return `${out}'`;
}

export function environmentLine(assignment: string): string {
  const eq = assignment.indexOf('=');
  return eq < 0 ? assignment : `${assignment.slice(0, eq)}=${quotePosix(assignment.slice(eq + 1))}`;
}

async function modify(ctx: Context, call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return EXIT.success;
  } catch (err) {
    ctx.io.err(`Failed to set environment: ${(err as Error).message}`);
    return EXIT.failure;
  }
}

export const showEnvironment: Verb = {
  minArgs: 0,
  maxArgs: 0,
  pager: true,
  async run(ctx) {
    const { environment } = await ctx.rpc.call('ShowEnvironment', {});
    for (const a of environment) ctx.io.out(environmentLine(a));
    return EXIT.success;
  },
};

export const setEnvironment: Verb = {
  minArgs: 1,
  run: (ctx, args) => modify(ctx, () => ctx.rpc.call('SetEnvironment', { assignments: [...args] })),
};

export const unsetEnvironment: Verb = {
  minArgs: 1,
  run: (ctx, args) => modify(ctx, () => ctx.rpc.call('UnsetEnvironment', { names: [...args] })),
};
