// Writes the TensorFlow.js model.json fixtures of fixtures/files/ with
// TensorFlow.js itself (tfjs-layers 4.22 in Node: tf.sequential / tf.model,
// saved through an IO handler that keeps model.json and drops the weight
// data), and records each model's totals as tfjs counts them in
// fixtures/files/totals.json. test/model-files.test.ts summarises every file
// to those totals. Run again (node --import tsx tools/tfjs-model-files.ts)
// only to change the fixtures.
//
// Three files are formats no tool here writes (the Python tensorflowjs
// converter and tf-keras are not in this machine's package store): each is
// made from a file tfjs generated, by the change its entry in DERIVED says,
// and nothing else; see fixtures/files/README.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const tfc = require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
const tf = require('@tensorflow/tfjs-layers') as typeof import('@tensorflow/tfjs-layers');
require('@tensorflow/tfjs-backend-cpu');
// tensor.flatten() and the like, which the Orthogonal initializer of an LSTM uses (the full @tensorflow/tfjs package registers them).
require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');

type Json = Record<string, unknown>;
type Model = import('@tensorflow/tfjs-layers').LayersModel;

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'files');

/** A model's totals as tfjs counts them: every weight once; trainable ones from trainableWeights. */
function totals(model: Model): { params: number; trainable: number; nonTrainable: number } {
  const size = (weights: { shape: (number | null)[] }[]) => weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 0), 1), 0);
  const trainable = size(model.trainableWeights);
  return { params: model.countParams(), trainable, nonTrainable: model.countParams() - trainable };
}

/** model.json as tfjs's own save writes it (modelTopology, format, generatedBy, convertedBy, weightsManifest), without the weight data. */
async function modelJson(model: Model, shard: string): Promise<Json> {
  let saved: Json | undefined;
  await model.save({
    save: async (artifacts) => {
      saved = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [shard], weights: artifacts.weightSpecs }],
      };
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    },
  });
  return saved as Json;
}

/**
 * Teachable Machine's layout (tfjs-layers writes it): a Sequential of a
 * Sequential holding a functional feature extractor (a residual Add) and a
 * pooling, then a Sequential head. The extractor is frozen, as a transfer
 * learning base is: its weights count as non-trainable.
 */
function nestedFrozen(): Model {
  const input = tf.input({ shape: [32, 32, 3], name: 'image' });
  const stem = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'stem' }).apply(input) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const norm = tf.layers.batchNormalization({ name: 'stem_bn' }).apply(stem) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const relu = tf.layers.reLU({ maxValue: 6, name: 'stem_relu' }).apply(norm) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const branch = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'block_conv' }).apply(relu) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const added = tf.layers.add({ name: 'block_add' }).apply([relu, branch]) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const extractor = tf.model({ inputs: input, outputs: added, name: 'extractor' });
  // Frozen as the converters' files show it: every inner layer "trainable": false.
  for (const layer of extractor.layers) layer.trainable = false;
  const features = tf.sequential({ name: 'features', layers: [extractor, tf.layers.globalAveragePooling2d({ name: 'pool' })] });
  const head = tf.sequential({ name: 'head', layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8], name: 'hidden' }), tf.layers.dense({ units: 2, activation: 'softmax', name: 'classes' })] });
  return tf.sequential({ name: 'teachable', layers: [features, head] });
}

/**
 * A Sequential whose first layer is a functional model F (tfjs runs F's
 * layers in the Sequential's graph, never F itself) that calls a nested
 * functional model G holding an Add and a BatchNormalization: swapped for a
 * Concatenate, the Add doubles G's channels, so G's BatchNormalization, the
 * Dense after G in F, and F's own parameters all change.
 */
function inlinedNested(): Model {
  type Tensor = import('@tensorflow/tfjs-layers').SymbolicTensor;
  const gIn = tf.input({ shape: [4], name: 'g_in' });
  const d1 = tf.layers.dense({ units: 4, name: 'd1' }).apply(gIn) as Tensor;
  const d2 = tf.layers.dense({ units: 4, name: 'd2' }).apply(gIn) as Tensor;
  const added = tf.layers.add({ name: 'inner_add' }).apply([d1, d2]) as Tensor;
  const g = tf.model({ inputs: gIn, outputs: tf.layers.batchNormalization({ name: 'bn' }).apply(added) as Tensor, name: 'G' });
  const fIn = tf.input({ shape: [4], name: 'f_in' });
  const f = tf.model({ inputs: fIn, outputs: tf.layers.dense({ units: 2, name: 'f_dense' }).apply(g.apply(fIn) as Tensor) as Tensor, name: 'F' });
  return tf.sequential({ name: 'inlined_nested', layers: [f, tf.layers.dense({ units: 1, name: 'head' })] });
}

/** A small fully convolutional U-Net (inputs of any height and width): Conv2DTranspose and skip Concatenates. */
function unet(): Model {
  const input = tf.input({ shape: [null, null, 3], name: 'image' });
  const apply = (layer: import('@tensorflow/tfjs-layers').layers.Layer, x: unknown) => layer.apply(x as never) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const c1 = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'down1' }), input);
  const p1 = apply(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }), c1);
  const c2 = apply(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'down2' }), p1);
  const p2 = apply(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }), c2);
  const mid = apply(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', name: 'middle' }), p2);
  const u2 = apply(tf.layers.conv2dTranspose({ filters: 16, kernelSize: 2, strides: 2, padding: 'same', name: 'up2' }), mid);
  const m2 = apply(tf.layers.concatenate({ axis: 3, name: 'skip2' }), [u2, c2]);
  const u1 = apply(tf.layers.conv2dTranspose({ filters: 8, kernelSize: 2, strides: 2, padding: 'same', name: 'up1' }), m2);
  const m1 = apply(tf.layers.concatenate({ axis: 3, name: 'skip1' }), [u1, c1]);
  const out = apply(tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: 'mask' }), m1);
  return tf.model({ inputs: input, outputs: out, name: 'unet' });
}

/** An LSTM reading a 28x28 drawing row by row, then a Dense: the mnist-rows layout of Keras 2.0. */
function rowsLstm(): Model {
  return tf.sequential({
    layers: [tf.layers.lstm({ units: 32, inputShape: [28, 28], name: 'lstm_1' }), tf.layers.dense({ units: 10, activation: 'sigmoid', name: 'dense_1' })],
  });
}

/**
 * A seq2seq inference decoder: a token sequence and two state inputs, one
 * LSTM call on all three (initial state), three outputs (the sequence
 * softmax and the LSTM's two states, tensor indices 1 and 2).
 */
function decoder(): Model {
  const tokens = tf.input({ shape: [null], name: 'tokens' });
  const h = tf.input({ shape: [24], name: 'state_h' });
  const c = tf.input({ shape: [24], name: 'state_c' });
  const embedded = tf.layers.embedding({ inputDim: 50, outputDim: 12, name: 'embedding' }).apply(tokens) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const [sequence, stateH, stateC] = tf.layers.lstm({ units: 24, returnSequences: true, returnState: true, name: 'lstm' }).apply(embedded, { initialState: [h, c] }) as import('@tensorflow/tfjs-layers').SymbolicTensor[];
  const probabilities = tf.layers.dense({ units: 50, activation: 'softmax', name: 'vocabulary' }).apply(sequence) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  return tf.model({ inputs: [tokens, h, c], outputs: [probabilities, stateH, stateC], name: 'decoder' });
}

/**
 * A 2x super-resolution block in anime4k's layout: a residual Add after a
 * PReLU with shared axes, then 12 channels rearranged into a 2x larger
 * image of 3. tfjs has no DepthToSpace layer: the generated model has a
 * Reshape to the very shape DepthToSpace gives (same weights around it),
 * which DERIVED replaces by the TensorFlowOpLayer entry tf.keras 2 writes.
 */
function superResolution(): Model {
  const input = tf.input({ shape: [24, 24, 3], name: 'low_res' });
  const apply = (layer: import('@tensorflow/tfjs-layers').layers.Layer, x: unknown) => layer.apply(x as never) as import('@tensorflow/tfjs-layers').SymbolicTensor;
  const c1 = apply(tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', name: 'conv2d' }), input);
  const a1 = apply(tf.layers.prelu({ sharedAxes: [1, 2], name: 'p_re_lu' }), c1);
  const c2 = apply(tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', name: 'conv2d_1' }), a1);
  const sum = apply(tf.layers.add({ name: 'add' }), [a1, c2]);
  const up = apply(tf.layers.reshape({ targetShape: [48, 48, 3], name: 'tf_op_layer_DepthToSpace' }), sum);
  const out = apply(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'conv2d_2' }), up);
  return tf.model({ inputs: input, outputs: out, name: 'super_resolution' });
}

/** Keys in this order first, as the pre-1.0 converter wrote layer entries (name before class_name). */
function reorder(entry: Json, first: string[]): Json {
  const out: Json = {};
  for (const key of first) if (key in entry) out[key] = entry[key];
  for (const [key, value] of Object.entries(entry)) if (!(key in out)) out[key] = value;
  return out;
}

/** What each derived file changes in the file tfjs wrote; nothing else differs. */
const DERIVED: Record<string, { from: () => Model; change: string; apply: (doc: Json) => Json }> = {
  'tfjs-pre-format-unet': {
    from: unet,
    change: 'As the pre-1.0 Python converter wrote model.json: no "format", "generatedBy" or "convertedBy" keys; the topology under modelTopology.model_config; every layer entry with "name" before "class_name".',
    apply: (doc) => {
      const topology = doc.modelTopology as Json;
      const { keras_version, backend, ...model } = topology;
      const config = model.config as Json;
      config.layers = (config.layers as Json[]).map((layer) => reorder(layer, ['name', 'class_name']));
      return { modelTopology: { keras_version, backend, model_config: model }, weightsManifest: doc.weightsManifest };
    },
  },
  'tfjs-keras2-list-config': {
    from: rowsLstm,
    change: 'As Keras 2.0 wrote a Sequential: "config" is the bare list of layers (no "name", no "layers" key), with no InputLayer entry, the first layer carrying batch_input_shape; no "format" key (as its converter wrote).',
    apply: (doc) => {
      const topology = doc.modelTopology as Json;
      const layers = ((topology.config as Json).layers as Json[]).filter((layer) => layer.class_name !== 'InputLayer');
      const first = layers[0].config as Json;
      if (!Array.isArray(first.batch_input_shape)) throw new Error('the first layer of the generated Sequential has no batch_input_shape');
      return { modelTopology: { ...topology, config: layers }, weightsManifest: doc.weightsManifest };
    },
  },
  'tfjs-depth-to-space': {
    from: superResolution,
    change: 'The Reshape named tf_op_layer_DepthToSpace (to (48, 48, 3), the shape DepthToSpace gives) becomes the TensorFlowOpLayer entry tf.keras 2 writes for tf.nn.depth_to_space(x, 2): class_name TensorFlowOpLayer, config {name: "DepthToSpace", node_def: {op: "DepthToSpace", attr: {block_size: {i: "2"}, data_format: {s: base64 of "NHWC"}, T: {type: "DT_FLOAT"}}}, constants: {}}, the same inbound node.',
    apply: (doc) => {
      const config = (doc.modelTopology as Json).config as Json;
      config.layers = (config.layers as Json[]).map((layer) => {
        if (layer.name !== 'tf_op_layer_DepthToSpace') return layer;
        const inbound = (layer.inbound_nodes as unknown[][][])[0][0][0] as string;
        return {
          class_name: 'TensorFlowOpLayer',
          config: {
            name: 'DepthToSpace',
            trainable: true,
            dtype: 'float32',
            node_def: {
              name: 'DepthToSpace',
              op: 'DepthToSpace',
              input: [`${inbound}/Identity`],
              attr: { block_size: { i: '2' }, data_format: { s: Buffer.from('NHWC').toString('base64') }, T: { type: 'DT_FLOAT' } },
            },
            constants: {},
          },
          name: layer.name,
          inbound_nodes: layer.inbound_nodes,
        };
      });
      return doc;
    },
  },
};

/** Files written by tfjs exactly as it saves them. */
const GENERATED: Record<string, { build: () => Model; what: string }> = {
  'tfjs-nested-frozen': { build: nestedFrozen, what: 'Saved by tfjs-layers (format "layers-model", topology without model_config): Sequential → Sequential[frozen functional extractor with an Add, GlobalAveragePooling2D] → Sequential head; ReLU max_value 6.' },
  'tfjs-inlined-nested': { build: inlinedNested, what: 'Saved by tfjs-layers: a Sequential whose first layer is a functional model F calling a nested functional model G (Dense, Dense, Add, BatchNormalization), then a Dense head.' },
  'tfjs-seq2seq-decoder': { build: decoder, what: 'Saved by tfjs-layers: three inputs, one LSTM call on the sequence and two initial states, three outputs (tensor indices 0, 1, 2 of the LSTM and the Dense).' },
};

async function main(): Promise<void> {
  tfc.setBackend('cpu');
  const totalsPath = join(OUT, 'totals.json');
  const recorded = JSON.parse(readFileSync(totalsPath, 'utf8')) as Record<string, Json>;
  for (const [name, { build, what }] of Object.entries(GENERATED)) {
    const model = build();
    write(name, await modelJson(model, `${name}.weights.bin`));
    recorded[`${name}/model.json`] = { ...totals(model), source: 'tfjs-layers 4.22.0 (countParams, trainableWeights)', how: what };
  }
  for (const [name, { from, change, apply }] of Object.entries(DERIVED)) {
    const model = from();
    write(name, apply(await modelJson(model, `${name}.weights.bin`)));
    recorded[`${name}/model.json`] = { ...totals(model), source: 'tfjs-layers 4.22.0 (countParams, trainableWeights) of the model generated', how: `Derived from the model.json tfjs-layers saved. ${change}` };
  }
  writeFileSync(totalsPath, `${JSON.stringify(sortKeys(recorded), null, 2)}\n`);
}

function write(name: string, doc: Json): void {
  mkdirSync(join(OUT, name), { recursive: true });
  writeFileSync(join(OUT, name, 'model.json'), `${JSON.stringify(doc)}\n`);
  console.log(`wrote fixtures/files/${name}/model.json`);
}

function sortKeys(record: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

await main();
