// Writes Keras 3 model JSON (the form model.to_json() gives) for the Keras
// Applications of test/golden/macs that have no spec in fixtures/, so that
// merge-summary can build them itself: MobileNetV2, InceptionV3,
// ConvNeXtTiny and EfficientNetB0. (MobileNetV3Large cannot be written this
// way: keras.applications computes its hard sigmoid as x + 3 and x × 1/6 on
// tensors, which Keras 3 records as operations with a constant, not as
// layers, and its recorded graph keeps only the tensor inputs.)
//
// The layers, their configurations and their wiring are Keras's own, as
// tools/keras-macs.py recorded them from keras.applications (weights=None)
// in test/golden/macs/keras-<Model>.json: every layer with its class and
// config, and the execution graph (tensor ids LAYER[CALL][OUTPUT]; the
// layers of a nested Sequential appear there as MODEL/LAYER). Nothing else
// goes in: the shapes and weights are left for the tool to find.
//
//     node tools/applications-json.mjs     (rewrites test/golden/macs/models/<Model>.json)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MODELS = ['MobileNetV2', 'InceptionV3', 'ConvNeXtTiny', 'EfficientNetB0'];
const golden = (name) => fileURLToPath(new URL(`../test/golden/macs/${name}`, import.meta.url));

/** "block_1_pad[0][0]" → ["block_1_pad", 0, 0] */
function history(id) {
  const match = /^(.*)\[(\d+)\]\[(\d+)\]$/.exec(id);
  if (!match) throw new Error(`not a tensor id: ${id}`);
  return [match[1], Number(match[2]), Number(match[3])];
}

const kerasTensor = (id, shapes) => ({ class_name: '__keras_tensor__', config: { shape: shapes.get(id), dtype: 'float32', keras_history: history(id) } });

function modelJson(doc) {
  const shapes = new Map(doc.graph.tensors.map((t) => [t.id, t.shape]));
  const calls = doc.graph.calls;
  const layers = doc.layers.map((layer) => {
    if (layer.type === 'InputLayer') return { class_name: 'InputLayer', name: layer.name, config: layer.config, inbound_nodes: [] };
    // A nested model's first inner call reads the nested model's input.
    const call = layer.nested ? calls.find((c) => c.name.startsWith(`${layer.name}/`)) : calls.find((c) => c.name === layer.name);
    if (!call) throw new Error(`${doc.model}: no call of ${layer.name}`);
    const inputs = call.inputs.map((id) => kerasTensor(id, shapes));
    const entry = { class_name: layer.type, name: layer.name, config: layer.config, inbound_nodes: [{ args: inputs.length === 1 ? inputs : [inputs], kwargs: {} }] };
    if (layer.nested) {
      entry.config = {
        name: layer.name,
        layers: [
          { class_name: 'InputLayer', config: { batch_shape: layer.inputShapes[0], name: `${layer.name}_input` } },
          ...layer.nested.map((inner) => ({ class_name: inner.type, config: inner.config })),
        ],
      };
    }
    return entry;
  });
  const inputs = doc.layers.filter((layer) => layer.type === 'InputLayer').map((layer) => [layer.name, 0, 0]);
  return {
    class_name: 'Functional',
    config: { name: doc.model, layers, input_layers: inputs, output_layers: doc.graph.outputs.map(history) },
  };
}

mkdirSync(golden('models'), { recursive: true });
for (const name of MODELS) {
  const doc = JSON.parse(readFileSync(golden(`keras-${name}.json`), 'utf8'));
  writeFileSync(golden(`models/${name}.json`), `${JSON.stringify(modelJson(doc))}\n`);
  console.log(`wrote test/golden/macs/models/${name}.json (${doc.layers.length} layers)`);
}
