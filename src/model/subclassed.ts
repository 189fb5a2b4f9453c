import { UserError } from '../core/errors.js';
import { formatCount } from '../core/numbers.js';
import type { Warning } from '../core/warnings.js';
import { parameterVariables } from '../readers/checkpoint-index.js';
import { readKerasTopology } from '../readers/keras-topology.js';
import type { SubclassedModel } from '../readers/savedmodel.js';
import { buildKerasModel } from './build-keras.js';
import { extractFacts } from './extract.js';
import type { LayerFacts, ModelFacts, WeightFact } from './facts.js';
import { weightWarnings } from './weights-check.js';

/**
 * The facts of a subclassed model, the way Keras 2 summarised one, made
 * exact: every layer is built alone from its configuration and recorded
 * build shape, so its parameters are Keras's; its output shape is that of
 * the recorded call (none for layers that recorded none, which have no
 * weights). There is no graph, so no connections and no merges. Every
 * layer's weights are checked against the checkpoint's variables, and
 * variables no layer owns are reported.
 */
export function subclassedFacts(model: SubclassedModel, options: { allowUnknown?: boolean }): ModelFacts {
  const layers: LayerFacts[] = [];
  const trainableWeights: WeightFact[] = [];
  const nonTrainableWeights: WeightFact[] = [];
  const warnings: Warning[] = [];
  const variables = parameterVariables(model.checkpoint);
  const owned = (attribute: string) => variables.filter((v) => v.key.startsWith(`${attribute}/`));
  for (const layer of model.layers) {
    const name = String(layer.config.name ?? layer.attribute);
    const config = model.trainable ? layer.config : { ...layer.config, trainable: false };
    const listed = owned(layer.attribute);
    if (layer.buildInputShape === undefined || layer.buildInputShape === null) {
      // Never built, or a class without a build() of its own: it has no weights, which the checkpoint must confirm.
      if (listed.length > 0) {
        throw new UserError(
          'model',
          `layer "${name}" (${layer.className}) of the subclassed model recorded no build shape, but the checkpoint holds ${listed.length} variables for it (${listed[0].key}, ...); its parameters cannot be counted`,
          { file: model.file },
        );
      }
      layers.push({ name, type: layer.className, calls: [{ index: 0, inputs: [], inputShapes: [], outputShapes: [[]] }], trainableWeights: [], nonTrainableWeights: [], trainable: true, config: {} });
      continue;
    }
    const shapes = isShapeList(layer.buildInputShape) ? layer.buildInputShape : [layer.buildInputShape];
    const inputs = shapes.map((shape, i) => ({ class_name: 'InputLayer', name: `${name}__input_${i}`, config: { name: `${name}__input_${i}`, batch_input_shape: shape }, inbound_nodes: [] }));
    const doc = {
      class_name: 'Functional',
      config: {
        name,
        layers: [...inputs, { class_name: layer.className, name, config, inbound_nodes: [inputs.map((input) => [input.name, 0, 0, {}])] }],
        input_layers: inputs.map((input) => [input.name, 0, 0]),
        output_layers: [[name, 0, 0]],
      },
    };
    const built = buildKerasModel(readKerasTopology(doc, model.file), { allowUnknown: Boolean(options.allowUnknown) });
    const facts = extractFacts(built);
    const alone = facts.layers.find((l) => l.name === name);
    if (!alone) throw new Error(`the layer "${name}" built alone is missing from its own facts`);
    layers.push({ ...alone, calls: alone.calls.map((call) => ({ ...call, inputs: [] })) });
    trainableWeights.push(...facts.trainableWeights);
    nonTrainableWeights.push(...facts.nonTrainableWeights);
    warnings.push(...facts.warnings);
    const params = [...alone.trainableWeights, ...alone.nonTrainableWeights].reduce((sum, w) => sum + w.shape.reduce((p, d) => p * d, 1), 0);
    const listing = { source: 'the checkpoint (variables/variables.index)', weights: listed.map((v) => ({ name: v.key, shape: v.shape, locator: { kind: 'names' as const, names: [name] } })) };
    if (listed.length > 0) warnings.push(...weightWarnings(built.model, listing));
    else if (params > 0) warnings.push({ code: 'weights-mismatch', layer: name, message: `layer "${name}" (${alone.type}) counts ${formatCount(params)} parameters but the checkpoint holds no variables for it` });
  }
  const known = [...model.layers.map((l) => l.attribute), ...model.metrics];
  const unowned = variables.filter((v) => !known.some((attribute) => v.key.startsWith(`${attribute}/`)));
  if (unowned.length > 0) {
    const values = unowned.reduce((sum, v) => sum + v.shape.reduce((product, dim) => product * dim, 1), 0);
    warnings.push({
      code: 'weights-mismatch',
      message: `the checkpoint holds ${unowned.length} variables (${formatCount(values)} values) that no layer of the model owns (${unowned.slice(0, 3).map((v) => v.key).join(', ')}${unowned.length > 3 ? ', ...' : ''}): weights the model made itself, which the totals leave out`,
    });
  }
  const metricNote = model.metrics.length > 0 ? ` The state of its ${model.metrics.length} metrics (${model.metrics.join(', ')}) is not counted.` : '';
  return {
    name: model.name,
    source: model.file,
    layers,
    trainableWeights,
    nonTrainableWeights,
    outputs: [],
    warnings,
    note:
      `Subclassed model (${model.className}): it saved no layer graph, so each layer is built alone from its configuration and the input shape it was built with; ` +
      `its output shape is that call's ("?" for layers that recorded none, which have no weights). No "Connected to" and no merge analysis; every layer's weights were checked against the checkpoint.${metricNote}`,
  };
}

function isShapeList(value: unknown): value is unknown[][] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => Array.isArray(item));
}
