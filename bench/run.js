// npm run bench: wall time from process start to printed output, and peak
// memory, on this machine. Prints figures; asserts nothing (timing belongs
// here, not in tests). Compare the medians with the targets in the README.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { writeVgg16H5 } from './vgg16-h5.js';
import { writeVgg16Keras } from './vgg16-keras.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'merge-summary.js');
const preload = join(root, 'bench', 'peak-rss.cjs');
// The third-party models (never in the repository), as the tests find them.
const shared = process.env.MERGE_SUMMARY_SHARED ?? join(root, '..', 'shared');

function measure(args, runs, status = 0) {
  const times = [];
  const peaks = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    // A large model's every merge in full is megabytes of text; spawnSync's default buffer (1 MB) would kill the run.
    const result = spawnSync(process.execPath, ['--require', preload, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== status) throw new Error(`${args.join(' ')} exited ${result.status}, not ${status}:\n${result.stderr}`);
    times.push(seconds);
    peaks.push(Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(result.stderr)[1]) / 1024);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(runs / 2)], min: sorted[0], max: sorted[runs - 1], peakMiB: Math.max(...peaks), runs };
}

// A third-party file, beside the repository when ../shared is there (never in it): its cases are skipped otherwise.
const INCEPTION = join(shared, 'real-models', 'inceptionv3-frozen-dense-head.json');

// VGG16 saved with its weights as Keras's .h5 (528 MB), written here once (never committed).
mkdirSync(join(root, 'bench', 'out'), { recursive: true });
const vgg16H5 = join(root, 'bench', 'out', 'vgg16.h5');
if (!existsSync(vgg16H5)) {
  const bytes = await writeVgg16H5(join(root, 'bench', 'specs', 'vgg16.keras.json'), vgg16H5);
  console.log(`wrote ${vgg16H5} (${(bytes / 1e6).toFixed(0)} MB)`);
}
// The same as a Keras 3 .keras archive, its model.weights.h5 stored uncompressed as Keras stores it.
const vgg16Keras = join(root, 'bench', 'out', 'vgg16.keras');
if (!existsSync(vgg16Keras)) {
  const bytes = await writeVgg16Keras(join(root, 'bench', 'specs', 'vgg16.keras.json'), vgg16Keras);
  console.log(`wrote ${vgg16Keras} (${(bytes / 1e6).toFixed(0)} MB)`);
}

// The largest keras.applications models as Keras 3.15.1 writes them (test/applications/, brotli-compressed): unpacked here once.
const APPLICATIONS = ['ConvNeXtXLarge', 'EfficientNetV2L', 'NASNetLarge'];
const application = (name) => {
  const path = join(root, 'bench', 'out', `${name}.json`);
  if (!existsSync(path)) writeFileSync(path, brotliDecompressSync(readFileSync(join(root, 'test', 'applications', `${name}.json.br`))));
  return path;
};

// 20,000 parallel Dense layers into one Concatenate (issue 15: 56 s and 600 MB as text): written here once.
const wide = join(root, 'bench', 'out', 'wide-concatenate-20000.yaml');
if (!existsSync(wide)) {
  const names = Array.from({ length: 20000 }, (_, i) => `d${i}`);
  writeFileSync(wide, `inputs:\n  - {name: x, shape: [4]}\nlayers:\n${names.map((name) => `  - {type: Dense, units: 2, name: ${name}, from: x}\n`).join('')}  - {type: Concatenate, name: cat, from: [${names.join(', ')}]}\n`);
}

// A chain of 100,000 Dense layers (issue 15: "100,000-layer chains work"; nine minutes before tfjs's graph building was made linear).
const chain = join(root, 'bench', 'out', 'chain-100000.yaml');
if (!existsSync(chain)) writeFileSync(chain, `inputs:\n  - {shape: [4]}\nlayers:\n${'  - {type: Dense, units: 4}\n'.repeat(100000)}`);

const cases = [
  { name: 'VGG16 summary (138,357,544 params)', args: [bin, 'fixtures/vgg16.yaml'], runs: 15, target: { seconds: 0.25, mib: 120 } },
  { name: 'huge-dense summary (10,200,201,000 params)', args: [bin, 'bench/specs/huge-dense.yaml'], runs: 15, target: { seconds: 0.25, mib: 120 } },
  { name: 'VGG16 .h5 with weights (528 MB) summary', args: [bin, vgg16H5], runs: 15, target: { seconds: 1, mib: 150 } },
  { name: 'VGG16 .keras with weights (528 MB) summary', args: [bin, vgg16Keras], runs: 15, target: { seconds: 1, mib: 150 } },
  { name: 'a small .keras (merges.keras, 45 KB) summary', args: [bin, 'test/golden/keras-files/merges.keras'], runs: 15 },
  { name: 'ResNet50 summary (25,636,712 params, 177 layers, 16 Adds)', args: [bin, 'fixtures/resnet50.yaml'], runs: 9 },
  { name: 'DenseNet121 full analysis (429 layers, 58 Concatenates)', args: [bin, 'fixtures/densenet121.yaml', '--merges', 'all'], runs: 9, target: { seconds: 1.5, mib: 1024 } },
  ...APPLICATIONS.map((name) => ({
    name: `${name} (Keras 3 to_json) full analysis`,
    args: [bin, application(name), '--merges', 'all'],
    runs: 5,
    target: { seconds: 1.5, mib: 1024 },
  })),
  { name: '20,000 parallel Dense into one Concatenate, summary', args: [bin, wide], runs: 3, target: { seconds: 15, mib: 1024 } },
  { name: 'a chain of 100,000 Dense layers, summary', args: [bin, chain], runs: 3, target: { seconds: 30, mib: 3072 } },
  { name: 'DenseNet121 picture, SVG (429 layers)', args: [bin, 'graph', 'fixtures/densenet121.yaml', '-o', 'bench/out/densenet121.svg'], runs: 5, target: { seconds: 3, mib: 1024 } },
  { name: 'DenseNet121 picture, every layer, SVG', args: [bin, 'graph', 'fixtures/densenet121.yaml', '--all-layers', '-o', 'bench/out/densenet121-all.svg'], runs: 5, target: { seconds: 3, mib: 1024 } },
  { name: 'InceptionV3 picture, SVG (324 layers)', args: [bin, 'graph', INCEPTION, '-o', 'bench/out/inceptionv3.svg'], runs: 5, target: { seconds: 3, mib: 1024 }, needs: INCEPTION },
  { name: 'InceptionV3 picture, PNG, LR', args: [bin, 'graph', INCEPTION, '--rankdir', 'LR', '-o', 'bench/out/inceptionv3.png'], runs: 3, target: { seconds: 3, mib: 1024 }, needs: INCEPTION },
  { name: 'huge-dense profile, refused before allocating', args: [bin, 'profile', 'bench/specs/huge-dense.yaml'], runs: 9, status: 2, target: { seconds: 1, mib: 120 } },
  { name: 'node itself (node -e 0)', args: ['-e', '0'], runs: 15 },
  { name: 'VGG16 the plain way (tfjs, real weights, CPU backend)', args: [join(root, 'bench', 'plain-vgg16.cjs')], runs: 3 },
];

const results = [];
for (const c of cases) {
  if (c.needs && !existsSync(c.needs)) {
    console.log(`${c.name.padEnd(56)} skipped: no ${c.needs} (third-party files live beside the repository)`);
    continue;
  }
  // A model the tool refuses (a layer class it has no rule for yet) has no time to measure: say why instead.
  const trial = spawnSync(process.execPath, c.args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28 });
  if (trial.status !== (c.status ?? 0)) {
    console.log(`${c.name.padEnd(56)} not measured: exit ${trial.status}: ${trial.stderr.trim().split('\n')[0].slice(0, 160)}`);
    continue;
  }
  const r = measure(c.args, c.runs, c.status);
  results.push({ ...c, ...r });
  const verdict = c.target ? (r.median <= c.target.seconds && r.peakMiB <= c.target.mib ? '  (within target)' : '  (OVER TARGET)') : '';
  console.log(
    `${c.name.padEnd(56)} median ${r.median.toFixed(3)} s  (min ${r.min.toFixed(3)}, max ${r.max.toFixed(3)}, ${r.runs} runs)  peak ${r.peakMiB.toFixed(0)} MiB${verdict}`,
  );
}
const ours = results[0];
const plain = results[results.length - 1];
console.log(`\nVGG16: the plain tfjs build takes ${(plain.median / ours.median).toFixed(1)}x the time and ${(plain.peakMiB / ours.peakMiB).toFixed(1)}x the memory of merge-summary.`);

// What counting costs adds to a summary, in process (bench/costs-vgg16.ts).
const costs = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'costs-vgg16.ts')], { cwd: root, encoding: 'utf8' });
if (costs.status !== 0) throw new Error(`bench/costs-vgg16.ts failed:\n${costs.stderr}`);
const costFigures = costs.stdout.trim().split('\n').map((line) => JSON.parse(line));
for (const { spec, executionFactsMs, countingMs } of costFigures) {
  const first = executionFactsMs.first + countingMs.first;
  console.log(
    `costs of ${spec.padEnd(27)} first call ${first.toFixed(1)} ms (execution facts ${executionFactsMs.first.toFixed(1)}, counting ${countingMs.first.toFixed(1)}); warm median ${(executionFactsMs.median + countingMs.median).toFixed(1)} ms${spec.includes('vgg16') ? (first <= 10 ? '  (within 10 ms)' : '  (OVER 10 ms)') : ''}`,
  );
}

// profile on VGG16 at batch size 1 beside plain tfjs model.predict on the same backend, taking turns.
const profileRuns = [];
const predictRuns = [];
for (let round = 0; round < 2; round++) {
  const profiled = spawnSync(process.execPath, [bin, 'profile', 'fixtures/vgg16.yaml', '--runs', '5', '--warmup', '2', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (profiled.status !== 0) throw new Error(`profile VGG16 failed:\n${profiled.stderr}`);
  const report = JSON.parse(profiled.stdout);
  profileRuns.push({ backend: report.backend, ...report.models[0] });
  const plainPredict = spawnSync(process.execPath, [join(root, 'bench', 'predict-vgg16.cjs'), report.backend.name, '5', '2'], { cwd: root, encoding: 'utf8' });
  if (plainPredict.status !== 0) throw new Error(`plain predict failed:\n${plainPredict.stderr}`);
  predictRuns.push(JSON.parse(plainPredict.stdout));
}
const profileMedian = Math.min(...profileRuns.map((r) => r.latencyMs.median));
const predictMedian = Math.min(...predictRuns.map((r) => r.medianMs));
const backend = profileRuns[0].backend;
console.log(`\nprofile VGG16, batch 1, on ${backend.label} (${backend.threads} thread${backend.threads === 1 ? '' : 's'}), 5 runs after 2 warm-up, 2 processes:`);
for (const [i, run] of profileRuns.entries()) {
  console.log(
    `  process ${i + 1}: median ${run.latencyMs.median.toFixed(0)} ms (runs ${run.latencyMs.runs.map((ms) => ms.toFixed(0)).join(', ')}); per-layer sum ${run.layerSumMs.toFixed(0)} ms = ${run.layerSumPercent.toFixed(1)}% of the median${Math.abs(run.layerSumPercent - 100) <= 15 ? '  (within 15%)' : '  (OUTSIDE 15%)'}; plain model.predict median ${predictRuns[i].medianMs.toFixed(0)} ms`,
  );
}
const ratio = profileMedian / predictMedian;
console.log(`  best medians: profile ${profileMedian.toFixed(0)} ms, plain tfjs predict ${predictMedian.toFixed(0)} ms: ratio ${ratio.toFixed(3)}${ratio <= 1.1 ? '  (overhead within 10%)' : '  (OVERHEAD OVER 10%)'}`);

mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'out', 'results.json'),
  JSON.stringify({ date: new Date().toISOString(), node: process.version, results, costs: costFigures, profile: { profileRuns, predictRuns, ratio } }, null, 2),
);
