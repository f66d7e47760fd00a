// `npm run bench`: the engine figures for 1,000 / 10,000 / 100,000 units (bench/engine.ts), the
// median of a few runs each, and the growth ratio to the previous size (goal: 10x units <= 12x
// time, 100,000 units under 1 s for build+apply+run); then the spawn and client figures.
// `npm run bench -- --engine` prints only the engine part. Environment: UNITD_BENCH_SIZES
// (comma-separated unit counts), UNITD_BENCH_RUNS (runs per size, default 3).
import { benchOnce, type Figures } from './engine.ts';
import { benchSpawn, formatSpawnBench } from './spawn.ts';
import { benchClient, formatClientBench } from './client.ts';

const SIZES = (process.env['UNITD_BENCH_SIZES'] ?? '1000,10000,100000').split(',').map(Number);
const RUNS = Number(process.env['UNITD_BENCH_RUNS'] ?? 3);
const ENGINE_ONLY = process.argv.includes('--engine');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Each phase's median over the runs (the runs measure the same graph). */
const medianOf = (n: number): Figures => {
  const runs: Figures[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(benchOnce(n, 1));
  const first = runs[0]!;
  return {
    ...first,
    loadMs: median(runs.map((f) => f.loadMs)),
    applyMs: median(runs.map((f) => f.applyMs)),
    runMs: median(runs.map((f) => f.runMs)),
    cpuMs: median(runs.map((f) => f.cpuMs)),
  };
};

benchOnce(1000, 2);  // warm up the JIT
const rows = SIZES.map((n) => ({ f: medianOf(n), total: 0 }));
for (const r of rows) r.total = r.f.applyMs + r.f.runMs;
const fmt = (x: number): string => x.toFixed(1).padStart(9);
console.log(`engine, median of ${RUNS} runs`);
// total: build+apply+run wall time (the goal's figure); cpu: the same span's main-thread CPU time,
// which other processes on a busy machine disturb less. The ratios compare with the previous size.
console.log('       N   load+tx ms  build+apply ms  run ms   total ms   cpu ms  jobs     active  ratio  cpu ratio');
rows.forEach(({ f, total }, i) => {
  const prev = rows[i - 1];
  const ratio = prev ? (total / prev.total).toFixed(1) : '-';
  const cpuRatio = prev ? (f.cpuMs / prev.f.cpuMs).toFixed(1) : '-';
  console.log(`${String(f.n).padStart(8)} ${fmt(f.loadMs)} ${fmt(f.applyMs)}      ${fmt(f.runMs)} ${fmt(total)} ${fmt(f.cpuMs)} ${String(f.jobs).padStart(7)} ${String(f.active).padStart(7)}  ${ratio.padStart(5)}  ${cpuRatio.padStart(5)}`);
});

if (!ENGINE_ONLY) {
  console.log(formatSpawnBench(await benchSpawn(Number(process.env['UNITD_BENCH_SPAWNS'] ?? 100))));
  console.log(formatClientBench(await benchClient(Number(process.env['UNITD_BENCH_CLIENT_RUNS'] ?? 30))));
}
