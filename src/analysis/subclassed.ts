import { UserError } from '../errors.js';
import { buildKerasModel } from '../model/build-keras.js';
import { parameterVariables } from '../spec/checkpoint-index.js';
import { readKerasTopology } from '../spec/keras-config.js';
import type { SubclassedModel } from '../spec/savedmodel.js';
import { weightWarnings } from '../spec/weights-check.js';
import { summarize } from './collect.js';
import type { LayerSummary, ModelSummary, Totals } from './types.js';

/**
 * The summary Keras 2 gave a subclassed model, made exact: every layer is
 * built alone from its configuration and recorded build shape, so its
 * parameters are Keras's; its output shape is that of the recorded call ("?"
 * for layers that recorded none, which have no weights). There is no graph,
 * so no "Connected to" and no merge analysis. Every layer's weights are
 * checked against the checkpoint's variables, and variables no layer owns
 * are reported.
 */
export function summarizeSubclassed(model: SubclassedModel, options: { allowUnknown?: boolean }): ModelSummary {
  const rows: LayerSummary[] = [];
  const totals: Totals = { params: 0, trainable: 0, nonTrainable: 0, bytes: 0, trainableBytes: 0, nonTrainableBytes: 0 };
  const warnings: string[] = [];
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
          `layer "${name}" (${layer.className}) of the subclassed model recorded no build shape, but the checkpoint holds ${listed.length} variables for it (${listed[0].key}, ...); its parameters cannot be counted`,
          { file: model.file },
        );
      }
      rows.push({ name, type: layer.className, inputs: [], connections: [], inputShapes: [], outputShape: [], params: 0, trainable: 0, nonTrainable: 0, bytes: 0, dependsOnMerges: [] });
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
    const summary = summarize(built, { merges: false });
    const row = summary.layers.find((l) => l.name === name);
    if (!row) throw new Error(`the layer "${name}" built alone is missing from its own summary`);
    rows.push({ ...row, inputs: [], connections: [] });
    for (const key of Object.keys(totals) as (keyof Totals)[]) totals[key] += summary.totals[key];
    warnings.push(...summary.warnings);
    const listing = { source: 'the checkpoint (variables/variables.index)', weights: listed.map((v) => ({ name: v.key, shape: v.shape, locator: { kind: 'names' as const, names: [name] } })) };
    warnings.push(...(listed.length > 0 ? weightWarnings(built.model, listing) : row.params > 0 ? [`layer "${name}" (${row.type}) counts ${row.params.toLocaleString('en-US')} parameters but the checkpoint holds no variables for it`] : []));
  }
  const known = [...model.layers.map((l) => l.attribute), ...model.metrics];
  const unowned = variables.filter((v) => !known.some((attribute) => v.key.startsWith(`${attribute}/`)));
  if (unowned.length > 0) {
    const values = unowned.reduce((sum, v) => sum + v.shape.reduce((product, dim) => product * dim, 1), 0);
    warnings.push(
      `the checkpoint holds ${unowned.length} variables (${values.toLocaleString('en-US')} values) that no layer of the model owns (${unowned.slice(0, 3).map((v) => v.key).join(', ')}${unowned.length > 3 ? ', ...' : ''}): weights the model made itself, which the totals leave out`,
    );
  }
  const metricNote = model.metrics.length > 0 ? ` The state of its ${model.metrics.length} metrics (${model.metrics.join(', ')}) is not counted.` : '';
  return {
    schema: 'merge-summary/1',
    name: model.name,
    source: model.file,
    layers: rows,
    totals,
    merges: [],
    sequentialLike: true,
    warnings,
    note:
      `Subclassed model (${model.className}): it saved no layer graph, so each layer is built alone from its configuration and the input shape it was built with; ` +
      `its output shape is that call's ("?" for layers that recorded none, which have no weights). No "Connected to" and no merge analysis; every layer's weights were checked against the checkpoint.${metricNote}`,
  };
}

function isShapeList(value: unknown): value is unknown[][] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => Array.isArray(item));
}
