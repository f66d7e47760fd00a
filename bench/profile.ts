// Profiles the engine benchmark's measured span (build+apply+run, bench/engine.ts) and prints the
// functions with the most self and inclusive time. `node bench/profile.ts [N] [runs]`
// (defaults 10000 and 8); UNITD_PROFILE_DIR keeps the .cpuprofile files for a viewer.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchOnce } from './engine.ts';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const n = Number(process.argv[2] ?? 10000);
const runs = Number(process.argv[3] ?? 8);
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 100 });

benchOnce(1000, 2); // warm up the JIT
const profiles: Profile[] = [];
let cpu = 0;
for (let i = 0; i < runs; i++) {
  // The inspector answers synchronously on this thread: the profile covers exactly the span.
  cpu += benchOnce(n, 1, {
    before: () => session.post('Profiler.start'),
    after: () => session.post('Profiler.stop', (err, r) => { if (!err) profiles.push(r.profile as Profile); }),
  }).cpuMs;
}

const key = (node: Node): string =>
  `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
for (const p of profiles) {
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  p.samples.forEach((leaf, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    self.set(key(byId.get(leaf)!), (self.get(key(byId.get(leaf)!)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const k = key(byId.get(id)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
}
const dir = process.env['UNITD_PROFILE_DIR'];
if (dir) {
  mkdirSync(dir, { recursive: true });
  profiles.forEach((p, i) => writeFileSync(join(dir, `span-${i}.cpuprofile`), JSON.stringify(p)));
}
const top = (m: Map<string, number>, count: number): string => [...m]
  .filter(([k]) => !k.includes('node:') && !k.startsWith('(root)') && !k.startsWith('(program)'))
  .sort((a, b) => b[1] - a[1]).slice(0, count)
  .map(([k, v]) => `${(v / 1000 / runs).toFixed(2).padStart(9)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`N=${n}, ${runs} runs, main-thread CPU ${(cpu / runs).toFixed(1)} ms per run (profiled)`);
console.log(`\nself time per run\n${top(self, 40)}\n\ninclusive time per run\n${top(inclusive, 50)}`);
