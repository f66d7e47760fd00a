// What every verb receives: the daemon connection, the parsed options, where output goes and
// the program name used in hints. Built once in main.ts; tests build their own.
import type { Options } from './args.ts';
import type { Rpc } from './rpc-client.ts';

export interface Io {
  /** One line of normal output (stdout); the newline is added. */
  out(line: string): void;
  /** One line of an error or warning (stderr); the newline is added. */
  err(line: string): void;
  /** Whether stderr is a terminal (then the cause of a failed job is explained too). */
  readonly errIsTTY: boolean;
  /** Whether stdout is a terminal and colours are wanted there (terminal.ts colorsWanted). */
  readonly color?: boolean;
  /** Terminal width for the progress line; absent off a terminal. */
  readonly columns?: number;
  /** Width tables and trees are ellipsized to (systemd's columns(): $COLUMNS, else the terminal's, else 80). */
  readonly width?: number;
  /** Replaces the progress line on stderr ('' clears it); only given when stderr is a terminal. */
  readonly progress?: (line: string) => void;
}

export interface Context {
  readonly rpc: Rpc;
  readonly options: Options;
  readonly io: Io;
  /** Name used in hints (`'unitctl status x.service'`); `systemctl` when run under that name. */
  readonly program: string;
}

/** Prints a possibly multi-line message the way systemctl logs it: one line per part, empty parts dropped. */
export function printError(io: Io, message: string): void {
  for (const part of message.split('\n')) if (part !== '') io.err(part);
}

/** An Io that collects lines (tests, and callers that post-process output). */
export function memoryIo(errIsTTY = false): Io & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, errIsTTY, out: (l) => { stdout.push(l); }, err: (l) => { stderr.push(l); } };
}
