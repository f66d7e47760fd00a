// The pager: on a terminal, output taller than the screen goes through less -FRX (or $SYSTEMD_PAGER
// / $PAGER) unless --no-pager; everything else is written directly. child_process is loaded only
// when a pager actually runs, to keep unitctl's start cheap.
import { pagerCommand, wantsPager } from './terminal.ts';

export interface PagerTarget {
  readonly isTTY: boolean;
  readonly rows: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  write(text: string): void;
}

/** Shows `lines` (each without its newline), paging when the rules say so. */
export async function page(lines: readonly string[], t: PagerTarget, o: { noPager: boolean }): Promise<void> {
  const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  if (!wantsPager({ isTTY: t.isTTY, noPager: o.noPager, rows: t.rows, lines: lines.length, env: t.env })) {
    t.write(text);
    return;
  }
  const { spawn } = await import('node:child_process');
  const command = pagerCommand(t.env);
  const env = { ...t.env, LESS: t.env.LESS ?? 'FRXMK', LESSCHARSET: t.env.LESSCHARSET ?? 'utf-8' };
  await new Promise<void>((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env });
    child.on('error', () => { t.write(text); resolve(); });   // no pager installed: print directly
    child.on('exit', () => resolve());
    child.stdin.on('error', () => {});                        // the user quit the pager early
    child.stdin.end(text);
  });
}
