// npm test: the bundle first (the end-to-end tests run the real binary), then
// the type-check and the tests side by side on this 2-core machine.
//
//   node tools/run-tests.mjs                     every test/*.test.ts
//   node tools/run-tests.mjs test/render.test.ts  some files only (still type-checks everything)
//
// Where the time went before (62 s): a process per test file, each loading
// tsx and tfjs again (about 0.6 s of CPU each), 131 tests that each started
// the binary, and src type-checked twice. Now the test files share two
// processes (node's test runner in Node 20 has no "no isolation" mode, so
// each process gets an entry module that imports its share of the files),
// the CLI runs in-process but for a handful of end-to-end tests, and tsc
// checks src and test once, incrementally (its build info in
// node_modules/.cache, outside the repository's files).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cache = join(root, 'node_modules', '.cache', 'merge-summary');
mkdirSync(cache, { recursive: true });

/**
 * Seconds each file's tests take (each file run alone, less the ~0.55 s of
 * starting a process, with ../shared beside the repository; then scaled so
 * that the two shares take the same time when run side by side, which a
 * file's time alone does not tell), to split the files evenly between the
 * two processes;
 * a file not listed counts 1 s. Only the balance depends on these numbers,
 * never which tests run.
 */
const WEIGHTS = {
  'profile.test.ts': 3.1,
  'real-models.test.ts': 2.3,
  'properties.test.ts': 1.4,
  'hostile-inputs.test.ts': 1.3,
  'real-h5-savedmodel.test.ts': 1.3,
  'applications.test.ts': 1.9,
  'keras-files.test.ts': 1.2,
  'h5-files.test.ts': 1.1,
  'e2e.test.ts': 1.7,
  'render.test.ts': 1.6,
  'diff-check.test.ts': 1.1,
  'conformance.test.ts': 1.6,
  'keras-archive-weights.test.ts': 1.5,
  'graph.test.ts': 1.0,
  'counterfactual-oracle.test.ts': 1.0,
  'safe-write.test.ts': 0.9,
  'table-layout.test.ts': 1.8,
  'deep-models.test.ts': 0.8,
  'schemas.test.ts': 1.1,
  'spec-errors.test.ts': 0.9,
  'architecture.test.ts': 0.6,
  'merges.test.ts': 0.5,
  'keras3-ops.test.ts': 0.7,
  'package.test.ts': 0.4,
  'keras-parity.test.ts': 0.3,
  'costs-integration.test.ts': 0.4,
  'core-layers.test.ts': 0.3,
  'applications-costs.test.ts': 0.3,
  'recurrent.test.ts': 0.1,
  'printed-summaries.test.ts': 0.2,
  'preprocessing-layers.test.ts': 0.1,
  'model-files.test.ts': 0.2,
  'keras-arguments.test.ts': 0.1,
  'docs.test.ts': 0.2,
  'convolution-layers.test.ts': 0.1,
  'conformance-data.test.ts': 0.2,
  'model.test.ts': 0.1,
  'costs.test.ts': 0.1,
  'tfjs-contract.test.ts': 0.1,
  'kernels.test.ts': 0.1,
};
const PROCESSES = 2;

// The third-party suite's folder, as test/helpers.ts finds it (HAS_REAL_MODELS: its SOURCES.md).
const shared = process.env.MERGE_SUMMARY_SHARED ?? join(root, '..', 'shared');
const hasShared = existsSync(join(shared, 'real-models', 'SOURCES.md'));
// Without it, the files of its tests weigh what is left of them (measured so): the split stays even either way.
if (!hasShared) Object.assign(WEIGHTS, { 'real-models.test.ts': 0.1, 'real-h5-savedmodel.test.ts': 0.1, 'counterfactual-oracle.test.ts': 0.3 });

const build = spawnSync(process.execPath, [join(root, 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// tsc rewrites its build info in place: made a file of this checkout's own first (see the entries below).
const buildInfo = join(cache, 'test.tsbuildinfo');
if (existsSync(buildInfo)) {
  const kept = readFileSync(buildInfo);
  rmSync(buildInfo);
  writeFileSync(buildInfo, kept);
}
const typecheck = capture(process.execPath, [
  require.resolve('typescript/bin/tsc'),
  '-p', join(root, 'test', 'tsconfig.json'),
  '--incremental', '--tsBuildInfoFile', buildInfo,
]);

const requested = process.argv.slice(2).map((file) => resolve(file));
const files = requested.length > 0 ? requested : readdirSync(join(root, 'test')).filter((name) => name.endsWith('.test.ts')).sort().map((name) => join(root, 'test', name));
const entries = shards(files, PROCESSES).map((share, i) => {
  const entry = join(cache, `tests-${i + 1}.mts`);
  // A new file each time, never one rewritten in place: a node_modules copied with hard links shares its files.
  rmSync(entry, { force: true });
  writeFileSync(entry, share.map((file) => `import ${JSON.stringify(pathToFileURL(file).href)};\n`).join(''));
  return entry;
});
const tests = await new Promise((done) => {
  // The spec reporter, terminal or not: a CI log reads as a tree of named tests with the failures repeated at the end, where TAP would be 3,000 lines.
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${PROCESSES}`, ...entries], { cwd: root, stdio: 'inherit' });
  child.on('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
});

// Say whether the third-party suite ran.
console.log(hasShared
  ? `third-party suite: ran, on ${join(shared, 'real-models')}`
  : `third-party suite: skipped (no ${join(shared, 'real-models')}; it runs where ../shared is beside the repository, as in CI)`);

const checked = await typecheck;
if (checked.status === 0) console.log('type-check (tsc over src, test and tools): no errors');
else process.stdout.write(`type-check (tsc) failed:\n${checked.output}`);
process.exit(tests !== 0 ? tests : checked.status === 0 ? 0 : 1);

/** Heaviest first, each file to the lightest share so far. */
function shards(list, count) {
  const weight = (file) => WEIGHTS[basename(file)] ?? 1;
  const result = Array.from({ length: count }, () => ({ files: [], total: 0 }));
  for (const file of [...list].sort((a, b) => weight(b) - weight(a))) {
    const lightest = result.reduce((a, b) => (b.total < a.total ? b : a));
    lightest.files.push(file);
    lightest.total += weight(file);
  }
  return result.filter((share) => share.files.length > 0).map((share) => share.files);
}

/** Runs a command with its output kept, to print once the tests are done. */
function capture(command, args) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => done({ status: code ?? 1, output }));
  });
}
