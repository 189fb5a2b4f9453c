import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCount, parseSize, parseTolerance } from '../src/cli/quantities.js';
import { HAS_REAL_MODELS, REAL_MODELS, ROOT, fixture, runCli, scratchDir, writeTemp } from './helpers.js';

const ADD = fixture('seed-add.yaml');
const CONCAT = fixture('seed-concat.yaml');

describe('merge-summary diff', () => {
  it('shows the seed models\' differences: the merge, the flatten, the first dense, the totals', async () => {
    const result = await runCli(['diff', ADD, CONCAT, '--width', '160']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /~ │ add \(Add\) → concatenate \(Concatenate\) +│ \(None, 32, 32, 64\) → \(None, 32, 32, 128\)/);
    assert.match(result.stdout, /~ │ flatten \(Flatten\) +│ \(None, 65536\) → \(None, 131072\)/);
    assert.match(result.stdout, /~ │ dense \(Dense\) +│ \(None, 24\) +│ +1,572,888 → 3,145,752 \(\+1,572,864, \+100%\) │/);
    assert.match(result.stdout, /Total params: 6,513,682 → 8,086,546 \(\+1,572,864, \+24\.1%\)/);
    assert.match(result.stdout, /3 changed, 0 added, 0 removed, 12 unchanged/);
    assert.doesNotMatch(result.stdout, /dense_1/, 'unchanged layers fold into a count');
    assert.match((await runCli(['diff', ADD, CONCAT, '--all', '--width', '160'])).stdout, /│ dense_1 \(Dense\)/);
  });

  it('--json (merge-summary-diff/1) pairs the renamed merge and counts exactly', async () => {
    const diff = JSON.parse((await runCli(['diff', ADD, CONCAT, '--json'])).stdout);
    assert.equal(diff.schema, 'merge-summary-diff/1');
    assert.equal(diff.identical, false);
    const merge = diff.layers.find((l: { a: { name: string } | null }) => l.a?.name === 'add');
    assert.equal(merge.pairedBy, 'position');
    // Its output doubles, and so do its bytes.
    assert.deepEqual(merge.differences, ['name', 'type', 'outputShape', 'activationBytes']);
    assert.deepEqual(merge.b.outputShape, [null, 32, 32, 128]);
    const dense = diff.layers.find((l: { a: { name: string } | null }) => l.a?.name === 'dense');
    assert.deepEqual(dense.params, { a: 1_572_888, b: 3_145_752, change: 1_572_864, percent: (1_572_864 / 1_572_888) * 100 });
    assert.deepEqual(diff.totals.params, { a: 6_513_682, b: 8_086_546, change: 1_572_864, percent: (1_572_864 / 6_513_682) * 100 });
    assert.deepEqual(diff.counts, { changed: 3, added: 0, removed: 0, unchanged: 12 });
  });

  it('added and removed layers', async () => {
    const longer = writeTemp('longer.yaml', readFileSync(ADD, 'utf8').replace('  - {type: Flatten}\n  - {type: Dense, units: 24', '  - {type: Flatten}\n  - {type: Dropout, rate: 0.5}\n  - {type: Dense, units: 24'));
    const diff = JSON.parse((await runCli(['diff', ADD, longer, '--json'])).stdout);
    assert.deepEqual(diff.counts, { changed: 0, added: 1, removed: 0, unchanged: 15 });
    assert.equal(diff.layers.find((l: { status: string }) => l.status === 'added').b.name, 'dropout');
    const back = JSON.parse((await runCli(['diff', longer, ADD, '--json'])).stdout);
    assert.equal(back.counts.removed, 1);
  });

  it('exit 0 after a comparison; --exit-code gives 1 when the models differ and 0 when not', async () => {
    assert.equal((await runCli(['diff', ADD, CONCAT])).status, 0);
    assert.equal((await runCli(['diff', ADD, CONCAT, '--exit-code'])).status, 1);
    const same = await runCli(['diff', ADD, ADD, '--exit-code']);
    assert.equal(same.status, 0);
    assert.match(same.stdout, /identical layer for layer \(15 layers\)/);
    assert.equal((await runCli(['diff', ADD, 'no/such.yaml'])).status, 2);
  });

  it('--format markdown', async () => {
    const { stdout } = await runCli(['diff', ADD, CONCAT, '--format', 'markdown']);
    assert.match(stdout, /^### merge-summary diff: `seed-add` → `seed-concat`/);
    assert.match(stdout, /\| ~ \| dense \(Dense\) \| \(None, 24\) \| 1,572,888 → 3,145,752 \(\+1,572,864, \+100%\) \|/);
    assert.match(stdout, /\*\*Total params:\*\* 6,513,682 → 8,086,546 \(\+1,572,864, \+24\.1%\)/);
  });
});

describe('merge-summary check', () => {
  it('exit 0 within budget, 1 over it, 2 for bad input or usage', async () => {
    assert.equal((await runCli(['check', ADD, '--max-params', '8M'])).status, 0);
    const over = await runCli(['check', ADD, CONCAT, '--max-params', '8M']);
    assert.equal(over.status, 1);
    assert.match(over.stdout, /^PASS .*seed-add\.yaml/m);
    assert.match(over.stdout, /^FAIL .*seed-concat\.yaml \("seed-concat"\): 8,086,546 params/m);
    assert.match(over.stdout, /✗ total params 8,086,546 exceed --max-params 8,000,000 \(over by 86,546, \+1\.1%\)/);
    assert.match(over.stdout, /largest layers: dense \(Dense\) 3,145,752; conv2d_1 \(Conv2D\) 2,359,360/);
    assert.equal((await runCli(['check', writeTemp('broken.yaml', 'inputs: [\n'), '--max-params', '1B'])).status, 2);
    assert.equal((await runCli(['check', ADD])).status, 2, 'nothing to check against');
    assert.equal((await runCli(['check', ADD, '--max-params', 'lots'])).status, 2);
    assert.equal((await runCli(['check', ADD, '--no-such-option'])).status, 2);
  });

  it('every budget: trainable, size, per layer', async () => {
    const trainable = await runCli(['check', CONCAT, '--max-trainable', '8,086,289']);
    assert.equal(trainable.status, 1);
    assert.match(trainable.stdout, /trainable params 8,086,290 exceed --max-trainable 8,086,289 \(over by 1,/);
    assert.equal((await runCli(['check', CONCAT, '--max-trainable', '8,086,290'])).status, 0, 'exactly at the limit passes');
    // 8,086,546 float32 params = 32,346,184 bytes = 30.85 MB
    assert.equal((await runCli(['check', CONCAT, '--max-size', '30MB'])).status, 1);
    assert.equal((await runCli(['check', CONCAT, '--max-size', '31MB'])).status, 0);
    assert.equal((await runCli(['check', CONCAT, '--max-size', '32346184'])).status, 0);
    assert.equal((await runCli(['check', CONCAT, '--max-size', '32346183'])).status, 1);
    const layer = await runCli(['check', CONCAT, '--max-layer-params', '2.5M']);
    assert.equal(layer.status, 1);
    assert.match(layer.stdout, /1 layer has more than --max-layer-params 2,500,000 params \(largest 3,145,752/);
  });

  it('baselines: grew beyond the tolerance fails, naming the layers that grew most', async () => {
    const dir = writeTemp('baselines', '');
    const baseline = `${dir}-add.json`;
    assert.equal((await runCli(['check', ADD, '--write-baseline', '--baseline', baseline])).status, 0);
    const grown = writeTemp('grown.yaml', readFileSync(CONCAT, 'utf8'));
    const result = await runCli(['check', grown, '--baseline', baseline, '--tolerance', '2%', '--per-layer']);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /total params grew 6,513,682 → 8,086,546 \(\+24\.1%\), more than --tolerance 2% .*allows\s+\(at most\s+6,643,955;/s);
    assert.match(result.stdout, /grew most: dense \(Dense\) 1,572,888 → 3,145,752 \(\+1,572,864\)/);
    assert.match(result.stdout, /1 layer grew more than --tolerance 2%/);
    // Parameters grew 24.1%; the peak of live activations 33.3% (the Concatenate's double-width output): 34% passes both.
    assert.equal((await runCli(['check', grown, '--baseline', baseline, '--tolerance', '34%'])).status, 0);
  });

  it('tolerance edges are exact: at the limit passes, one parameter over fails', async () => {
    // 8,000,000 x (1 + 1.081825%) = 8,086,546, the seed-concat total, exactly.
    const baseline = writeTemp('edge.json', JSON.stringify({ schema: 'merge-summary/1', totals: { params: 8_000_000 }, layers: [] }));
    assert.equal((await runCli(['check', CONCAT, '--baseline', baseline, '--tolerance', '1.081825%'])).status, 0);
    assert.equal((await runCli(['check', CONCAT, '--baseline', baseline, '--tolerance', '1.081824%'])).status, 1);
    const same = writeTemp('same.json', JSON.stringify({ schema: 'merge-summary/1', totals: { params: 8_086_546 }, layers: [] }));
    assert.equal((await runCli(['check', CONCAT, '--baseline', same])).status, 0, 'no growth passes a 0% tolerance');
  });

  it('a baseline from an older run with extra fields still loads', async () => {
    const doc = JSON.parse((await runCli([ADD, '--json'])).stdout);
    doc.generator = { name: 'merge-summary', version: '0.0.1' };
    doc.layers[0].notes = 'extra';
    delete doc.merges;
    delete doc.totals.bytes;
    const baseline = writeTemp('older.json', JSON.stringify(doc));
    const result = await runCli(['check', ADD, '--baseline', baseline]);
    assert.equal(result.status, 0, result.stderr);
  });

  it('a missing or corrupt baseline is an error (exit 2), never a pass', async () => {
    const missing = await runCli(['check', ADD, '--baseline', 'no/such/baseline.json', '--width', '400']);
    assert.equal(missing.status, 2);
    assert.match(missing.stdout, /^ERROR .*: no\/such\/baseline\.json: cannot read the baseline: no such file/);
    const truncated = writeTemp('truncated.json', '{"schema": "merge-summary/1", "totals": {');
    const corrupt = await runCli(['check', ADD, '--baseline', truncated, '--width', '400']);
    assert.equal(corrupt.status, 2);
    assert.match(corrupt.stdout, /truncated\.json:1:\d+: the baseline is not valid JSON/);
    // A baseline whose name begins with the spec's is still the baseline: the line names the spec too.
    const spec = writeTemp('m.yaml', readFileSync(ADD, 'utf8'));
    const named = writeTemp('m.yaml.json', '{"schema": ');
    const namedAfter = await runCli(['check', spec, '--baseline', named, '--width', '400']);
    assert.equal(namedAfter.status, 2);
    assert.ok(namedAfter.stdout.startsWith(`ERROR ${spec}: ${named}:1:`), namedAfter.stdout);
    // In --json, the file each problem is in is a field of its own: the baseline here, the spec itself when it cannot be read.
    const namedJson = JSON.parse((await runCli(['check', spec, '--baseline', named, '--json'])).stdout);
    assert.equal(namedJson.results[0].error.file, named);
    const unreadable = writeTemp('broken.yaml', 'inputs: [\n');
    const brokenJson = JSON.parse((await runCli(['check', unreadable, '--max-params', '1G', '--json'])).stdout);
    assert.equal(brokenJson.results[0].error.file, unreadable);
    assert.match(brokenJson.results[0].error.message, new RegExp(`^${unreadable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    const wrong = writeTemp('wrong.json', JSON.stringify({ schema: 'merge-summary-diff/1' }));
    // Wide enough that the line, which holds the test's own paths, is not wrapped wherever the clone is.
    assert.match((await runCli(['check', ADD, '--baseline', wrong, '--width', '400'])).stdout, /not a merge-summary baseline: "schema" must be "merge-summary\/1"/);
    const noParams = writeTemp('noparams.json', '{\n  "schema": "merge-summary/1",\n  "totals": {"params": "many"},\n  "layers": []\n}\n');
    const bad = await runCli(['check', ADD, '--baseline', noParams, '--width', '400']);
    assert.equal(bad.status, 2);
    assert.match(bad.stdout, /noparams\.json:3:13: not a merge-summary baseline: "totals\.params" must be a whole number/);
  });

  it('a folder of specs against a folder of baselines, in one call', async () => {
    const models = writeTemp('models', '');
    const baselines = `${models}-baselines`;
    mkdirSync(`${models}-specs`);
    writeFileSync(join(`${models}-specs`, 'a.yaml'), readFileSync(ADD));
    writeFileSync(join(`${models}-specs`, 'b.yaml'), readFileSync(CONCAT));
    const written = await runCli(['check', `${models}-specs`, '--baseline-dir', baselines, '--write-baseline']);
    assert.equal(written.status, 0, written.stderr);
    assert.equal(JSON.parse(readFileSync(join(baselines, 'b.json'), 'utf8')).totals.params, 8_086_546);
    assert.equal((await runCli(['check', join(`${models}-specs`, 'a.yaml'), join(`${models}-specs`, 'b.yaml'), '--baseline-dir', baselines])).status, 0);
    writeFileSync(join(`${models}-specs`, 'a.yaml'), readFileSync(CONCAT));
    const grown = await runCli(['check', `${models}-specs`, '--baseline-dir', baselines, '--json']);
    assert.equal(grown.status, 1);
    const report = JSON.parse(grown.stdout);
    assert.equal(report.schema, 'merge-summary-check/1');
    assert.deepEqual(report.results.map((r: { passed: boolean }) => r.passed), [false, true]);
    assert.equal(report.results[0].breaches[0].kind, 'baseline-total');
    writeFileSync(join(`${models}-specs`, 'c.yaml'), readFileSync(ADD));
    const noBaseline = await runCli(['check', `${models}-specs`, '--baseline-dir', baselines, '--width', '400']);
    assert.equal(noBaseline.status, 2);
    assert.match(noBaseline.stdout, /c\.json: cannot read the baseline: no such file; record one with/);
  });

  it('--format markdown reads well in a pull-request comment', async () => {
    const { stdout } = await runCli(['check', ADD, CONCAT, '--max-params', '8M', '--format', 'markdown']);
    assert.match(stdout, /^### merge-summary check: ❌ 1 of 2 over budget/);
    assert.match(stdout, /\| `.*seed-concat\.yaml` \| seed-concat \| 8,086,546 \| 30\.85 MB \| ❌ 1 breach \|/);
    assert.match(stdout, /- \*\*--max-params\*\*: total params 8,086,546 exceed --max-params 8,000,000 \(over by 86,546, \+1\.1%\)\. Largest layers: dense/);
  });
});

describe('numbers as users write them', () => {
  it('parameter counts', async () => {
    assert.equal(parseCount('10M', 'x'), 10_000_000);
    assert.equal(parseCount('1.5B', 'x'), 1_500_000_000);
    assert.equal(parseCount('2.5k', 'x'), 2_500);
    assert.equal(parseCount('25_000_000', 'x'), 25_000_000);
    assert.equal(parseCount('25,000,000', 'x'), 25_000_000);
    assert.equal(parseCount('138357544', 'x'), 138_357_544);
    assert.throws(() => parseCount('1.2345k', 'x'), /not a whole number/);
    assert.throws(() => parseCount('25,00,000', 'x'), /takes a parameter count/);
    assert.throws(() => parseCount('-5', 'x'), /takes a parameter count/);
  });
  it('sizes in powers of 1024, as Keras prints them', async () => {
    assert.equal(parseSize('40MB', 'x'), 40 * 1024 * 1024);
    assert.equal(parseSize('1.5GB', 'x'), 1.5 * 1024 ** 3);
    assert.equal(parseSize('512 KiB', 'x'), 512 * 1024);
    assert.equal(parseSize('1000', 'x'), 1000);
    assert.throws(() => parseSize('40 parsecs', 'x'), /takes a size/);
  });
  it('tolerances', async () => {
    assert.deepEqual(parseTolerance('2%'), { text: '2%', percent: 2, units: 2n, scale: 1n });
    assert.deepEqual(parseTolerance('0.5'), { text: '0.5%', percent: 0.5, units: 5n, scale: 10n });
    assert.throws(() => parseTolerance('-1%'), /takes a percentage/);
  });
});

describe('diff inside nested models', () => {
  it('a change inside a nested model is a row of its own, named with the model it is in', { skip: HAS_REAL_MODELS ? false : 'no ../shared/real-models here' }, async () => {
    const original = join(REAL_MODELS, 'teachable-machine-mobilenetv2-nested.json');
    const doc = JSON.parse(readFileSync(original, 'utf8'));
    // The head's last Dense (100 inputs, 2 classes, no bias) becomes one of 3 classes: 100 more parameters.
    const head = doc.modelTopology.config.layers[1].config.layers;
    const last = head[head.length - 1].config;
    assert.deepEqual([last.units, last.use_bias], [2, false]);
    last.units = 3;
    const diff = JSON.parse((await runCli(['diff', original, writeTemp('three-classes.json', JSON.stringify(doc)), '--json'])).stdout);
    const changed = diff.layers.filter((layer: { status: string }) => layer.status === 'changed');
    assert.deepEqual(
      changed.map((layer: { within?: string[]; a: { name: string }; params: { change: number } }) => [layer.within ?? [], layer.a.name, layer.params.change]),
      [
        [[], 'sequential_10', 100],
        [['sequential_10'], last.name, 100],
      ],
    );
    const text = (await runCli(['diff', original, writeTemp('three-classes-again.json', JSON.stringify(doc)), '--width', '160'])).stdout;
    assert.match(text, new RegExp(`sequential_10/${last.name} \\(Dense\\)`));
  });
});

describe('check reports every spec, whatever happens to one', () => {
  it('a folder with a good model, one without a baseline and a file that is no model: three lines, a complete report, exit 2', async () => {
    const models = join(scratchDir(), 'every-spec', 'models');
    const baselines = join(scratchDir(), 'every-spec', 'baselines');
    mkdirSync(models, { recursive: true });
    writeFileSync(join(models, 'seed-add.yaml'), readFileSync(ADD));
    writeFileSync(join(models, 'seed-concat.yaml'), readFileSync(CONCAT));
    writeFileSync(join(models, 'labels.json'), '{"labels": ["cat", "dog"]}');
    const recorded = await runCli(['check', join(models, 'seed-add.yaml'), '--baseline', join(baselines, 'seed-add.json'), '--write-baseline']);
    assert.equal(recorded.status, 0, recorded.stderr);

    const text = await runCli(['check', models, '--baseline-dir', baselines, '--width', '400']);
    assert.equal(text.status, 2);
    const lines = text.stdout.trim().split('\n');
    assert.match(lines[0], /^ERROR .*labels\.json:1:1: not a model/);
    assert.match(lines.find((l) => l.startsWith('PASS'))!, /seed-add\.yaml \("seed-add"\): 6,513,682 params/);
    assert.match(text.stdout, /ERROR .*seed-concat\.yaml: .*seed-concat\.json: cannot read the baseline: no such file; record one with/);
    assert.match(lines[lines.length - 1], /2 of 3 specs could not be checked; 0 of 3 specs over budget\./);

    const markdown = (await runCli(['check', models, '--baseline-dir', baselines, '--format', 'markdown'])).stdout;
    assert.match(markdown, /^### merge-summary check: ⚠️ 2 of 3 could not be checked/);
    assert.equal(markdown.match(/^\| `[^`]+` \|/gm)?.length, 3, 'one table row per spec');
    assert.match(markdown, /#### ⚠️ `[^`]*labels\.json`\n\n.*not a model/);

    const json = JSON.parse((await runCli(['check', models, '--baseline-dir', baselines, '--json'])).stdout);
    assert.equal(json.errors, 2);
    assert.equal(json.passed, false);
    assert.deepEqual(json.results.map((r: { error?: { code: string } }) => r.error?.code ?? 'checked'), ['not-a-model', 'checked', 'baseline']);
  });

  it('a folder\'s Keras .h5 and .keras files are checked too (a Keras 3 *.weights.h5 beside them is no model); SavedModel folders in it', async () => {
    const keras = join(ROOT, 'test', 'golden', 'keras-files');
    const kerasParams = (JSON.parse(readFileSync(join(keras, 'totals.json'), 'utf8')) as { models: Record<string, { params: number }> }).models.merges.params;
    const models = join(scratchDir(), 'keras-files-folder');
    mkdirSync(models, { recursive: true });
    writeFileSync(join(models, 'legacy.h5'), readFileSync(join(keras, 'merges.h5')));
    writeFileSync(join(models, 'archive.keras'), readFileSync(join(keras, 'merges.keras')));
    writeFileSync(join(models, 'legacy.weights.h5'), readFileSync(join(keras, 'merges.weights.h5')));
    writeFileSync(join(models, 'seed-add.yaml'), readFileSync(ADD));
    if (HAS_REAL_MODELS) cpSync(join(REAL_MODELS, 'savedmodel', 'ner-bilstm-timedistributed-keras270'), join(models, 'ner'), { recursive: true });
    const result = await runCli(['check', models, '--max-params', '1B', '--width', '400']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines.find((l) => l.includes('archive.keras'))!, new RegExp(`^PASS .*archive\\.keras.*: ${kerasParams.toLocaleString('en-US')} params`));
    assert.match(lines.find((l) => l.includes('legacy.h5'))!, new RegExp(`^PASS .*legacy\\.h5.*: ${kerasParams.toLocaleString('en-US')} params`));
    assert.ok(!result.stdout.includes('legacy.weights.h5'), 'a weights file is not a model');
    // SOURCES.md: the NER SavedModel's total is 2,367,633.
    if (HAS_REAL_MODELS) assert.match(lines.find((l) => l.includes('ner'))!, /^PASS .*ner.*: 2,367,633 params/);
    assert.equal(lines[lines.length - 1], `All ${HAS_REAL_MODELS ? 4 : 3} specs within budget.`);
  });

  it('--write-baseline without a place to write says which option to add', async () => {
    const result = await runCli(['check', ADD, '--write-baseline']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--write-baseline needs to know where: add --baseline FILE \(for one spec\) or --baseline-dir DIR \(one DIR\/<spec name>\.json per spec\)/);
  });
});
