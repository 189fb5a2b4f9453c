import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertDataless, useShapeOnlyBackend } from '../src/model/shape-only-backend.js';
import { registerKerasLayers } from '../src/model/layers/index.js';
import {
  KEYWORD_INPUTS,
  LayerBase,
  MergeBase,
  WrapperBase,
  deserialize,
  freeSymbolicTensor,
  isContainer,
  setKerasDtype,
  tfjsWeightDtype,
  isRegistered,
  keywordInputNames,
  modelNodes,
  nodeIndex,
  nodesInExecutionOrder,
  outputReferences,
  positionalInputCount,
  registeredLayerClasses,
  tfc,
  tfl,
  useBackendNow,
  WeightShapeError,
  weightsOf,
  withTemporaryClasses,
  containerEditsApplied,
  type Layer,
  type LayerConstructor,
  type LayersModel,
  type SymbolicTensor,
} from '../src/model/tfjs.js';
import { ROOT } from './helpers.js';

/**
 * Everything merge-summary relies on in TensorFlow.js beyond its documented
 * API, each pinned here: an upgrade of tfjs that changes any of it fails in
 * this file, not silently in a summary.
 */
describe('the tfjs internals merge-summary relies on', () => {
  const require = createRequire(import.meta.url);

  it('tfjs is pinned to the exact version these internals were read from', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm']) {
      assert.match(pkg.dependencies[name], /^\d+\.\d+\.\d+$/, `${name} is pinned exactly`);
      assert.equal((require(`${name}/package.json`) as { version: string }).version, pkg.dependencies[name], `${name} installed is the pinned one`);
    }
  });

  it('Layer.prototype.addWeight(name, shape, dtype, initializer, ...) is the one place weights get values', () => {
    const addWeight = (LayerBase.prototype as unknown as { addWeight: (...args: unknown[]) => unknown }).addWeight;
    assert.equal(typeof addWeight, 'function');
    useShapeOnlyBackend();
    const dense = tfl.layers.dense({ units: 3 });
    dense.apply(tfl.input({ shape: [5] }));
    const [kernel, bias] = dense.getWeights();
    assert.deepEqual(kernel.shape, [5, 3]);
    assert.deepEqual(bias.shape, [3]);
    // The initializer was replaced: the weights hold no values.
    assert.throws(() => kernel.dataSync(), /holds no tensor values/);
    assertDataless(dense.trainableWeights);
  });

  it('a weight with a dimension that is no size is refused on the storage-less backend, naming the layer that asked, before tfjs counts NaN bytes for the rest of the process', () => {
    useShapeOnlyBackend();
    const bytes = tfc.memory().numBytes;
    const dense = tfl.layers.dense({ units: 3, name: 'open_dense' });
    assert.throws(
      () => dense.apply(tfl.input({ shape: [null] })),
      (error: unknown) => error instanceof WeightShapeError && error.owner === dense && error.weight === 'kernel' && /shape=\(None, 3\) for variable path='open_dense\/kernel'/.test(error.message),
    );
    assert.ok(Object.is(tfc.memory().numBytes, bytes), 'no bytes were counted for the weight it refused');
  });

  it('a SymbolicTensor no layer made (a Pipeline\'s input) can be applied to: the layer builds and gives its output\'s shape', () => {
    useShapeOnlyBackend();
    const dense = tfl.layers.dense({ units: 2 });
    const output = dense.apply(freeSymbolicTensor([null, 7])) as import('../src/model/tfjs.js').SymbolicTensor;
    assert.deepEqual(output.shape, [null, 2]);
    assert.deepEqual(dense.getWeights().map((w) => w.shape), [[7, 2], [2]]);
    assert.equal(dense.inboundNodes.length, 1);
  });

  it('weightsOf gives the weights tfjs\'s own getters give, for models nested and frozen', () => {
    useShapeOnlyBackend();
    const inner = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4] }), tfl.layers.batchNormalization()] });
    const frozen = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
    frozen.trainable = false;
    const input = tfl.input({ shape: [4] });
    const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 1 }).apply(frozen.apply(inner.apply(input))) as never });
    const ids = (weights: { id: number }[]) => weights.map((weight) => weight.id);
    for (const layer of [model, inner, frozen, ...model.layers]) {
      assert.deepEqual(ids(weightsOf(layer).trainable), ids(layer.trainableWeights), `${layer.name} trainable`);
      assert.deepEqual(ids(weightsOf(layer).nonTrainable), ids(layer.nonTrainableWeights), `${layer.name} non-trainable`);
    }
  });

  it('the class registry is a plain object tfjs looks names up in with `in`, which the seam strips of its prototype', () => {
    const map = tfc.serialization.SerializationMap.getMap().classNameMap;
    assert.equal(Object.getPrototypeOf(map), null);
    assert.ok(isRegistered('Dense') && !isRegistered('constructor'));
    // tfjs's own lookup of a nested class: "constructor" is unknown, not Object.
    assert.throws(() => deserialize('TimeDistributed', { layer: { className: 'constructor', config: {} } }), /Unknown layer: constructor/);
  });

  it('a weight built on another backend is caught, never silently allocated', () => {
    useShapeOnlyBackend();
    const input = tfl.input({ shape: [2] });
    require('@tensorflow/tfjs-backend-cpu');
    useBackendNow('cpu');
    const dense = tfl.layers.dense({ units: 1 });
    dense.apply(input);
    useShapeOnlyBackend();
    assert.throws(() => assertDataless(dense.trainableWeights), /was built with values/);
  });

  it('setBackend switches synchronously to a backend that needs no initialisation', () => {
    useShapeOnlyBackend();
    require('@tensorflow/tfjs-backend-cpu');
    useBackendNow('cpu');
    assert.equal(tfc.getBackend(), 'cpu');
    useShapeOnlyBackend();
    assert.equal(tfc.getBackend(), 'merge-summary-shape-only');
  });

  it('the serialization registry maps class names to [class, fromConfig], and can hold classes for a while', () => {
    const classes = registeredLayerClasses();
    assert.ok(classes.get('Dense')!.prototype instanceof LayerBase);
    assert.ok(classes.get('Conv2D'));
    assert.equal(classes.has('constructor'), false, 'no prototype key is a class');
    class Probe extends LayerBase {
      static className = 'MergeSummaryContractProbe';
    }
    // tfjs's own Layer.fromConfig builds it from its config, as for any layer.
    const seen = withTemporaryClasses({ MergeSummaryContractProbe: Probe as unknown as LayerConstructor & { fromConfig: unknown } }, () => {
      assert.ok(isRegistered('MergeSummaryContractProbe'));
      return deserialize<Layer>('MergeSummaryContractProbe', { name: 'probe' }).name;
    });
    assert.equal(seen, 'probe');
    assert.equal(isRegistered('MergeSummaryContractProbe'), false, 'taken out again');
  });

  it('tfjs\'s Bidirectional keeps its own trainable flag in the private `_trainable` (model/layers/recurrent.ts sets it to Keras\'s)', () => {
    // A rename would make that write a silent no-op: a frozen Bidirectional counted as trainable.
    const wrapper = deserialize<Layer>('Bidirectional', { layer: { className: 'SimpleRNN', config: { units: 2 } } });
    assert.equal((wrapper as unknown as { _trainable: unknown })._trainable, true);
    (wrapper as unknown as { _trainable: boolean })._trainable = false;
    assert.equal(wrapper.trainable, false);
  });

  it('Merge is the base of every merge layer (Add, Concatenate, ...)', () => {
    for (const make of [tfl.layers.add, tfl.layers.concatenate, tfl.layers.multiply, tfl.layers.average, tfl.layers.maximum, tfl.layers.minimum, tfl.layers.dot]) {
      assert.ok(make({ axes: 1 } as never) instanceof MergeBase);
    }
  });

  it('Wrapper is the base of TimeDistributed and Bidirectional; its fromConfig builds the wrapped layer from {className, config}', () => {
    const inner = { className: 'Dense', config: { units: 3, name: 'inner' } };
    for (const className of ['TimeDistributed', 'Bidirectional']) {
      const config = className === 'Bidirectional' ? { layer: { className: 'SimpleRNN', config: { units: 2 } } } : { layer: inner };
      const wrapper = deserialize<Layer & { layer: Layer }>(className, config);
      assert.ok(wrapper instanceof WrapperBase, className);
      assert.ok(wrapper.layer instanceof LayerBase, `${className} holds a layer`);
    }
  });

  it('a weight\'s dtype field only describes it: Keras\'s int8 replaces it while the value stays tfjs\'s float32', () => {
    useShapeOnlyBackend();
    const layer = tfl.layers.dense({ units: 2, name: 'described' });
    layer.build([null, 3]);
    const [kernel] = layer.weights;
    assert.equal(tfjsWeightDtype('int8'), 'float32');
    assert.equal(tfjsWeightDtype('int32'), 'int32');
    setKerasDtype(kernel, 'int8');
    assert.equal(kernel.dtype, 'int8');
    assert.equal(kernel.read().dtype, 'float32');
    assert.deepEqual(kernel.shape, [3, 2]);
  });

  it('a model keeps its graph as nodes by depth; a node knows its layer, inputs and shapes', () => {
    useShapeOnlyBackend();
    const a = tfl.input({ shape: [4], name: 'a' });
    const b = tfl.input({ shape: [4], name: 'b' });
    const shared = tfl.layers.dense({ units: 2, name: 'shared' });
    const merged = tfl.layers.concatenate({ name: 'joined' }).apply([shared.apply(a), shared.apply(b)] as never) as never;
    const model = tfl.model({ inputs: [a, b], outputs: merged, name: 'contract' });
    const order = nodesInExecutionOrder(model).map((node) => `${node.outboundLayer.name}#${nodeIndex(node)}`);
    assert.deepEqual(order.slice(-1), ['joined#0']);
    assert.ok(order.indexOf('shared#0') < order.indexOf('joined#0') && order.indexOf('shared#1') < order.indexOf('joined#0'));
    const joined = nodesInExecutionOrder(model).find((node) => node.outboundLayer.name === 'joined')!;
    assert.deepEqual(joined.inboundLayers.map((layer) => layer.name), ['shared', 'shared']);
    assert.deepEqual(joined.nodeIndices, [0, 1]);
    assert.deepEqual(joined.tensorIndices, [0, 0]);
    assert.deepEqual(joined.inputShapes, [[null, 2], [null, 2]]);
    assert.deepEqual(joined.outputShapes, [[null, 4]]);
    assert.equal(modelNodes(model).size, order.length);
    assert.deepEqual(outputReferences(model).map((ref) => [ref.layer.name, ref.node, ref.tensor]), [['joined', 0, 0]]);
    assert.ok(isContainer(model));
    assert.ok(!isContainer(shared));
  });

  it('what costs and profile read: a weight\'s name as its layer gave it, a node\'s tensors and call arguments, tf.profile\'s peak', async () => {
    useShapeOnlyBackend();
    const first = tfl.layers.dense({ units: 2, name: 'contract_dense' });
    first.apply(tfl.input({ shape: [3] }));
    const second = tfl.layers.dense({ units: 2, name: 'contract_dense' });
    second.apply(tfl.input({ shape: [3] }));
    // tfjs makes weight names unique across the process; the name the layer gave stays in originalName.
    assert.equal(second.weights[0].originalName, 'contract_dense/kernel');
    assert.notEqual(second.weights[0].name, second.weights[0].originalName);
    const input = tfl.input({ shape: [3] });
    const output = tfl.layers.dense({ units: 2 }).apply(input) as import('../src/model/tfjs.js').SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    const [node] = nodesInExecutionOrder(model).filter((n) => n.outboundLayer.getClassName() === 'Dense');
    assert.equal(node.inputTensors[0].id, model.inputs[0].id, 'a node reads the symbolic tensors of its inputs, by id');
    assert.equal(node.outputTensors[0].id, model.outputs[0].id);
    assert.equal(typeof node.callArgs, 'object');
    require('@tensorflow/tfjs-backend-cpu');
    await tfc.setBackend('cpu');
    try {
      // tfjs counts every backend's bytes together, the storage-less models' of earlier tests too: the peak is read above what was there before, as profile reads it.
      const before = tfc.memory().numBytes;
      const profile = await tfc.profile(() => tfc.dispose(tfc.add(tfc.ones([256]), tfc.ones([256]))));
      assert.equal(typeof profile.peakBytes, 'number');
      assert.ok(profile.peakBytes - before >= 3 * 256 * 4, `the peak holds both inputs and the sum (${profile.peakBytes} bytes, ${before} before)`);
    } finally {
      useShapeOnlyBackend();
    }
  });

  it('a call\'s keyword tensors (a Keras 3 mask): edges a model\'s graph follows, never inputs of the layer, also through RNN\'s own apply and a nested model\'s output shape', () => {
    useShapeOnlyBackend();
    registerKerasLayers();
    const build = () => {
      const ids = tfl.input({ shape: [5], name: 'contract_ids' });
      const embedded = tfl.layers.embedding({ inputDim: 10, outputDim: 4, name: 'contract_embedding' }).apply(ids) as SymbolicTensor;
      const mask = tfl.layers.dense({ units: 1, name: 'contract_mask' }).apply(ids) as SymbolicTensor;
      const lstm = tfl.layers.lstm({ units: 3, name: 'contract_lstm' });
      const sequence = lstm.apply([embedded, mask], { [KEYWORD_INPUTS]: ['mask'] }) as SymbolicTensor;
      // A Dense given a list of shapes would fail: what a nested model's output shape would meet without the guard.
      const output = tfl.layers.dense({ units: 2, name: 'contract_head' }).apply([sequence, mask], { [KEYWORD_INPUTS]: ['mask'] }) as SymbolicTensor;
      return { model: tfl.model({ inputs: ids, outputs: output, name: 'contract_keywords' }), lstm };
    };
    const { model, lstm } = build();
    // LSTM's apply is RNN's own, which would take a second input as an initial state.
    assert.ok(Object.prototype.hasOwnProperty.call(Object.getPrototypeOf(Object.getPrototypeOf(lstm)), 'apply'));
    const node = lstm.inboundNodes[0];
    assert.deepEqual(node.inboundLayers.map((layer) => layer.name), ['contract_embedding', 'contract_mask']);
    assert.equal(node.inputTensors.length, 1, 'the layer ran on its positional input alone');
    assert.deepEqual(keywordInputNames(node), ['mask']);
    assert.equal(positionalInputCount(node), 1);
    assert.deepEqual(lstm.trainableWeights.map((w) => w.shape), [[4, 12], [3, 12], [12]], 'an LSTM of 3 units on 4 features: no initial state was read');
    assert.ok(model.layers.some((layer) => layer.name === 'contract_mask'), "the mask's layer is in the model through the edge alone");
    // As a nested model its output shape comes from its calls' positional inputs.
    const outer = tfl.input({ shape: [5] });
    assert.deepEqual((model.apply(outer) as SymbolicTensor).shape, [null, 2]);
    // Its configuration keeps the keyword names beside the call: built again, the edge is an edge again.
    const again = deserialize<LayersModel>('Model', model.getConfig());
    const rebuilt = again.layers.find((layer) => layer.name === 'contract_lstm') as Layer;
    assert.deepEqual(keywordInputNames(rebuilt.inboundNodes[0]), ['mask']);
  });

  it('a Sequential builds its graph when asked; a model as its first layer lends it its graph', () => {
    useShapeOnlyBackend();
    const inner = tfl.sequential({ name: 'inner', layers: [tfl.layers.dense({ units: 3, inputShape: [2], name: 'd1' })] });
    const outer = tfl.sequential({ name: 'outer', layers: [inner, tfl.layers.dense({ units: 1, name: 'd2' })] });
    assert.deepEqual(outer.layers.map((layer) => layer.name), ['inner', 'd2']);
    const order = nodesInExecutionOrder(outer).map((node) => node.outboundLayer.name);
    assert.deepEqual(order.filter((name) => name !== order[0]), ['d1', 'd2'], 'the first model\'s layers are called directly');
  });

  it('the Container constructor is loaded with its linear-time edits, and still orders layers, finds cycles-free graphs and refuses repeated names as tfjs does', () => {
    assert.equal(containerEditsApplied, true, 'every edit of CONTAINER_EDITS found its one place in tfjs-layers');
    assert.equal(require('@tensorflow/tfjs-layers'), tfl, 'every require() of tfjs-layers gets the edited module');
    useShapeOnlyBackend();
    // A diamond and a shared layer: the order of model.layers is tfjs's traversal order, by depth.
    const input = tfl.input({ shape: [4], name: 'x' });
    const shared = tfl.layers.dense({ units: 4, name: 'shared' });
    const left = shared.apply(input) as SymbolicTensor;
    const right = tfl.layers.dense({ units: 4, name: 'right' }).apply(input) as SymbolicTensor;
    const again = shared.apply(right) as SymbolicTensor;
    const sum = tfl.layers.add({ name: 'sum' }).apply([left, again]) as SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: sum });
    assert.deepEqual(model.layers.map((layer) => layer.name), ['x', 'right', 'shared', 'sum']);
    // A tensor no input leads to is refused as before ("Graph disconnected"), and so are two layers of one name.
    const stray = tfl.input({ shape: [4], name: 'stray' });
    const lost = tfl.layers.add({ name: 'lost' }).apply([input, stray]) as SymbolicTensor;
    assert.throws(() => tfl.model({ inputs: input, outputs: lost }), /Graph disconnected: cannot obtain value for tensor/);
    const twin = tfl.layers.dense({ units: 4, name: 'shared' }).apply(sum) as SymbolicTensor;
    assert.throws(() => tfl.model({ inputs: input, outputs: twin }), /The name "shared" is used 2 times in the model/);
  });
});
