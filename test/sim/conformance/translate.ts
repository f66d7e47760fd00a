// The conformance scenarios' commands, translated to /sim/run scripts. Unit files run only a
// small shell subset (conformance/README.md), so a table per statement and per command is the
// whole translation; anything outside it throws rather than silently becoming "exit 0".
import type { SpawnRequest } from '../../../src/engine/ports.ts';
import type { MemFs } from '../../fixtures/mem-fs.ts';

type Rule = readonly [RegExp, (m: RegExpExecArray) => string[]];

/** One statement of a `/bin/sh -c '…'` body → /sim/run steps ('forever' = never exits). */
const STATEMENTS: readonly Rule[] = [
  [/^echo (.+?) >> (\S+)$/, (m) => [`echo=${m[2]}:${unquote(m[1]!)}`]],
  [/^sleep ([0-9.]+)$/, (m) => [`sleep=${m[1]}`]],
  [/^exit ([0-9]+)$/, (m) => [`status=${m[1]}`, 'exit=0']],
  [/^exec sleep infinity$/, () => ['forever']],
  [/^systemd-notify --ready$/, () => ['ready']],
  [/^trap '' TERM$/, () => ['term=ignore']],
  [/^sleep infinity & echo \$\$?! > (\S+)$/, (m) => [`fork=${m[1]}`]],   // a forking daemon's child
];

/** A whole command line (after the Exec prefixes) → the command line that replaces it. */
const COMMANDS: readonly Rule[] = [
  [/^\/bin\/sleep infinity$/, () => ['/sim/run']],
  [/^\/bin\/sleep ([0-9.]+)$/, (m) => ['/sim/run', `sleep=${m[1]}`, 'exit=0']],
  [/^\/bin\/true$/, () => ['/sim/run', 'exit=0']],
  [/^\/bin\/false$/, () => ['/sim/run', 'status=1', 'exit=0']],
  [/^\/nonexistent\/binary$/, () => ['/missing/binary']],
  [/^\/bin\/sh -c (['"])(.*)\1$/, (m) => ['/sim/run', ...shellBody(m[2]!)]],
  [/^\/bin\/sh (\S+\.sh)((?: \S+)*)$/, (m) => ['/sim/script', m[1]!, ...m[2]!.trim().split(' ').filter(Boolean)]],
];

function unquote(words: string): string {
  return /^"(.*)"$/.exec(words)?.[1] ?? words;
}

function shellBody(body: string): string[] {
  const steps: string[] = [];
  for (const raw of body.split(';')) {
    const st = raw.trim();
    if (st === '') continue;
    steps.push(...apply(STATEMENTS, st, 'shell statement'));
  }
  if (steps.includes('forever')) return steps.filter((s) => s !== 'forever');
  return steps.some((s) => s.startsWith('exit=')) ? steps : [...steps, 'exit=0'];
}

function apply(rules: readonly Rule[], text: string, what: string): string[] {
  for (const [re, f] of rules) {
    const m = re.exec(text);
    if (m) return f(m);
  }
  throw new Error(`no simulation for ${what}: ${text}`);
}

/** An argument as the unit-file exec parser reads it back ($ and specifiers stay as written). */
const quoteArg = (a: string): string => (/[\s"\\]/.test(a) ? `"${a.replace(/[\\"]/g, (c) => `\\${c}`)}"` : a);

/** Rewrites every Exec*= line of a unit file; other lines stay as they are. */
export function translateUnitFile(text: string): string {
  return text.split('\n').map((line) => {
    const m = /^(Exec[A-Za-z]+=)([-@:+!]*)(.+)$/.exec(line);
    if (!m) return line;
    return `${m[1]}${m[2]}${apply(COMMANDS, m[3]!.trim(), 'command').map(quoteArg).join(' ')}`;
  }).join('\n');
}

/** Shell scripts the scenarios run with `/bin/sh FILE`, written out in code. */
const SCRIPTS: Record<string, (req: SpawnRequest, fs: MemFs, dir: string) => string[]> = {
  // svc-restart-on-failure: count runs in $SCEN/count; fail twice after 0.2 s, then stay up.
  'flaky.sh': (_req, fs, dir) => {
    const n = Number((fs.readFile(`${dir}/count`) ?? '0').trim()) + 1;
    fs.write(`${dir}/count`, `${n}\n`);
    return n >= 3 ? [] : ['sleep=0.2', 'status=1', 'exit=0'];
  },
  // svc-environment: print argv, four variables and the working directory to $SCEN/out.
  'env.sh': (req, fs, dir) => {
    const args = req.argv.slice(2);
    const e = (k: string): string => req.env[k] ?? '';
    fs.write(`${dir}/out`, [`argc=${args.length}${args.map((a) => ` [${a}]`).join('')}`,
      `ONE=${e('ONE')}`, `TWO=${e('TWO')}`, `FROMFILE=${e('FROMFILE')}`, `OVERRIDE=${e('OVERRIDE')}`, `pwd=${req.cwd}`, ''].join('\n'));
    return ['exit=0'];
  },
};

/** The /sim/script program: argv[1] names the script; it runs against the scenario directory. */
export function runScript(req: SpawnRequest, fs: MemFs): string[] {
  const file = req.argv[1] ?? '';
  const script = SCRIPTS[file.slice(file.lastIndexOf('/') + 1)];
  if (!script) throw new Error(`no simulation for script ${file}`);
  return script(req, fs, file.slice(0, file.lastIndexOf('/')));
}
