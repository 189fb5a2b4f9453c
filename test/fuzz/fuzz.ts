import { cpus, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { fuzzCase, type FuzzCase } from './cases.js';
import type { Outcome, Problem } from './run-case.js';

/**
 * npm run fuzz -- [--cases 5000] [--seed 1] [--timeout 10000] [--workers N] [--no-shared] [--only I]
 *
 * Runs generated cases (test/fuzz/cases.ts) in worker threads, each case
 * with a time limit after which its worker is stopped and counted as a hang,
 * and a memory limit; judges every outcome (test/fuzz/run-case.ts) and
 * prints the figures. Case I of a seed is always the same case: failing
 * ones are saved with their files and command, and `--only I` runs one
 * again. Uses the third-party models of ../shared too, when present.
 */
const { values: options } = parseArgs({
  options: {
    cases: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '10000' },
    workers: { type: 'string', default: String(Math.max(1, Math.min(4, cpus().length))) },
    'no-shared': { type: 'boolean', default: false },
    only: { type: 'string' },
    keep: { type: 'string', default: join(tmpdir(), 'merge-summary-fuzz-failures') },
  },
});

const count = Number(options.cases);
const seed = Number(options.seed);
const timeoutMs = Number(options.timeout);
const arbitrary = fuzzCase({ shared: !options['no-shared'] });
/** Case `index` of a run: its own seed, mixed from the run's, so that runs of nearby seeds share no cases. */
const caseAt = (index: number): FuzzCase => fc.sample(arbitrary, { seed: Math.imul(seed, 0x9e3779b1) ^ index, numRuns: 1 })[0];
const indexes = options.only !== undefined ? [Number(options.only)] : Array.from({ length: count }, (_, i) => i);

const PROBLEMS: [Problem | 'hang' | 'crash', string][] = [
  ['data-loss', 'data loss (a file other than the output changed)'],
  ['hang', `hangs over ${timeoutMs / 1000} s`],
  ['crash', 'worker crashes (out of memory)'],
  ['internal-error', 'internal errors'],
  ['unlocated', 'unlocated errors'],
  ['raw-message', 'JavaScript in a message (undefined, NaN, ...)'],
  ['non-finite', 'non-finite shapes or inexact counts'],
  ['bad-status', 'exit status other than 0 / 2 (1 for check)'],
];

const tally = new Map<string, number[]>();
const statuses = new Map<number, number>();
let slowest = { ms: 0, index: -1, label: '' };
const scratch = mkdtempSync(join(tmpdir(), 'merge-summary-fuzz-'));

function record(index: number, fuzz: FuzzCase, outcome: Outcome | undefined, problems: string[]): void {
  if (outcome) {
    statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
    if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, index, label: fuzz.label };
  }
  for (const problem of problems) tally.set(problem, [...(tally.get(problem) ?? []), index]);
  if (problems.length > 0) {
    const dir = join(options.keep, `seed-${seed}-case-${index}`);
    mkdirSync(dir, { recursive: true });
    for (const file of fuzz.files) writeFileSync(join(dir, file.name), file.content);
    writeFileSync(join(dir, 'case.json'), `${JSON.stringify({ args: fuzz.args, output: fuzz.output, problems, details: outcome?.details, stderr: outcome?.stderr }, null, 2)}\n`);
    console.log(`case ${index} (${fuzz.label}): ${problems.join(', ')}${outcome ? `: ${outcome.details[0] ?? ''}` : ''}`.slice(0, 400));
  }
}

/** A worker that runs one case at a time; stopped and replaced when a case passes the time limit. */
class Runner {
  private worker!: Worker;
  private ready!: Promise<void>;

  constructor(private readonly dir: string) {
    this.start();
  }

  private start(): void {
    // A worker loads its entry before any --import hook runs: it registers tsx itself, then loads the TypeScript worker.
    const entry = new URL('./worker.ts', import.meta.url).href;
    this.worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`, {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: 4096 },
    });
    this.ready = new Promise((resolve) => this.worker.once('message', () => resolve()));
  }

  async run(index: number, fuzz: FuzzCase): Promise<void> {
    await this.ready;
    const result = await new Promise<{ outcome?: Outcome; problem?: 'hang' | 'crash' }>((resolve) => {
      const timer = setTimeout(() => resolve({ problem: 'hang' }), timeoutMs);
      const done = (value: { outcome?: Outcome; problem?: 'hang' | 'crash' }) => {
        clearTimeout(timer);
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
        resolve(value);
      };
      const onMessage = (message: { id: number; outcome: Outcome }) => {
        if (message.id === index) done({ outcome: message.outcome });
      };
      const onError = () => done({ problem: 'crash' });
      this.worker.on('message', onMessage);
      this.worker.on('error', onError);
      this.worker.postMessage({ id: index, fuzz, dir: this.dir });
    });
    if (result.problem) {
      await this.worker.terminate();
      this.start();
      record(index, fuzz, undefined, [result.problem]);
      if (result.problem === 'hang') slowest = slowest.ms >= timeoutMs ? slowest : { ms: timeoutMs, index, label: `${fuzz.label} (stopped)` };
      return;
    }
    record(index, fuzz, result.outcome, result.outcome?.problems ?? []);
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

const started = performance.now();
const runners = Array.from({ length: Math.min(Number(options.workers), indexes.length) }, (_, i) => new Runner(join(scratch, `worker-${i}`)));
let next = 0;
let done = 0;
await Promise.all(
  runners.map(async (runner) => {
    while (next < indexes.length) {
      const index = indexes[next++];
      await runner.run(index, caseAt(index));
      done += 1;
      if (done % 500 === 0) console.log(`… ${done} of ${indexes.length} cases`);
    }
    await runner.stop();
  }),
);
rmSync(scratch, { recursive: true, force: true });

const seconds = (performance.now() - started) / 1000;
console.log(`\nmerge-summary fuzz: ${indexes.length} cases, seed ${seed}, ${runners.length} workers, ${seconds.toFixed(1)} s`);
console.log(`  exit statuses: ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${n} × ${status}`).join(', ')}`);
for (const [problem, description] of PROBLEMS) {
  const cases = tally.get(problem) ?? [];
  console.log(`  ${String(cases.length).padStart(5)}  ${description}${cases.length > 0 ? ` (cases ${cases.slice(0, 10).join(', ')}${cases.length > 10 ? ', …' : ''})` : ''}`);
}
console.log(`  slowest case: ${Math.round(slowest.ms)} ms, case ${slowest.index} (${slowest.label})`);
if (tally.size > 0) console.log(`  failing cases saved in ${options.keep}; run one again with: npm run fuzz -- --seed ${seed} --only I`);
process.exitCode = tally.size > 0 ? 1 : 0;
