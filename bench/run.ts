// `npm run bench`: the engine figures for 1,000 / 10,000 / 100,000 units (bench/engine.ts), best
// of a few runs each, and the growth ratio to the previous size (goal: 10x units <= 12x time,
// 100,000 units under 1 s for build+apply+run).
import { benchOnce, type Figures } from './engine.ts';
import { benchSpawn, formatSpawnBench } from './spawn.ts';
import { benchClient, formatClientBench } from './client.ts';

const SIZES = (process.env['UNITD_BENCH_SIZES'] ?? '1000,10000,100000').split(',').map(Number);
const RUNS = Number(process.env['UNITD_BENCH_RUNS'] ?? 3);

const best = (n: number): Figures => {
  let b: Figures | null = null;
  for (let i = 0; i < RUNS; i++) {
    const f = benchOnce(n, 1);
    if (!b || f.applyMs + f.runMs < b.applyMs + b.runMs) b = f;
  }
  return b!;
};

benchOnce(1000, 2);  // warm up the JIT
const rows: Figures[] = SIZES.map(best);
const fmt = (x: number): string => x.toFixed(1).padStart(9);
console.log('       N   load+tx ms  build+apply ms  run ms   total ms  jobs     active  ratio');
rows.forEach((f, i) => {
  const total = f.applyMs + f.runMs;
  const prev = rows[i - 1];
  const ratio = prev ? (total / (prev.applyMs + prev.runMs)).toFixed(1) : '-';
  console.log(`${String(f.n).padStart(8)} ${fmt(f.loadMs)} ${fmt(f.applyMs)}      ${fmt(f.runMs)} ${fmt(total)} ${String(f.jobs).padStart(7)} ${String(f.active).padStart(7)}  ${ratio}`);
});

console.log(formatSpawnBench(await benchSpawn(Number(process.env['UNITD_BENCH_SPAWNS'] ?? 100))));
console.log(formatClientBench(await benchClient(Number(process.env['UNITD_BENCH_CLIENT_RUNS'] ?? 30))));
