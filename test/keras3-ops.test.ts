import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ModelSummary } from '../src/analysis/types.js';
import { registerKerasLayers } from '../src/model/layers/index.js';
import { OPERATION_CLASSES } from '../src/model/layers/operations.js';
import { useShapeOnlyBackend } from '../src/model/shape-only-backend.js';
import { tfl, type SymbolicTensor } from '../src/model/tfjs.js';
import { ROOT, runCli, spawnCli, writeTemp } from './helpers.js';

/**
 * Keras 3's functional op nodes (keras.ops calls saved in a model's config)
 * and the tensors a call takes by keyword (a mask). Keras's own rows for
 * these models are test/conformance/printed/ (printed-summaries.test.ts);
 * here: what the tool does around them, and each op rule on shapes worked
 * out by hand from Keras's rules (keras/src/ops/numpy.py).
 */
const PRINTED = join(ROOT, 'test', 'conformance', 'printed');
type Json = Record<string, any>;
const kerasJson = (name: string): Json => structuredClone(JSON.parse(readFileSync(join(PRINTED, `${name}.json`), 'utf8')).kerasJson);
const layerNamed = (model: Json, name: string): Json => model.config.layers.find((layer: Json) => layer.name === name);

/** An op's output shape: the op (keras.ops.<Class>) with its arguments and operands, applied to inputs of these shapes. */
function opShape(kerasClass: string, config: Record<string, unknown>, inputs: (number | null)[][]): (number | null)[] {
  useShapeOnlyBackend();
  registerKerasLayers();
  const cls = OPERATION_CLASSES[`keras.ops.${kerasClass}`];
  const tensors = inputs.map((shape) => tfl.input({ batchShape: shape }));
  const output = new cls({ name: `op_${kerasClass.toLowerCase()}_${Math.random().toString(36).slice(2)}`, ...config }).apply(tensors.length === 1 ? tensors[0] : tensors) as SymbolicTensor;
  return output.shape as (number | null)[];
}

const TENSOR = { tensor: true };

describe('keras.ops nodes: shape rules (Keras compute_output_spec)', () => {
  it('broadcast two operands; a constant has no shape (ops.add(x, 3) is x\'s)', () => {
    assert.deepEqual(opShape('Add', { operands: [TENSOR, 3] }, [[null, 8, 8, 4]]), [null, 8, 8, 4]);
    // (None, 1, 1, 4) with (None, 8, 8, 4): each 1 takes the other's size.
    assert.deepEqual(opShape('Multiply', { operands: [TENSOR, TENSOR] }, [[null, 1, 1, 4], [null, 8, 8, 4]]), [null, 8, 8, 4]);
    assert.deepEqual(opShape('NotEqual', { operands: [TENSOR, 0] }, [[null, 5]]), [null, 5]);
    assert.throws(() => opShape('Add', { operands: [TENSOR, TENSOR] }, [[null, 8, 8, 4], [null, 8, 8, 3]]), /Cannot broadcast shape, the failure dim has value 4, which cannot be broadcasted to 3\. Input shapes are: \[None, 8, 8, 4\] and \[None, 8, 8, 3\]\./);
  });

  it('matmul and einsum, as Keras 3.15.1 computes their shapes (each figure printed by Keras)', () => {
    assert.deepEqual(opShape('Matmul', { operands: [TENSOR, TENSOR] }, [[4], [2, 4, 3]]), [2, 3]);
    assert.deepEqual(opShape('Matmul', { operands: [TENSOR, TENSOR] }, [[7, 1, 5, 4], [3, 4, 2]]), [7, 3, 5, 2]);
    assert.throws(
      () => opShape('Matmul', { operands: [TENSOR, TENSOR] }, [[null, 5, 4], [null, 3, 2]]),
      /Inner dimensions \(`x1\.shape\[-1\]` and `x2\.shape\[-2\]`\) must be equal, but received `x1\.shape=\(None, 5, 4\)` and `x2\.shape=\(None, 3, 2\)`\./,
    );
    assert.deepEqual(opShape('Einsum', { subscripts: 'ij,jk', operands: [TENSOR, TENSOR] }, [[2, 3], [3, 4]]), [2, 4]);
    // Keras does not check that a summed index has one size: "bij,bjk->bik" of (2, 3, 4) and (2, 5, 6) is (2, 3, 6).
    assert.deepEqual(opShape('Einsum', { subscripts: 'bij,bjk->bik', operands: [TENSOR, TENSOR] }, [[2, 3, 4], [2, 5, 6]]), [2, 3, 6]);
    assert.deepEqual(opShape('Einsum', { subscripts: 'i...,...j->i...j', operands: [TENSOR, TENSOR] }, [[2, 3, 4], [4, 5]]), [2, 3, 4, 5]);
    assert.deepEqual(opShape('Einsum', { subscripts: 'ij,jk,kl->il', operands: [TENSOR, TENSOR, TENSOR] }, [[2, 3], [3, 4], [4, 5]]), [2, 5]);
    assert.throws(
      () => opShape('Einsum', { subscripts: 'ij,jk->ik', operands: [TENSOR, TENSOR] }, [[2, 3, 4], [3, 4]]),
      /Number of dimensions in the subscript does not match the number of dimensions in the operand, received subscript `ij` and operand of shape \[2, 3, 4\]\./,
    );
  });

  it('reduce over an axis, with or without keepdims; an axis past the rank is refused in Keras\'s words', () => {
    assert.deepEqual(opShape('Any', { axis: -1, keepdims: false }, [[null, 5, 3]]), [null, 5]);
    assert.deepEqual(opShape('Sum', { axis: [1, 2], keepdims: true }, [[null, 4, 6, 2]]), [null, 1, 1, 2]);
    assert.deepEqual(opShape('Mean', { axis: null, keepdims: false }, [[null, 4]]), []);
    assert.throws(() => opShape('Max', { axis: 3, keepdims: false }, [[null, 5, 3]]), /axis 3 is out of bounds for an array with dimension 3\./);
  });

  it('reshape (a -1 inferred from the known size, None when a size is unknown), transpose, expand_dims, squeeze', () => {
    // 4 × 6 = 24 values as (2, -1, 3): -1 is 24 / 6 = 4.
    assert.deepEqual(opShape('Reshape', { newshape: [2, -1, 3] }, [[4, 6]]), [2, 4, 3]);
    assert.deepEqual(opShape('Reshape', { newshape: [-1, 8, 3] }, [[null, 4, 6]]), [null, 8, 3]);
    assert.throws(() => opShape('Reshape', { newshape: [5, 5] }, [[4, 6]]), /The total size of the tensor must be unchanged/);
    assert.deepEqual(opShape('Transpose', { axes: [0, 2, 1] }, [[null, 8, 3]]), [null, 3, 8]);
    assert.throws(() => opShape('Transpose', { axes: [0, 1] }, [[null, 8, 3]]), /expected 3, but received 2/);
    assert.deepEqual(opShape('ExpandDims', { axis: 1 }, [[null, 3, 8]]), [null, 1, 3, 8]);
    assert.deepEqual(opShape('ExpandDims', { axis: [-1, 0] }, [[null, 3]]), [1, null, 3, 1]);
    assert.deepEqual(opShape('Squeeze', { axis: 1 }, [[null, 1, 3, 8]]), [null, 3, 8]);
    assert.throws(() => opShape('Squeeze', { axis: 2 }, [[null, 1, 3, 8]]), /Cannot squeeze axis 2, because the dimension is not 1\./);
  });

  it('concatenate and stack a list of tensors', () => {
    // 8 + 8 on the last axis; a None on the axis makes the sum None.
    assert.deepEqual(opShape('Concatenate', { axis: -1, operands: [[TENSOR, TENSOR]] }, [[null, 3, 8], [null, 3, 8]]), [null, 3, 16]);
    assert.deepEqual(opShape('Concatenate', { axis: 1, operands: [[TENSOR, TENSOR]] }, [[null, 3, 8], [null, null, 8]]), [null, null, 8]);
    assert.throws(() => opShape('Concatenate', { axis: -1, operands: [[TENSOR, TENSOR]] }, [[null, 3, 8], [null, 4, 8]]), /must have the same shape except on the `axis` dim/);
    assert.deepEqual(opShape('Stack', { axis: 1, operands: [[TENSOR, TENSOR, TENSOR]] }, [[null, 3, 16], [null, 3, 16], [null, 3, 16]]), [null, 3, 3, 16]);
  });

  it('get_item: whole numbers drop an axis, slices keep it at their length, None adds one, an Ellipsis takes the rest', () => {
    const slice = (start: number | null, stop: number | null, step: number | null = null) => ({ slice: [start, stop, step] });
    // x[:, 1:9:3] on (None, 10, 3): indices 1, 4, 7.
    assert.deepEqual(opShape('GetItem', { operands: [TENSOR, [slice(null, null), slice(1, 9, 3)]] }, [[null, 10, 3]]), [null, 3, 3]);
    // x[:, -1] and x[..., None]
    assert.deepEqual(opShape('GetItem', { operands: [TENSOR, [slice(null, null), -1]] }, [[null, 10, 3]]), [null, 3]);
    assert.deepEqual(opShape('GetItem', { operands: [TENSOR, [{ ellipsis: true }, null]] }, [[null, 10, 3]]), [null, 10, 3, 1]);
    // x[:, ::-2] on 10: indices 9, 7, 5, 3, 1.
    assert.deepEqual(opShape('GetItem', { operands: [TENSOR, [slice(null, null), slice(null, null, -2)]] }, [[null, 10, 3]]), [null, 5, 3]);
    assert.throws(() => opShape('GetItem', { operands: [TENSOR, [slice(null, null), 10]] }, [[null, 10, 3]]), /out-of-bounds index/);
  });
});

describe('keras.ops nodes in a Keras 3 file', () => {
  it('are rows of their own and never merges: only the Multiply layer is analysed as one', async () => {
    const result = await runCli([writeTemp('hard-sigmoid.json', JSON.stringify(kerasJson('hard-sigmoid-ops'))), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as ModelSummary;
    assert.deepEqual(
      summary.layers.map((layer) => `${layer.name} (${layer.type})`),
      ['input_layer (InputLayer)', 'conv2d (Conv2D)', 'add (Add)', 're_lu (ReLU)', 'multiply (Multiply)', 'multiply_1 (Multiply)'],
    );
    assert.deepEqual(summary.merges.map((merge) => merge.name), ['multiply_1']);
    // add(conv2d, 3) and multiply(re_lu, 1/6) take one tensor each: their constants are no inputs.
    assert.deepEqual(summary.layers.find((layer) => layer.name === 'add')?.connections, [{ layer: 'conv2d', node: 0, tensor: 0 }]);
    assert.equal(summary.layers.find((layer) => layer.name === 'multiply')?.macs, 0);
  });

  it('an op without a shape rule is refused where it is, naming the op; --allow-unknown takes it as keeping its shape', async () => {
    const model = kerasJson('hard-sigmoid-ops');
    layerNamed(model, 'multiply').class_name = 'Tile';
    const file = writeTemp('tile.json', JSON.stringify(model, null, 1));
    const refused = await runCli([file]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /tile\.json:\d+:\d+: layer "multiply" \(keras\.ops\.Tile\) cannot be summarised: it is a call of keras\.ops' Tile in the model's graph, an op merge-summary has no shape rule for/);
    const allowed = await runCli([file, '--allow-unknown', '--json']);
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.ok((JSON.parse(allowed.stdout) as ModelSummary).layers.find((layer) => layer.name === 'multiply')?.unverified);
  });

  it('saved without its module (as Keras 3\'s .h5 saves it), ops.add(x, 3.0) reads as the layer Add called on 3.0: refused as Keras refuses to load it', async () => {
    const model = kerasJson('hard-sigmoid-ops');
    delete layerNamed(model, 'add').module;
    const result = await runCli([writeTemp('no-module.json', JSON.stringify(model, null, 1))]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /no-module\.json:\d+:\d+: layer "add": call 0 takes 3 among its positional arguments, which Keras refuses \("Only input tensors may be passed as positional arguments"\)/);
  });

  it('an op whose operands Keras could not broadcast is refused with Keras\'s reason', async () => {
    const model = kerasJson('hard-sigmoid-ops');
    // add(conv2d's (None, 8, 8, 4), the input's (None, 8, 8, 3))
    const input = structuredClone(layerNamed(model, 'conv2d').inbound_nodes[0].args[0]);
    layerNamed(model, 'add').inbound_nodes[0].args[1] = input;
    const result = await runCli([writeTemp('no-broadcast.json', JSON.stringify(model, null, 1))]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /no-broadcast\.json:\d+:\d+: layer "add" \(keras\.ops\.Add\): .*Cannot broadcast shape, the failure dim has value 4, which cannot be broadcasted to 3/);
  });
});

describe('the products among them: mult-adds', () => {
  it('matmul counts output elements × the contracted length, a two-operand einsum × the sizes of the indices it sums; one operand sums only', async () => {
    const result = await runCli([writeTemp('ops-products.json', JSON.stringify(kerasJson('ops-products'))), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const macs = Object.fromEntries((JSON.parse(result.stdout) as ModelSummary).layers.map((layer) => [layer.name, layer.macs]));
    // By hand, batch size 1: x (5, 4), y (4, 3), v (4,).
    assert.equal(macs.matmul, 5 * 3 * 4); // x @ y
    assert.equal(macs.matmul_1, 5 * 4 * 4); // x @ v, v 2-D (None, 4): x's last axis, 4, is the one contracted
    assert.equal(macs.matmul_2, 5 * 5 * 4); // x @ xᵀ
    assert.equal(macs.einsum, 5 * 3 * 4); // bij,bjk->bik: j summed
    assert.equal(macs.einsum_1, 5 * 3 * 4); // ...ij,...jk: implicit output ...ik, j summed
    assert.equal(macs.einsum_2, 4 * 4); // bi,bj->bij: an outer product, one multiply an element
    assert.equal(macs.einsum_3, 0); // bii->b: a trace sums, it does not multiply
    assert.equal(macs.head, 82 * 2);
  });
});

describe('profile runs them', () => {
  it('op nodes on tfjs kernels, and a mask taken by keyword that the LSTM never reads as an input', () => {
    for (const name of ['hard-sigmoid-ops', 'embedding-mask', 'ops-zoo']) {
      // In a process of its own: profile measures the engine's memory, which this process's other builds have touched.
      const result = spawnCli(['profile', writeTemp(`${name}.profile.json`, JSON.stringify(kerasJson(name))), '--runs', '1', '--warmup', '0', '--json'], { env: { MERGE_SUMMARY_BACKEND: 'cpu' } });
      assert.equal(result.status, 0, `${name}: ${result.stderr}`);
      const report = JSON.parse(result.stdout) as { models: { layers: { name: string }[] }[] };
      const timed = report.models[0].layers.map((layer) => layer.name);
      for (const op of { 'hard-sigmoid-ops': ['add', 'multiply'], 'embedding-mask': ['not_equal'], 'ops-zoo': ['get_item', 'where', 'stack'] }[name] ?? []) assert.ok(timed.includes(op), `${name}: ${op} ran`);
    }
  });
});

describe('tensors a Keras 3 call takes by keyword', () => {
  it('a mask is an edge of the graph ("Connected to"), not an input of the layer: the LSTM reads only the embedding', async () => {
    const result = await runCli([writeTemp('embedding-mask.json', JSON.stringify(kerasJson('embedding-mask'))), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const lstm = (JSON.parse(result.stdout) as ModelSummary).layers.find((layer) => layer.name === 'lstm');
    assert.deepEqual(lstm?.connections, [
      { layer: 'dropout', node: 0, tensor: 0 },
      { layer: 'not_equal', node: 0, tensor: 0 },
    ]);
    assert.deepEqual(lstm?.inputShapes, [[null, 5, 4]]);
    // 4 gates × (4 inputs + 3 units + 1 bias) × 3 units: the mask read as an initial state would have failed the build.
    assert.equal(lstm?.params, 4 * (4 + 3 + 1) * 3);
  });

  it('a tensor by a keyword the tool does not know is refused at that keyword', async () => {
    const model = kerasJson('embedding-mask');
    const node = layerNamed(model, 'lstm').inbound_nodes[0];
    node.kwargs.carry = node.kwargs.mask;
    delete node.kwargs.mask;
    const result = await runCli([writeTemp('carry.json', JSON.stringify(model, null, 1))]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /carry\.json:\d+:\d+: layer "lstm": call 0 passes a tensor as its keyword argument "carry", which merge-summary does not know how the layer takes/);
  });
});

describe('masks in a spec', () => {
  it('an Embedding with mask_zero whose mask no layer takes adds no row; one whose mask an LSTM takes adds its not_equal', async () => {
    const spec = (second: string) =>
      writeTemp(
        `mask-${second}.yaml`,
        ['inputs: [{shape: [5], dtype: int32}]', 'layers:', '  - {type: Embedding, input_dim: 10, output_dim: 4, mask_zero: true}', `  - {type: ${second}, units: 3}`].join('\n'),
      );
    const dense = JSON.parse((await runCli([spec('Dense'), '--json'])).stdout) as ModelSummary;
    assert.deepEqual(dense.layers.map((layer) => layer.name), ['input_layer', 'embedding', 'dense']);
    const lstm = JSON.parse((await runCli([spec('LSTM'), '--json'])).stdout) as ModelSummary;
    assert.deepEqual(lstm.layers.map((layer) => `${layer.name} (${layer.type})`), ['input_layer (InputLayer)', 'embedding (Embedding)', 'not_equal (NotEqual)', 'lstm (LSTM)']);
    assert.deepEqual(lstm.layers[2].outputShape, [null, 5]);
  });

  it('a mask reaching a Concatenate, whose compute_mask Keras builds from ops the tool does not make, is refused at that layer', async () => {
    const file = writeTemp(
      'mask-concatenate.yaml',
      [
        'inputs: [{shape: [5], dtype: int32}]',
        'layers:',
        '  - {type: Embedding, input_dim: 10, output_dim: 4, mask_zero: true}',
        '  - {type: Embedding, input_dim: 10, output_dim: 4, from: input_layer}',
        '  - {type: Concatenate, from: [embedding, embedding_1]}',
        '  - {type: LSTM, units: 3}',
      ].join('\n'),
    );
    const result = await runCli([file]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /mask-concatenate\.yaml:5:5: layer "concatenate" \(Concatenate\): an input carries a Keras mask/);
  });
});
