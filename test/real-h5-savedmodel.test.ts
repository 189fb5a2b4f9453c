import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { LayerSummary } from '../src/analysis/types.js';
import { analyzeFile } from '../src/pipeline.js';
import { loadHdf5Library, readKerasHdf5 } from '../src/readers/hdf5.js';
import { REAL_MODELS, WITHOUT_REAL_MODELS, runCli, writeTemp } from './helpers.js';

const real = (file: string) => join(REAL_MODELS, file);

interface Row {
  file: string;
  mergeLayers: string;
  params: number;
  trainable: number;
  nonTrainable: number;
}

/** The HDF5 and SavedModel rows of ../shared/real-models/SOURCES.md, read as test/real-models.test.ts reads its JSON rows. */
function groundTruth(): Row[] {
  const lines = readFileSync(join(REAL_MODELS, 'SOURCES.md'), 'utf8').split('\n');
  const rows = lines.filter((line) => /^\| (h5|savedmodel)\/[\w.-]+\/? \|/.test(line));
  const header = lines.find((line) => line.startsWith('| file |'))!.split('|').map((cell) => cell.trim());
  const column = (name: string) => header.indexOf(name);
  const count = (cell: string) => Number(cell.trim().replace(/,/g, ''));
  return rows.map((row) => {
    const cells = row.split('|').map((cell) => cell.trim());
    return {
      file: cells[column('file')].replace(/\/$/, ''),
      mergeLayers: cells[column('merge layers')],
      params: count(cells[column('total params')]),
      trainable: count(cells[column('trainable')]),
      nonTrainable: count(cells[column('non-trainable')]),
    };
  });
}

/** A Lambda whose shape only its Python code knows: the CVAE's sampling Lambda keeps its first input's shape, as --allow-unknown takes it. */
const NEEDS_ALLOW_UNKNOWN = new Set(['savedmodel/cvae-nested-encoder-decoder-keras290']);

/** Files no configuration lets anyone count without Python, each refused with why (tested below). */
const REFUSED: Record<string, RegExp> = {
  // Its second Lambda resizes the image; its configuration holds only bytecode.
  'h5/carnd-behavioral-cloning-keras204.h5': /layer "lambda_1" \(Lambda\) cannot be summarised: a Lambda layer runs Python code .* \(and 1 more such layer\)/,
  'h5/fingernails-unet-weights-only-keras230.h5': /this is a weights file \(save_weights, Keras 2\.3\.0: 25 layers, 36 weights, 120,825 values\) and holds no architecture; pass the architecture with it: merge-summary ARCH --weights .*fingernails-unet-weights-only-keras230\.h5$/,
};

const MERGE_TYPES = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot']);

/** "Add×8, Concatenate×2" as written in SOURCES.md, or "—". */
function mergeCounts(cell: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of cell.matchAll(/(\w+)×(\d+)/g)) counts[match[1]] = Number(match[2]);
  return counts;
}

function countMerges(layers: LayerSummary[], counts: Record<string, number> = {}): Record<string, number> {
  for (const layer of layers) {
    if (MERGE_TYPES.has(layer.type)) counts[layer.type] = (counts[layer.type] ?? 0) + 1;
    if (layer.nested) countMerges(layer.nested, counts);
  }
  return counts;
}

describe('every .h5 file and SavedModel folder in shared/real-models summarises to SOURCES.md', { skip: WITHOUT_REAL_MODELS }, () => {
  const truth = WITHOUT_REAL_MODELS ? [] : groundTruth();
  before(loadHdf5Library);

  it('reads the 12 HDF5 and 9 SavedModel rows of SOURCES.md', async () => {
    assert.equal(truth.filter((row) => row.file.startsWith('h5/')).length, 12);
    assert.equal(truth.filter((row) => row.file.startsWith('savedmodel/')).length, 9);
  });

  for (const row of truth.filter((r) => !REFUSED[r.file])) {
    it(`${row.file}: totals, trainable split and merge layers`, async () => {
      const summary = analyzeFile(real(row.file), { allowUnknown: NEEDS_ALLOW_UNKNOWN.has(row.file) });
      assert.deepEqual(
        { params: summary.totals.params, trainable: summary.totals.trainable, nonTrainable: summary.totals.nonTrainable },
        { params: row.params, trainable: row.trainable, nonTrainable: row.nonTrainable },
      );
      assert.deepEqual(countMerges(summary.layers), mergeCounts(row.mergeLayers));
      const unknown = NEEDS_ALLOW_UNKNOWN.has(row.file) ? /is unknown; it is taken as keeping/ : /^$/;
      assert.deepEqual(summary.warnings.map((w) => w.message).filter((w) => !unknown.test(w)), [], 'every layer has the weights the file lists for it');
    });
  }

  for (const [file, message] of Object.entries(REFUSED)) {
    it(`${file} is refused, exit 2, saying why`, async () => {
      const result = await runCli([real(file)]);
      assert.equal(result.status, 2, result.stdout);
      assert.match(result.stderr.trim(), message);
    });
  }

  it('the weights each .h5 file lists (never their values) add up to its SOURCES.md total, refused files included', async () => {
    for (const row of truth.filter((r) => r.file.startsWith('h5/'))) {
      const { weights } = readKerasHdf5(real(row.file), row.file);
      const total = weights.reduce((sum, w) => sum + w.shape.reduce((product, dim) => product * dim, 1), 0);
      assert.equal(total, row.params, row.file);
    }
  });
});

describe('what the real .h5 and SavedModel files need', { skip: WITHOUT_REAL_MODELS }, () => {
  before(loadHdf5Library);

  it('a Lambda taken as shape-preserving (--allow-unknown) is caught by the weights check: the file\'s Dense takes 1,296 inputs, not 10,512', async () => {
    const result = await runCli([real('h5/carnd-behavioral-cloning-keras204.h5'), '--allow-unknown']);
    assert.equal(result.status, 0);
    assert.match(result.stderr, /warning: layer "dense_1" \(Dense\) counts 1,051,300 parameters but .*carnd-behavioral-cloning-keras204\.h5 lists 129,700 for it: shapes \(10512, 100\), \(100,\) here, \(100,\), \(1296, 100\) in the file/);
  });

  it('Keras 2.2 Bidirectional weights (forward_lstm_9/...) and nested models\' weights under the top-level group belong to their layers', async () => {
    for (const file of ['h5/ecg-bilstm-sequential-keras224.h5', 'h5/teachable-machine-nested-mobilenetv2-keras240.h5', 'h5/gan-frozen-discriminator-keras2100.h5']) {
      const { weights } = readKerasHdf5(real(file), file);
      assert.ok(weights.some((w) => /forward_lstm_9|sequential_9\/Conv1|sequential_3\/dense_4/.test(w.name)), file);
      assert.deepEqual(analyzeFile(real(file)).warnings, [], file);
    }
  });

  it('dict input_layers / output_layers (tf.keras 2.3) are the model\'s inputs and outputs', async () => {
    const summary = analyzeFile(real('h5/resnet-add-dict-io-keras230tf.h5'));
    assert.equal(summary.layers[0].name, 'input_5');
    assert.equal(summary.layers[summary.layers.length - 1].name, 'dense_4');
  });

  it('Resizing keeps the batch axis as Keras does: (None, 124, 129, 1) to (None, 32, 32, 1), the build_input_shape Keras recorded for the next Conv2D', async () => {
    const summary = analyzeFile(real('savedmodel/speech-commands-cnn-normalization-keras2150'));
    const resizing = summary.layers.find((l) => l.type === 'Resizing')!;
    assert.deepEqual(resizing.outputShape, [null, 32, 32, 1]);
  });

  it('a SavedModel is read by the CLI like any model: diff against itself is identical; check takes the folder as one model', async () => {
    const folder = real('savedmodel/stacked-lstm-bn-keras2131');
    const result = await runCli(['diff', folder, folder, '--exit-code']);
    assert.equal(result.status, 0, result.stderr);
    // SOURCES.md: 589,216 parameters.
    assert.equal((await runCli(['check', folder, '--max-params', '589216'])).status, 0);
    assert.equal((await runCli(['check', folder, '--max-params', '589215'])).status, 1);
  });

  it('a subclassed model: each layer counted alone from its config and build shape, checked against the checkpoint, clearly marked', async () => {
    const result = await runCli([real('savedmodel/htc-subclassed-model-keras260'), '--width', '120']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '', 'every layer matches the checkpoint');
    assert.match(result.stdout, /^Model: "htc"\nSubclassed model \(HTC\): it saved no layer graph, so each layer is built alone/);
    assert.match(result.stdout.replace(/\n/g, ' '), /The state of its 4 metrics \(train_loss, train_accuracy, test_loss, test_accuracy\) is not counted/);
    // Hand count of conv0: an 8×8 kernel over 3 channels, 32 filters, and 32 biases; its output from (None, 500, 500, 3), valid padding.
    assert.match(result.stdout, /│ conv2d \(Conv2D\) +│ \(None, 493, 493, 32\) │ +6,176 │/);
    assert.match(result.stdout, /│ max_pooling2d \(MaxPooling2D\) +│ \? +│ +0 │/);
    const doc = JSON.parse((await runCli([real('savedmodel/htc-subclassed-model-keras260'), '--json'])).stdout);
    assert.deepEqual(doc.merges, []);
    assert.match(doc.note, /^Subclassed model/);
  });

  it('a subclassed model whose layer differs from its checkpoint warns naming it; without variables.index it is refused', async () => {
    const dir = await tamperedSavedModel('htc-subclassed-model-keras260', 'htc-tampered', { withIndex: false }, (path, text) =>
      path === 'root.conv0' ? text.replace('"items": [null, 500, 500, 3]', '"items": [null, 500, 500, 4]') : text,
    );
    const refusal = await runCli([dir]);
    assert.equal(refusal.status, 2);
    assert.match(refusal.stderr, /htc-tampered\/keras_metadata\.pb: a subclassed Keras model \("HTC"\): it saved no layer graph, .*variables\/variables\.index, which this folder lacks/);
    copyFileSync(real('savedmodel/htc-subclassed-model-keras260/variables/variables.index'), join(dir, 'variables', 'variables.index'));
    const result = await runCli([dir]);
    assert.equal(result.status, 0, result.stderr);
    // 8 × 8 × 4 × 32 + 32 = 8,224 built; the checkpoint's 8 × 8 × 3 × 32 + 32 = 6,176.
    assert.match(result.stderr, /warning: layer "conv2d" \(Conv2D\) counts 8,224 parameters but the checkpoint \(variables\/variables\.index\) lists 6,176 for it: shapes \(8, 8, 4, 32\), \(32,\) here, /);
  });

  it('a SavedModel\'s configuration is checked against its checkpoint, layer by layer where the variables name their layers', async () => {
    const dir = await tamperedSavedModel('speech-commands-cnn-normalization-keras2150', 'speech-tampered', { withIndex: true }, (path, text) =>
      path === 'root' ? text.replaceAll('"units": 10,', '"units": 11,') : text,
    );
    const result = await runCli([dir]);
    assert.equal(result.status, 0, result.stderr);
    // dense_1 on 128 features: 128 × 11 + 11 = 1,419 built; the checkpoint's 128 × 10 + 10 = 1,290.
    assert.match(result.stderr, /warning: layer "dense_1" \(Dense\) counts 1,419 parameters but the checkpoint \(variables\/variables\.index\) lists 1,290 for it/);
  });

  it('a SavedModel without its checkpoint is summarised from its metadata, with a note that its weights went unchecked', async () => {
    const dir = join(writeTemp('no-index-marker', ''), '..', 'speech-no-index');
    cpSync(real('savedmodel/speech-commands-cnn-normalization-keras2150'), dir, { recursive: true });
    rmSync(join(dir, 'variables', 'variables.index'));
    const result = await runCli([dir]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /The weights were not checked against the model: this SavedModel folder has no variables\/variables\.index\./);
    const doc = JSON.parse((await runCli([dir, '--json'])).stdout);
    assert.match(doc.note, /no variables\/variables\.index/);
  });

  it('and by the totals where they do not (variables/N entries)', async () => {
    const dir = await tamperedSavedModel('ner-bilstm-timedistributed-keras270', 'ner-tampered', { withIndex: true }, (path, text) =>
      path === 'root' ? text.replaceAll('"units": 17,', '"units": 18,') : text,
    );
    const result = await runCli([dir]);
    // The TimeDistributed Dense on 64 features gains 64 + 1 = 65 parameters over SOURCES.md's 2,367,633.
    assert.match(result.stderr, /warning: the model built here counts 2,367,698 parameters but the checkpoint \(variables\/variables\.index\) holds 2,367,633/);
  });
});

/**
 * A copy of a shared SavedModel folder (in a temporary folder) whose
 * keras_metadata.pb has each node's JSON passed through `edit`, re-encoded
 * with the SavedMetadata message of tf.keras's saved_metadata.proto.
 */
async function tamperedSavedModel(name: string, as: string, options: { withIndex: boolean }, edit: (nodePath: string, text: string) => string): Promise<string> {
  const source = real(`savedmodel/${name}`);
  const dir = join(writeTemp(`${as}-marker`, ''), '..', as);
  mkdirSync(join(dir, 'variables'), { recursive: true });
  copyFileSync(join(source, 'saved_model.pb'), join(dir, 'saved_model.pb'));
  if (options.withIndex) copyFileSync(join(source, 'variables', 'variables.index'), join(dir, 'variables', 'variables.index'));
  const protobuf = (await import('protobufjs/light.js')).default;
  const type = protobuf.Root.fromJSON({
    nested: {
      SavedMetadata: { fields: { nodes: { rule: 'repeated', type: 'SavedObject', id: 1 } } },
      SavedObject: { fields: { node_id: { type: 'int32', id: 2 }, node_path: { type: 'string', id: 3 }, identifier: { type: 'string', id: 4 }, metadata: { type: 'string', id: 5 } } },
    },
  }).lookupType('SavedMetadata');
  const message = type.toObject(type.decode(readFileSync(join(source, 'keras_metadata.pb')))) as { nodes: { node_path: string; metadata: string }[] };
  let changed = 0;
  for (const node of message.nodes) {
    const edited = edit(node.node_path, node.metadata);
    if (edited !== node.metadata) changed++;
    node.metadata = edited;
  }
  assert.ok(changed > 0, 'the edit changed the metadata');
  writeFileSync(join(dir, 'keras_metadata.pb'), type.encode(type.fromObject(message)).finish());
  return dir;
}
