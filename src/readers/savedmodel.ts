import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UserError, isObject } from '../core/errors.js';
import { parameterVariables, readCheckpointIndex, type CheckpointVariable } from './checkpoint-index.js';
import type { WeightListing } from './weight-listing.js';

const require = createRequire(import.meta.url);

type Json = Record<string, unknown>;

/**
 * keras_metadata.pb's message, as tf.keras declares it
 * (keras/protobuf/saved_metadata.proto), built here instead of generated:
 * SavedMetadata { repeated SavedObject nodes = 1 }, each SavedObject with
 * node_id 2, node_path 3, identifier 4, metadata 5 (a JSON string) and
 * version 6.
 */
const SAVED_METADATA = {
  nested: {
    SavedMetadata: { fields: { nodes: { rule: 'repeated', type: 'SavedObject', id: 1 } } },
    SavedObject: {
      fields: {
        node_id: { type: 'int32', id: 2 },
        node_path: { type: 'string', id: 3 },
        identifier: { type: 'string', id: 4 },
        metadata: { type: 'string', id: 5 },
        version: { type: 'VersionDef', id: 6 },
      },
    },
    VersionDef: { fields: { producer: { type: 'int32', id: 1 }, min_consumer: { type: 'int32', id: 2 }, bad_consumers: { rule: 'repeated', type: 'int32', id: 3 } } },
  },
};

/** One object of the Keras object graph: the model ("root"), its layers ("root.layer-1"), metrics, ... */
export interface MetadataNode {
  nodeId: number;
  nodePath: string;
  /** _tf_keras_network, _tf_keras_sequential, _tf_keras_model, _tf_keras_layer, _tf_keras_input_layer, _tf_keras_rnn_layer, _tf_keras_metric */
  identifier: string;
  /** The node's metadata JSON, with tuples and TensorShapes as plain lists. */
  metadata: Json;
  /** The JSON as written, for locating errors. */
  text: string;
}

/**
 * What a folder given as a model holds: a SavedModel's Keras configuration
 * (the root object's metadata, in to_json()'s form, with the text to locate
 * errors in and the checkpoint's weights to check it against), or the layers
 * of a subclassed model. A folder that is not a SavedModel, or a SavedModel
 * without Keras metadata, is refused.
 */
export function readSavedModelFolder(
  dir: string,
  file: string,
): { kind: 'graph'; doc: Json; member: string; text: string; weights?: WeightListing } | { kind: 'subclassed'; model: SubclassedModel } {
  if (!isSavedModelFolder(dir)) {
    throw new UserError('not-a-model', 
      `cannot read the model: it is a folder, but not a TensorFlow SavedModel (${describeFolder(dir)}); expected a model file, or a SavedModel folder holding saved_model.pb and keras_metadata.pb`,
      { file },
    );
  }
  const nodes = readKerasMetadata(dir, file);
  const [root] = nodes;
  const doc = rootModelDocument(root);
  const index = join(dir, 'variables', 'variables.index');
  const indexName = `${file}/variables/variables.index`;
  if (!doc) return { kind: 'subclassed', model: subclassedModel(nodes, file, existsSync(index) ? readCheckpointIndex(index, indexName) : undefined) };
  // Without its checkpoint the folder still describes the model; that its weights went unchecked is said, never passed over.
  const weights: WeightListing = existsSync(index)
    ? checkpointListing(nodes, readCheckpointIndex(index, indexName))
    : { source: 'the checkpoint (variables/variables.index)', weights: [], unchecked: 'The weights were not checked against the model: this SavedModel folder has no variables/variables.index.' };
  return { kind: 'graph', doc, member: `${file}/keras_metadata.pb`, text: root.text, weights };
}

/**
 * A subclassed model saves no layer graph, only its layers' configurations
 * and build shapes; they are counted one by one and checked against the
 * checkpoint, which must therefore be there.
 */
function subclassedModel(nodes: MetadataNode[], file: string, checkpoint: CheckpointVariable[] | undefined): SubclassedModel {
  const [root] = nodes;
  const className = String(root.metadata.class_name);
  const member = `${file}/keras_metadata.pb`;
  if (!checkpoint) {
    throw new UserError('not-a-model', 
      `a subclassed Keras model ("${className}"): it saved no layer graph, only its layers, whose counts are checked against the checkpoint's variables/variables.index, which this folder lacks; pass the folder as saved, or the model's to_json() if it has one`,
      { file: member },
    );
  }
  const { layers, metrics } = subclassedChildren(nodes, member);
  return {
    name: String(root.metadata.name ?? className),
    className,
    file,
    trainable: root.metadata.trainable !== false,
    layers: layers.map((node) => subclassedLayer(node.nodePath, node.metadata, member)),
    metrics: metrics.map((node) => node.nodePath.replace(/^root\./, '').replace(/\./g, '/')),
    checkpoint,
  };
}

/** A TensorFlow SavedModel folder: saved_model.pb (or .pbtxt) is what makes one. */
export function isSavedModelFolder(dir: string): boolean {
  return existsSync(join(dir, 'saved_model.pb')) || existsSync(join(dir, 'saved_model.pbtxt'));
}

/** What a folder given as a model holds, for the message when it is not a SavedModel. */
export function describeFolder(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    return `it cannot be listed (${(error as Error).message})`;
  }
  if (names.length === 0) return 'it is empty';
  return `it holds ${names.slice(0, 6).join(', ')}${names.length > 6 ? `, … (${names.length} entries)` : ''}`;
}

/**
 * Reads the Keras metadata of a SavedModel folder (tf.keras 2.5 to 2.15 write
 * keras_metadata.pb beside saved_model.pb): every object of the Keras object
 * graph with its metadata, the root (the model) first. A SavedModel without
 * it holds a TensorFlow graph and no Keras configuration, and says so.
 */
export function readKerasMetadata(dir: string, file: string): MetadataNode[] {
  const path = join(dir, 'keras_metadata.pb');
  if (!existsSync(path)) {
    throw new UserError('not-a-model', 
      `a TensorFlow SavedModel without Keras metadata: there is no keras_metadata.pb beside saved_model.pb, so it holds a TensorFlow graph but no Keras model configuration (tf.keras 2.5 to 2.15 write keras_metadata.pb with model.save(folder); a model saved with tf.saved_model.save, or by other tools, has none); pass the model's to_json(), .h5 or .keras file instead`,
      { file },
    );
  }
  // Loaded here, not at start-up: only SavedModels need it.
  const protobuf = require('protobufjs/light') as typeof import('protobufjs/light.js');
  const type = protobuf.Root.fromJSON(SAVED_METADATA).lookupType('SavedMetadata');
  let decoded: { nodes?: { node_id?: number; node_path?: string; identifier?: string; metadata?: string }[] };
  try {
    decoded = type.toObject(type.decode(readFileSync(path)), { defaults: true }) as typeof decoded;
  } catch (error) {
    throw new UserError('not-a-model', `keras_metadata.pb is not a Keras SavedMetadata message (truncated or damaged?): ${(error as Error).message}`, { file: `${file}/keras_metadata.pb` });
  }
  const nodes = (decoded.nodes ?? []).map((node, i) => {
    const text = node.metadata ?? '';
    let metadata: unknown;
    try {
      metadata = JSON.parse(text, plainTuples);
    } catch (error) {
      throw new UserError('not-a-model', `keras_metadata.pb: the metadata of node ${node.node_path || i} is not JSON: ${(error as Error).message}`, { file: `${file}/keras_metadata.pb` });
    }
    return { nodeId: node.node_id ?? 0, nodePath: node.node_path ?? '', identifier: node.identifier ?? '', metadata: (metadata ?? {}) as Json, text };
  });
  const root = nodes.find((node) => node.nodePath === 'root');
  if (!root) throw new UserError('not-a-model', 'keras_metadata.pb has no "root" object (the model)', { file: `${file}/keras_metadata.pb` });
  return [root, ...nodes.filter((node) => node !== root)];
}

/**
 * The model configuration of the root object, in to_json()'s form
 * ({class_name, config, keras_version, backend}), or undefined for a
 * subclassed model, which saves no configuration.
 */
export function rootModelDocument(root: MetadataNode): Json | undefined {
  const metadata = root.metadata;
  const modelConfig = metadata.model_config;
  const config = isObject(modelConfig) && modelConfig.config !== undefined ? modelConfig.config : metadata.config;
  if (!isObject(config) || config['layer was saved without config'] === true || metadata.is_graph_network === false) return undefined;
  const className = isObject(modelConfig) && typeof modelConfig.class_name === 'string' ? modelConfig.class_name : metadata.class_name;
  return { class_name: className, config, keras_version: metadata.keras_version, backend: metadata.backend };
}

/**
 * The checkpoint's parameters as a weight listing: each variable's object
 * path (layer_with_weights-0/layer_with_weights-3/kernel) runs through the
 * objects of keras_metadata.pb, whose names locate its layer. Variables
 * reached first through a model's `variables` list (variables/7) name no
 * layer; then only the totals can be compared.
 */
export function checkpointListing(nodes: MetadataNode[], variables: CheckpointVariable[]): WeightListing {
  const byPath = new Map(nodes.map((node) => [node.nodePath, node]));
  const weights = parameterVariables(variables).map((variable) => {
    const parts = variable.key.split('/.ATTRIBUTES/')[0].split('/');
    const names: string[] = [];
    for (let i = 1; i <= parts.length; i++) {
      const node = byPath.get(['root', ...parts.slice(0, i)].join('.'));
      if (node && typeof node.metadata.name === 'string' && node.identifier !== '_tf_keras_metric') names.push(node.metadata.name);
    }
    return { name: variable.key, shape: variable.shape, locator: { kind: 'names' as const, names } };
  });
  return { source: 'the checkpoint (variables/variables.index)', weights, byTotal: weights.some((w) => w.locator.names.length === 0) };
}

/** Identifiers of Keras models in keras_metadata.pb. */
const MODEL_IDENTIFIERS = new Set(['_tf_keras_network', '_tf_keras_sequential', '_tf_keras_model']);

/**
 * The objects a subclassed model holds directly: each Keras object whose
 * nearest Keras ancestor in the object graph is the model (root.conv0, or
 * root.blocks.0 for a layer in a list), split into layers and metrics. A
 * model held by the model is refused: it would need its own graph built.
 */
export function subclassedChildren(nodes: MetadataNode[], file: string): { layers: MetadataNode[]; metrics: MetadataNode[] } {
  const paths = new Set(nodes.map((node) => node.nodePath));
  const parentOf = (path: string) => {
    for (let cut = path.lastIndexOf('.'); cut > 0; cut = path.lastIndexOf('.', cut - 1)) {
      if (paths.has(path.slice(0, cut))) return path.slice(0, cut);
    }
    return undefined;
  };
  const children = nodes.filter((node) => node.nodePath !== 'root' && parentOf(node.nodePath) === 'root');
  const nested = children.find((node) => MODEL_IDENTIFIERS.has(node.identifier));
  if (nested) {
    throw new UserError('not-a-model', `the subclassed model holds a model ("${nested.nodePath}", ${String(nested.metadata.class_name)}); summaries of models inside subclassed models are not supported`, { file });
  }
  return {
    layers: children.filter((node) => node.identifier !== '_tf_keras_metric'),
    metrics: children.filter((node) => node.identifier === '_tf_keras_metric'),
  };
}

/**
 * tf.keras writes a Python tuple as {"class_name": "__tuple__", "items": [...]}
 * and a TensorShape as {"class_name": "TensorShape", "items": [...]}; both
 * are plain lists in a to_json() file.
 */
function plainTuples(_key: string, value: unknown): unknown {
  if (isObject(value) && (value.class_name === '__tuple__' || value.class_name === 'TensorShape') && Array.isArray(value.items)) return value.items;
  return value;
}

/**
 * A subclassed Keras model read from a SavedModel: no layer graph, only the
 * layers it holds as attributes, each with its configuration and, when it
 * was built, the input shape it was built with (tf.keras records it for
 * every layer whose class has its own build(), which is where weights are
 * made), and the checkpoint's list of variables.
 */
export interface SubclassedModel {
  name: string;
  className: string;
  file: string;
  /** The model's own trainable flag: false freezes every layer. */
  trainable: boolean;
  layers: SubclassedLayer[];
  /** Attributes holding metrics (their state variables are not parameters). */
  metrics: string[];
  checkpoint: CheckpointVariable[];
}

export interface SubclassedLayer {
  /** The attribute path the model holds it under (conv0, blocks/0): its checkpoint keys start with it. */
  attribute: string;
  className: string;
  config: Json;
  buildInputShape?: unknown;
}

/** The SubclassedLayer of a keras_metadata.pb node: its attribute path, class, configuration and build shape. */
export function subclassedLayer(nodePath: string, metadata: Json, file: string): SubclassedLayer {
  const config = metadata.config;
  const className = String(metadata.class_name);
  if (!isObject(config) || config['layer was saved without config'] === true) {
    throw new UserError('not-a-model', `layer "${String(metadata.name)}" (${className}) of the subclassed model is itself subclassed (saved without a configuration); its parameters cannot be known`, { file });
  }
  return { attribute: nodePath.replace(/^root\./, '').replace(/\./g, '/'), className, config, buildInputShape: metadata.build_input_shape };
}
