// Replays a conformance scenario (test/fixtures/conformance/NAME) in virtual time: the real
// Manager in the Sim harness, the real unitctl code (runCli) talking to it through the daemon's
// own method table, and script.sh's helpers re-implemented over virtual time. Produces the
// transcript in the harness's format, normalised the way conformance/run normalises it.
import { readdirSync, readFileSync, lstatSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { JSONRPCErrorException } from 'json-rpc-2.0';
import { runCli } from '../../../src/client/cli.ts';
import { memoryIo } from '../../../src/client/context.ts';
import { RpcError, type Rpc } from '../../../src/client/rpc-client.ts';
import { callMethod, type Connection, type MethodDeps } from '../../../src/daemon/rpc-methods.ts';
import { signalForEvent } from '../../../src/daemon/rpc-server.ts';
import { READ_ONLY_METHODS, type MethodName, type Params, type Reply, type SignalName, type Signals } from '../../../src/engine/api.ts';
import { Sim, sec } from '../harness.ts';
import { runScript, translateUnitFile } from './translate.ts';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/conformance');
const T = '/tmp/sim';
const SCEN = `${T}/scen`;
const UNITS = `${T}/units`;
const CTL_TIMEOUT = 30;

/** The daemon side of one client connection, over the sim's Manager. */
class SimRpc implements Rpc {
  readonly conn: Connection = { subscribed: false, who: { client: 'unitctl', pid: 4242, uid: 0 } };
  private readonly handlers = new Map<string, ((p: never) => void)[]>();
  private readonly deps: MethodDeps;
  private readonly sim: Sim;

  constructor(deps: MethodDeps, sim: Sim) { this.deps = deps; this.sim = sim; }

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Reply<M>> {
    if (!READ_ONLY_METHODS.has(method)) this.sim.note(`> ${method} ${JSON.stringify(params)}`);
    try {
      return await callMethod(method, params, this.deps, this.conn);
    } catch (e) {
      if (e instanceof JSONRPCErrorException) throw new RpcError(e.code, e.message, e.data);
      throw e;
    }
  }

  onSignal<S extends SignalName>(signal: S, handler: (params: Signals[S]) => void): void {
    const list = this.handlers.get(signal) ?? [];
    list.push(handler as (p: never) => void);
    this.handlers.set(signal, list);
  }

  onClose(): void {}
  close(): void { this.conn.subscribed = false; }

  deliver(name: SignalName, params: unknown): void {
    if (!this.conn.subscribed) return;
    for (const h of this.handlers.get(name) ?? []) h(params as never);
  }
}

interface Client { done: boolean; rc: number; lines: string[]; args: string[] }

/** conformance/run's normalise(), line by line. */
export function normalise(line: string): string {
  let s = line.replaceAll(SCEN, '$SCEN').replaceAll(UNITS, '$UNITS').replaceAll(T, '$TMP');
  s = s.replace(/["'](systemctl( --user)?|unitctl) status ([^"' ]+)["']/g, "'<status $3>'")
    .replace(/["'](journalctl( --user)? -xeu|unitctl logs) ([^"' ]+)["']/g, "'<logs $3>'")
    .replace(/["'](journalctl( --user)? -xe|unitctl logs)["']/g, "'<logs>'")
    .replace(/["'](systemctl( --user)?|unitctl) ([^"']*)["']/g, "'<ctl> $3'")
    .replace(/systemctl --user /g, '<ctl> ')
    .replace(/See (user|system) logs and /g, 'See logs and ')
    .replace(/^([A-Za-z]*PID)=[1-9][0-9]*$/, '$1=<pid>');
  if (!/^[A-Za-z]*Timestamp(Monotonic)?=0?$/.test(s)) s = s.replace(/^([A-Za-z]*Timestamp(Monotonic)?)=.+$/, '$1=<ts>');
  return s.replace(/^(InvocationID)=.+$/, '$1=<id>').replace(/\s+/g, ' ').trim();
}

/** list-jobs rows: ids become "*", runs of rows are sorted (the harness's _norm_list_jobs). */
function normaliseListJobs(lines: string[]): string[] {
  const out: string[] = [];
  let rows: string[] = [];
  const flush = (): void => {
    out.push(...rows.sort((a, b) => { const x = a.replace(/\s+/g, ' '), y = b.replace(/\s+/g, ' '); return x < y ? -1 : x > y ? 1 : 0; }));
    rows = [];
  };
  for (const l of lines) {
    if (/^\s*[0-9]+\s+\S+\s+\S+\s+\S+\s*$/.test(l)) rows.push(l.replace(/^\s*[0-9]+/, '*'));
    else { flush(); out.push(l); }
  }
  flush();
  return out;
}

/** Splits one script.sh line into words: quotes, $SCEN/$UNITS, and `>` as its own word. */
function words(line: string): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") { const j = line.indexOf("'", i + 1); cur = (cur ?? '') + line.slice(i + 1, j); i = j; }
    else if (c === '"') { const j = line.indexOf('"', i + 1); cur = (cur ?? '') + vars(line.slice(i + 1, j)); i = j; }
    else if (c === '$') { const m = /^\$(SCEN|UNITS)/.exec(line.slice(i))!; cur = (cur ?? '') + vars(m[0]); i += m[0].length - 1; }
    else if (/\s/.test(c)) { if (cur !== null) out.push(cur); cur = null; }
    else cur = (cur ?? '') + c;
  }
  if (cur !== null) out.push(cur);
  return out;
}
const vars = (s: string): string => s.replaceAll('$SCEN', SCEN).replaceAll('$UNITS', UNITS);

/** printf's escapes as used by the scenarios. */
const printfText = (fmt: string): string => fmt.replace(/\\n/g, '\n');

export interface Replay { transcript: string[]; sim: Sim }

/** Loads `name`'s units and files into a fresh Sim, with the daemon's boot (default.target). */
function simFor(name: string): Sim {
  const dir = join(FIXTURES, name);
  const files: Record<string, string> = {};
  const place = (from: string, to: string, unit: boolean): void => {
    if (!existsSync(from)) return;
    for (const entry of readdirSync(from)) {
      const src = join(from, entry);
      if (lstatSync(src).isDirectory()) { place(src, `${to}/${entry}`, unit); continue; }
      const text = vars(readFileSync(src, 'utf8').replaceAll('@SCEN@', SCEN).replaceAll('@UNITS@', UNITS));
      files[`${to}/${entry}`] = unit ? translateUnitFile(text) : text;
    }
  };
  place(join(dir, 'units'), UNITS, true);
  place(join(dir, 'files'), SCEN, false);
  const sim = new Sim({ files, unitPath: [UNITS], programs: { '/sim/script': runScript } });
  sim.fs.mkdir(SCEN);
  sim.manager.startDefaultTarget();
  return sim;
}

export async function replay(name: string): Promise<Replay> {
  const sim = simFor(name);
  const tr: string[] = [];
  const rpcs: SimRpc[] = [];
  const bg: Client[] = [];
  let delivered = 0;
  const deps: MethodDeps = { manager: sim.manager, run: async (fn) => fn(), exit: () => {}, reloaded: () => {}, pid: 1 };

  const pump = async (): Promise<void> => {
    for (let i = 0; i < 4; i++) {
      while (delivered < sim.events.length) {
        const sig = signalForEvent(sim.events[delivered++]!);
        if (sig) for (const r of rpcs) r.deliver(sig.name, sig.params);
      }
      await new Promise((r) => setImmediate(r));
    }
  };
  /** Advances virtual time instant by instant up to `until` (µs), letting clients react. */
  const advanceTo = async (until: number, stop: () => boolean = () => false): Promise<void> => {
    await pump();
    while (!stop()) {
      const at = sim.nextAt();
      if (at > until) { sim.run(until); await pump(); return; }
      sim.run(at);
      await pump();
    }
  };
  const start = (args: string[]): Client => {
    const io = memoryIo();
    const c: Client = { done: false, rc: 0, lines: [], args };
    const verb = args.find((a) => !a.startsWith('-'));
    void runCli(args, { env: {}, uid: 0, io, connect: async () => { const r = new SimRpc(deps, sim); rpcs.push(r); return r; } }).then((rc) => {
      const out = verb === 'list-jobs' ? normaliseListJobs(io.stdout) : io.stdout;
      c.lines = [...out, ...io.stderr.map((l) => `[stderr] ${l}`), `[rc=${rc}]`];
      c.rc = rc;
      c.done = true;
    });
    return c;
  };
  const finish = async (c: Client, timeout = CTL_TIMEOUT): Promise<Client> => {
    await advanceTo(sim.now + sec(timeout), () => c.done);
    if (!c.done) c.lines = ['[rc=124]'];
    // The next client takes a moment to start: the daemon is idle and runs its queued jobs.
    sim.run(sim.now);
    await pump();
    return c;
  };
  const ctl = async (args: string[]): Promise<Client> => finish(start(args));
  const showProps = async (unit: string, props: string[]): Promise<string[]> => {
    const c = await ctl(['show', '-p', props.join(','), unit]);
    const out = c.lines.map((l) => l.replace(/^\[stderr\] /, ''));
    return props.map((p) => out.find((l) => l.startsWith(`${p}=`)) ?? `${p}=<none>`);
  };
  const file = (f: string): string => (f.startsWith('/') ? f : `${SCEN}/${f}`);

  const HELPERS: Record<string, (a: string[]) => Promise<void>> = {
    note: async (a) => { tr.push(`# ${a.join(' ')}`); },
    ctl: async (a) => { tr.push(`$ ctl ${a.join(' ')}`); tr.push(...(await ctl(a)).lines); },
    within: async ([secs, , ...a]) => {
      tr.push(`$ within ${secs}s ctl ${a.join(' ')}`);
      const t0 = sim.now;
      const c = await ctl(a);
      tr.push(...c.lines, `[returned within ${secs}s: ${sim.now - t0 < sec(Number(secs)) ? 'yes' : 'no'}]`);
    },
    bg: async ([, ...a]) => { bg.push(start(a)); tr.push(`$ ctl ${a.join(' ')} &`, `[started bg${bg.length}]`); },
    wait_bg: async () => {
      tr.push('$ wait_bg');
      for (const [i, c] of bg.entries()) { await finish(c); tr.push(`[bg${i + 1}] $ ctl ${c.args.join(' ')}`, ...c.lines); }
      bg.length = 0;
    },
    observe: async (units) => {
      tr.push(`$ observe ${units.join(' ')}`);
      for (const u of units) tr.push(`${u}: ${(await showProps(u, ['LoadState', 'ActiveState', 'SubState', 'Result'])).join(' ')}`);
    },
    prop: async ([u, ...p]) => { tr.push(`$ prop ${u} ${p.join(' ')}`, ...(await showProps(u!, p))); },
    show_file: async ([f]) => {
      tr.push(`$ show_file ${f}`);
      const text = sim.fs.readFile(file(f!));
      if (text === null) tr.push('[no such file]');
      else tr.push(...(text === '' ? [] : text.replace(/\n$/, '').split('\n')), '[end of file]');
    },
    wait_prop: async ([u, p, v, to = '10']) => {
      tr.push(`$ wait_prop ${u} ${p} ${v}`);
      const end = sim.now + sec(Number(to));
      for (;;) {
        const [cur] = await showProps(u!, [p!]);
        if (cur === `${p}=${v}`) { tr.push('[reached]'); return; }
        if (sim.now >= end) { tr.push(`[timed out: ${cur}]`); return; }
        await advanceTo(sim.now + sec(0.05));
      }
    },
    wait_file: async ([f, to = '10']) => {
      tr.push(`$ wait_file ${f}`);
      await advanceTo(sim.now + sec(Number(to)), () => sim.fs.readFile(file(f!)) !== null);
      tr.push(sim.fs.readFile(file(f!)) !== null ? '[exists]' : '[timed out]');
    },
    cancel_job: async ([u]) => {
      tr.push(`$ ctl cancel <job of ${u}>`);
      const list = await ctl(['list-jobs']);
      const id = sim.manager.listJobs().find((j) => j.unit === u)?.id;
      if (id === undefined || list.rc !== 0) { tr.push(`[no job for ${u}]`); return; }
      tr.push(...(await ctl(['cancel', String(id)])).lines);
    },
    sleep: async ([s]) => { await advanceTo(sim.now + sec(Number(s))); },
    // `timeout 10 node connect.mjs PATH`: a client connects to a socket unit and hangs up.
    timeout: async ([, node, program, address]) => {
      if (node !== 'node' || program !== 'connect.mjs') throw new Error(`no simulation for timeout ${node} ${program}`);
      if (!sim.connect(address!)) scriptOut.push(`[script] connect error: ${sim.fs.stat(address!) ? 'ECONNREFUSED' : 'ENOENT'}`);
      await advanceTo(sim.now);
    },
    touch: async ([f]) => { sim.fs.write(file(f!), sim.fs.readFile(file(f!)) ?? ''); },
    sed: async ([, expr, f]) => {
      const [, from, to] = /^s\/(.*)\/(.*)\/$/.exec(expr!)!;
      sim.fs.write(f!, sim.fs.readFile(f!)!.replace(from!, to!));
    },
    printf: async ([fmt, redirect, f]) => {
      if (redirect !== '>') throw new Error('printf without > FILE');
      const text = printfText(fmt!);
      sim.fs.write(f!, f!.startsWith(`${UNITS}/`) ? translateUnitFile(text) : text);
    },
  };

  /** What script.sh itself printed; the harness appends it as `[script] LINE`. */
  const scriptOut: string[] = [];
  const script = readFileSync(join(FIXTURES, name, 'script.sh'), 'utf8');
  for (const line of script.split('\n')) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const [cmd, ...args] = words(line);
    const helper = HELPERS[cmd!];
    if (!helper) throw new Error(`${name}: no simulation for script line: ${line}`);
    await helper(args);
  }
  return { transcript: [...tr, ...scriptOut].map(normalise), sim };
}

/** Scenarios in the fixture directory. */
export const scenarioNames = (): string[] => readdirSync(FIXTURES).sort();
