// Where the engine benchmark's measured span (build+apply+run, bench/engine.ts) allocates: V8's
// sampling heap profiler over that span only, as bytes per unit by allocating function (objects
// later collected included). `node bench/alloc.ts [N]` (default 20000).
import { Session } from 'node:inspector';
import { benchOnce } from './engine.ts';

interface Node { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[] }

const n = Number(process.argv[2] ?? 20000);
const session = new Session();
session.connect();
benchOnce(1000, 2); // warm up the JIT
let head: Node | null = null;
benchOnce(n, 1, {
  // The inspector answers synchronously on this thread: the samples cover exactly the span.
  before: () => session.post('HeapProfiler.startSampling', {
    samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
  }),
  after: () => session.post('HeapProfiler.stopSampling', (err, r) => { if (!err) head = (r.profile as { head: Node }).head; }),
});
if (!head) throw new Error('no allocation profile');

const self = new Map<string, number>();
let total = 0;
const stack: Node[] = [head];
while (stack.length > 0) {
  const node = stack.pop()!;
  const f = node.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + node.selfSize);
  total += node.selfSize;
  stack.push(...node.children);
}
console.log(`N=${n}: ${(total / n).toFixed(0)} bytes allocated per unit in build+apply+run (sampled)`);
for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${(bytes / n).toFixed(0).padStart(7)} B  ${key}`);
}
