import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import YAML from 'yaml';

/**
 * Fuzz cases: specs from a grammar of Keras layers, Keras and TF.js JSON
 * made by mutating real model files, .keras archives, raw bytes and text,
 * each with a command line. A case is plain data (it crosses to worker
 * threads): files by name, arguments that name them as `@name`, and the
 * one file the command may write, if any.
 */
export interface FuzzCase {
  label: string;
  files: { name: string; content: string | Uint8Array }[];
  args: string[];
  /** The file the command may create or replace; every other file must stay as it was. */
  output?: string;
}

type Json = Record<string, unknown>;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Values that broke something once, or could: prototype names, extremes, wrong types, odd text. */
const HOSTILE: unknown[] = [
  null, 0, -1, -3, 1.5, 1e20, 2 ** 53, 2 ** 31, true, false, '', ' ', '-1', '3', 'constructor', '__proto__', 'toString', 'hasOwnProperty',
  'valueOf', 'my name', 'é', 'a:b', 'x'.repeat(300), [], {}, [[]], [null], ['x'], [0], [-1], [1, 2, 3], { class_name: 'constructor', config: {} },
  { args: [], kwargs: {} }, { args: null }, { class_name: 'Dense', config: {} },
];

/** Names that tfjs or a JavaScript object would take for something else. */
const ODD_NAMES = ['constructor', '__proto__', 'toString', 'my layer', 'é', 'a:b', 'x/y', '0', '-', 'name..1', 'x'.repeat(120)];

const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);

// ---------------------------------------------------------------- specs

interface Tensor {
  name: string;
  rank: number;
}

/** One layer entry of a spec, given the tensors defined above it. */
type LayerMaker = (g: fc.GeneratorValue, above: Tensor[]) => { entry: Json; rank: number };

const dim = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 4, max: 48 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(null) });
const small = fc.integer({ min: 1, max: 8 });
const last = (above: Tensor[]) => above[above.length - 1];

const ACTIVATIONS = ['relu', 'linear', 'softmax', 'sigmoid', 'tanh', 'gelu', 'silu', 'swish', 'elu'];

const LAYERS: Record<string, LayerMaker> = {
  Dense: (g, above) => ({ entry: { type: 'Dense', units: g(() => small), activation: g(() => pick(ACTIVATIONS)) }, rank: last(above).rank }),
  Conv1D: (g) => ({ entry: { type: 'Conv1D', filters: g(() => small), kernel_size: g(() => fc.integer({ min: 1, max: 5 })), padding: g(() => pick(['valid', 'same'])), strides: g(() => fc.integer({ min: 1, max: 3 })) }, rank: 3 }),
  Conv2D: (g) => ({ entry: { type: 'Conv2D', filters: g(() => small), kernel_size: g(() => fc.integer({ min: 1, max: 5 })), padding: g(() => pick(['valid', 'same'])), strides: g(() => fc.integer({ min: 1, max: 3 })) }, rank: 4 }),
  DepthwiseConv2D: (g) => ({ entry: { type: 'DepthwiseConv2D', kernel_size: g(() => fc.integer({ min: 1, max: 4 })) }, rank: 4 }),
  SeparableConv2D: (g) => ({ entry: { type: 'SeparableConv2D', filters: g(() => small), kernel_size: g(() => fc.integer({ min: 1, max: 4 })) }, rank: 4 }),
  Conv2DTranspose: (g) => ({ entry: { type: 'Conv2DTranspose', filters: g(() => small), kernel_size: g(() => fc.integer({ min: 1, max: 4 })), strides: g(() => fc.integer({ min: 1, max: 3 })) }, rank: 4 }),
  MaxPooling1D: (g) => ({ entry: { type: 'MaxPooling1D', pool_size: g(() => fc.integer({ min: 1, max: 4 })) }, rank: 3 }),
  MaxPooling2D: (g) => ({ entry: { type: 'MaxPooling2D', pool_size: g(() => fc.integer({ min: 1, max: 4 })), padding: g(() => pick(['valid', 'same'])) }, rank: 4 }),
  AveragePooling2D: (g) => ({ entry: { type: 'AveragePooling2D', pool_size: g(() => fc.integer({ min: 1, max: 4 })) }, rank: 4 }),
  GlobalAveragePooling1D: () => ({ entry: { type: 'GlobalAveragePooling1D' }, rank: 2 }),
  GlobalMaxPooling2D: () => ({ entry: { type: 'GlobalMaxPooling2D' }, rank: 2 }),
  GlobalAveragePooling3D: () => ({ entry: { type: 'GlobalAveragePooling3D' }, rank: 2 }),
  Flatten: () => ({ entry: { type: 'Flatten' }, rank: 2 }),
  Reshape: (g) => {
    const target = g(() => fc.array(fc.oneof(fc.integer({ min: 1, max: 16 }), fc.constant(-1)), { minLength: 1, maxLength: 3 }));
    return { entry: { type: 'Reshape', target_shape: target }, rank: target.length + 1 };
  },
  Permute: (g, above) => {
    const rank = last(above).rank;
    const dims = g(() => fc.shuffledSubarray(Array.from({ length: Math.max(1, rank - 1) }, (_, i) => i + 1), { minLength: Math.max(1, rank - 1), maxLength: Math.max(1, rank - 1) }));
    return { entry: { type: 'Permute', dims }, rank };
  },
  RepeatVector: (g) => ({ entry: { type: 'RepeatVector', n: g(() => small) }, rank: 3 }),
  Dropout: (g, above) => ({ entry: { type: 'Dropout', rate: g(() => pick([0, 0.25, 0.5])) }, rank: last(above).rank }),
  BatchNormalization: (_, above) => ({ entry: { type: 'BatchNormalization' }, rank: last(above).rank }),
  LayerNormalization: (_, above) => ({ entry: { type: 'LayerNormalization' }, rank: last(above).rank }),
  ReLU: (_, above) => ({ entry: { type: 'ReLU' }, rank: last(above).rank }),
  Activation: (g, above) => ({ entry: { type: 'Activation', activation: g(() => pick(ACTIVATIONS)) }, rank: last(above).rank }),
  Embedding: (g, above) => ({ entry: { type: 'Embedding', input_dim: g(() => fc.integer({ min: 1, max: 100 })), output_dim: g(() => small) }, rank: last(above).rank + 1 }),
  LSTM: (g) => {
    const sequences = g(() => fc.boolean());
    return { entry: { type: 'LSTM', units: g(() => small), return_sequences: sequences }, rank: sequences ? 3 : 2 };
  },
  GRU: (g) => ({ entry: { type: 'GRU', units: g(() => small) }, rank: 2 }),
  SimpleRNN: (g) => ({ entry: { type: 'SimpleRNN', units: g(() => small), return_sequences: true }, rank: 3 }),
  Bidirectional: (g) => ({ entry: { type: 'Bidirectional', layer: { class_name: 'LSTM', config: { units: g(() => small) } } }, rank: 2 }),
  TimeDistributed: (g, above) => ({ entry: { type: 'TimeDistributed', layer: { class_name: 'Dense', config: { units: g(() => small) } } }, rank: last(above).rank }),
  UpSampling1D: (g) => ({ entry: { type: 'UpSampling1D', size: g(() => fc.integer({ min: 1, max: 3 })) }, rank: 3 }),
  UpSampling2D: (g) => ({ entry: { type: 'UpSampling2D', size: g(() => fc.integer({ min: 1, max: 3 })) }, rank: 4 }),
  ZeroPadding2D: (g) => ({ entry: { type: 'ZeroPadding2D', padding: g(() => fc.integer({ min: 0, max: 3 })) }, rank: 4 }),
  Cropping1D: (g) => ({ entry: { type: 'Cropping1D', cropping: g(() => fc.integer({ min: 0, max: 3 })) }, rank: 3 }),
  Cropping2D: (g) => ({ entry: { type: 'Cropping2D', cropping: g(() => fc.integer({ min: 0, max: 3 })) }, rank: 4 }),
  CenterCrop: (g) => ({ entry: { type: 'CenterCrop', height: g(() => small), width: g(() => small) }, rank: 4 }),
  Softmax: (_, above) => ({ entry: { type: 'Softmax' }, rank: last(above).rank }),
};

/** The input ranks (with the batch) each layer takes in Keras; the grammar mostly picks a layer its input suits. */
const TAKES: Record<string, (rank: number) => boolean> = {
  Conv1D: (r) => r === 3, MaxPooling1D: (r) => r === 3, GlobalAveragePooling1D: (r) => r === 3, UpSampling1D: (r) => r === 3, Cropping1D: (r) => r === 3,
  LSTM: (r) => r === 3, GRU: (r) => r === 3, SimpleRNN: (r) => r === 3, Bidirectional: (r) => r === 3, TimeDistributed: (r) => r >= 3,
  Conv2D: (r) => r === 4, DepthwiseConv2D: (r) => r === 4, SeparableConv2D: (r) => r === 4, Conv2DTranspose: (r) => r === 4, MaxPooling2D: (r) => r === 4,
  AveragePooling2D: (r) => r === 4, GlobalMaxPooling2D: (r) => r === 4, UpSampling2D: (r) => r === 4, ZeroPadding2D: (r) => r === 4, Cropping2D: (r) => r === 4, CenterCrop: (r) => r === 4,
  GlobalAveragePooling3D: (r) => r === 5, RepeatVector: (r) => r === 2, Embedding: (r) => r === 2, Flatten: (r) => r >= 3, Permute: (r) => r >= 3,
};

const MERGES = ['Add', 'Concatenate', 'Multiply', 'Average', 'Maximum', 'Subtract', 'Dot'];

/** A spec from the grammar: inputs, then layers taking what is above them; merges take two or three. */
export const specDocument: fc.Arbitrary<Json> = fc.gen().map((g) => {
  const inputCount = g(() => fc.integer({ min: 1, max: 2 }));
  const inputs: Json[] = [];
  const tensors: Tensor[] = [];
  for (let i = 0; i < inputCount; i++) {
    const shape = g(() => fc.array(dim, { minLength: 1, maxLength: 4 }));
    const name = g(() => fc.oneof({ weight: 5, arbitrary: fc.constant(`in${i}`) }, { weight: 1, arbitrary: pick(ODD_NAMES) }));
    if (tensors.some((t) => t.name === name)) continue;
    inputs.push({ name, shape, ...(g(() => fc.boolean()) && g(() => fc.boolean()) ? { batch_size: g(() => small) } : {}) });
    tensors.push({ name, rank: shape.length + 1 });
  }
  const layers: Json[] = [];
  const count = g(() => fc.integer({ min: 1, max: 8 }));
  for (let i = 0; i < count; i++) {
    const name = g(() => fc.oneof({ weight: 6, arbitrary: fc.constant(`l${i}`) }, { weight: 1, arbitrary: pick(ODD_NAMES) }));
    if (tensors.some((t) => t.name === name)) continue;
    if (tensors.length >= 2 && g(() => fc.integer({ min: 0, max: 3 })) === 0) {
      const from = g(() => fc.shuffledSubarray(tensors.map((t) => t.name), { minLength: 2, maxLength: Math.min(3, tensors.length) }));
      const type = g(() => pick(MERGES));
      const axis = type === 'Concatenate' || type === 'Dot' ? { [type === 'Dot' ? 'axes' : 'axis']: g(() => fc.integer({ min: -3, max: 3 })) } : {};
      layers.push({ type, name, from, ...axis });
      tensors.push({ name, rank: Math.max(...from.map((f) => tensors.find((t) => t.name === f)?.rank ?? 2)) });
      continue;
    }
    const source = g(() => pick(tensors));
    const fitting = Object.keys(LAYERS).filter((type) => !Object.prototype.hasOwnProperty.call(TAKES, type) || TAKES[type](source.rank));
    const maker = g(() => fc.oneof({ weight: 9, arbitrary: pick(fitting) }, { weight: 1, arbitrary: pick(Object.keys(LAYERS)) }));
    const made = LAYERS[maker](g, [...tensors.filter((t) => t !== source), source]);
    layers.push({ ...made.entry, name, from: source.name });
    tensors.push({ name, rank: made.rank });
  }
  if (layers.length === 0) layers.push({ type: 'Dense', units: 2, from: tensors[0].name });
  return { ...(g(() => fc.boolean()) ? { name: g(() => fc.oneof(fc.constant('fuzzed'), pick(ODD_NAMES))) } : {}), inputs, layers };
});

// ---------------------------------------------------------------- mutations of parsed documents

/** Every path to a value in a document (keys and indexes), to pick one to change. */
function pathsOf(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  out.push(path);
  if (depth > 40) return out;
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...path, i], out, depth + 1));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out, depth + 1);
  return out;
}

function parentOf(root: unknown, path: (string | number)[]): [Record<string | number, unknown>, string | number] | undefined {
  if (path.length === 0) return undefined;
  let node = root as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  return [node, path[path.length - 1]];
}

function define(object: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/** One random change to a document, as data (applied later): a value replaced, a key or item removed, added or doubled, a name renamed everywhere. */
const mutation = fc.record({ where: fc.nat(), kind: fc.integer({ min: 0, max: 9 }), choice: fc.nat(), other: fc.nat() });

const NUMBER_CHANGES = [(n: number) => n + 1, (n: number) => n - 1, (n: number) => -n, (n: number) => n * 1000, () => 0, (n: number) => n + 0.5];
const NEW_KEYS = ['constructor', '__proto__', 'extra', 'name', 'class_name', 'config'];

function applyMutation(root: unknown, { where, kind, choice, other }: { where: number; kind: number; choice: number; other: number }): unknown {
  const paths = pathsOf(root);
  const path = paths[where % paths.length];
  const place = parentOf(root, path);
  const hostile = () => structuredClone(HOSTILE[choice % HOSTILE.length]);
  if (!place) return kind < 5 ? hostile() : root;
  const [parent, key] = place;
  const value = parent[key];
  switch (kind) {
    case 0:
    case 1:
    case 2:
      define(parent, key, hostile());
      break;
    case 3:
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 4:
      if (Array.isArray(parent)) parent.splice(Number(key), 0, structuredClone(value));
      else define(parent, NEW_KEYS[choice % NEW_KEYS.length], structuredClone(value));
      break;
    case 5:
      define(parent, key, typeof value === 'number' ? NUMBER_CHANGES[choice % NUMBER_CHANGES.length](value) : hostile());
      break;
    case 6:
      if (typeof value === 'string' && value.length > 0) {
        const renamed = ODD_NAMES[choice % ODD_NAMES.length];
        return JSON.parse(JSON.stringify(root).split(JSON.stringify(value)).join(JSON.stringify(renamed)));
      }
      define(parent, key, [value]);
      break;
    case 7:
      define(parent, key, Array.isArray(value) ? [] : value !== null && typeof value === 'object' ? {} : null);
      break;
    case 8:
      if (Array.isArray(parent) && parent.length > 1) {
        const swap = other % parent.length;
        [parent[Number(key)], parent[swap]] = [parent[swap], parent[Number(key)]];
      }
      break;
    default:
      define(parent, key, JSON.stringify(value) ?? null);
  }
  return root;
}

/** A document with a few mutations, or none. */
function mutated(document: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const changes = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) });
  return fc.tuple(document, changes).map(([doc, list]) => list.reduce(applyMutation, structuredClone(doc) as unknown));
}

// ---------------------------------------------------------------- text mutations

const INSERTED = ['{', '}', '[', ']', ':', '"', '\n', '- ', '&a ', '*a', '!!python/tuple ', '\u0000', 'é', '#'];

/** One change to a file's text, as data: cut at a point, a character inserted, a span deleted, a line doubled, a span repeated. */
const textMutation = fc.record({ at: fc.nat(), kind: fc.integer({ min: 0, max: 4 }), choice: fc.nat() });

function applyTextMutation(text: string, { at: where, kind, choice }: { at: number; kind: number; choice: number }): string {
  if (text.length === 0) return text;
  const at = where % text.length;
  switch (kind) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + INSERTED[choice % INSERTED.length] + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + (choice % 20));
    case 3: {
      const lines = text.split('\n');
      const line = choice % lines.length;
      lines.splice(line, 0, lines[line]);
      return lines.join('\n');
    }
    default:
      return text.slice(0, at) + text.slice(at, at + 40).repeat(2 + (choice % 4)) + text.slice(at + 40);
  }
}

function withTextMutations(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(text, fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(textMutation, { minLength: 1, maxLength: 2 }) })).map(([value, changes]) =>
    changes.reduce(applyTextMutation, value),
  );
}

// ---------------------------------------------------------------- Keras files

/** A spec as the Keras 2 functional configuration Keras would write for it (to_json). */
function kerasFromSpec(spec: Json): Json {
  const inputs = (spec.inputs as Json[]) ?? [];
  const layers: Json[] = inputs.map((input) => ({
    class_name: 'InputLayer',
    name: input.name,
    config: { name: input.name, batch_input_shape: [input.batch_size ?? null, ...(input.shape as unknown[])], dtype: 'float32' },
    inbound_nodes: [],
  }));
  let previous = String(inputs[0]?.name);
  for (const entry of (spec.layers as Json[]) ?? []) {
    const { type, name, from, ...args } = entry;
    const sources = Array.isArray(from) ? from : [from ?? previous];
    layers.push({ class_name: type, name, config: { name, ...args }, inbound_nodes: [sources.map((source) => [source, 0, 0, {}])] });
    previous = String(name);
  }
  return {
    class_name: 'Functional',
    config: { name: spec.name ?? 'fuzzed', layers, input_layers: inputs.map((input) => [input.name, 0, 0]), output_layers: [[previous, 0, 0]] },
    keras_version: '2.15.0',
  };
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Keras 3 configs kept in the repository; and the third-party models of ../shared when the fuzz run asks for them. */
export function kerasCorpus(withShared: boolean): unknown[] {
  const corpus = [
    readJson(join(ROOT, 'test', 'golden', 'keras3', 'seed-concat.config.json')),
    readJson(join(ROOT, 'test', 'golden', 'keras-printed', 'nested-frozen.json')),
  ];
  const shared = join(process.env.MERGE_SUMMARY_SHARED ?? join(ROOT, '..', 'shared'), 'real-models');
  if (withShared && existsSync(shared)) {
    for (const name of readdirSync(shared).filter((file) => file.endsWith('.json')).sort()) corpus.push(readJson(join(shared, name)));
  }
  return corpus;
}

/** A Keras or TF.js model document: a real one or one made from a spec, wrapped as TF.js sometimes, then mutated. */
function kerasDocument(corpus: unknown[]): fc.Arbitrary<unknown> {
  const base = fc.oneof(
    { weight: 2, arbitrary: pick(corpus).map((doc) => structuredClone(doc)) },
    { weight: 2, arbitrary: specDocument.map(kerasFromSpec) },
  );
  const wrapped = fc.tuple(base, fc.integer({ min: 0, max: 5 })).map(([doc, how]) => {
    if (how !== 0 || typeof doc !== 'object' || doc === null || 'modelTopology' in doc) return doc;
    return { format: 'layers-model', modelTopology: doc, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'dense/kernel', shape: [4, 2], dtype: 'float32' }] }] };
  });
  return mutated(wrapped);
}

// ---------------------------------------------------------------- cases

const SUMMARY_OPTIONS: string[][] = [['--json'], ['--json'], ['--json'], [], ['--format', 'markdown'], ['--width', '60'], ['--merges', 'all', '--json'], ['--allow-unknown', '--json'], ['--expand-nested']];

interface Command {
  args: string[];
  output?: string;
  other?: boolean;
}

const run = (args: string[], extra: Omit<Command, 'args'> = {}): fc.Arbitrary<Command> => fc.constant({ args, ...extra });

/** The command run on a model file `@model` (and a second one, `@other`). */
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 8, arbitrary: pick(SUMMARY_OPTIONS).map((options) => ({ args: ['@model', ...options] })) },
  { weight: 1, arbitrary: run(['diff', '@model', '@other', '--json'], { other: true }) },
  { weight: 1, arbitrary: pick(['100', '1M', '10']).map((budget) => ({ args: ['check', '@model', '--max-params', budget, '--json'] })) },
  { weight: 1, arbitrary: run(['check', '@model', '--write-baseline', '--baseline', '@baseline.json'], { output: 'baseline.json' }) },
  { weight: 1, arbitrary: pick(['picture.dot', 'picture.mmd']).map((out) => ({ args: ['graph', '@model', '-o', `@${out}`], output: out })) },
  { weight: 1, arbitrary: run(['graph', '@model', '-o', '@model']) },
  { weight: 1, arbitrary: run(['check', '@model', '--write-baseline', '--baseline', '@model']) },
);

/** Serialises a document as the file of a spec: YAML mostly, JSON sometimes, then perhaps damages the text. */
function specFile(document: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return withTextMutations(fc.tuple(document, fc.integer({ min: 0, max: 3 })).map(([doc, how]) => (how === 0 ? JSON.stringify(doc, null, 1) ?? 'null' : YAML.stringify(doc))));
}

function kerasFile(corpus: unknown[]): fc.Arbitrary<string> {
  return withTextMutations(fc.tuple(kerasDocument(corpus), fc.integer({ min: 0, max: 6 })).map(([doc, how]) => (how === 0 ? JSON.stringify(JSON.stringify(doc)) : JSON.stringify(doc)) ?? 'null'));
}

/** A .keras archive: the config (perhaps mutated), metadata, weights; sometimes damaged as a zip. */
function archive(corpus: unknown[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(kerasFile(corpus), fc.integer({ min: 0, max: 7 }), fc.nat(), fc.uint8Array({ maxLength: 64 }))
    .map(([config, how, at, noise]) => {
      const members: Record<string, Uint8Array> = {
        'metadata.json': new TextEncoder().encode('{"keras_version": "3.15.1", "date_saved": "2025-01-01@00:00:00"}'),
        'config.json': new TextEncoder().encode(config),
        'model.weights.h5': noise,
      };
      if (how === 1) delete members['config.json'];
      if (how === 2) members['../config.json'] = members['config.json'];
      if (how === 3) members['metadata.json'] = new Uint8Array(300_000).fill(32);
      const zip = zipSync(members, { level: how === 4 ? 0 : 6 });
      if (how === 5) return zip.subarray(0, at % zip.length);
      if (how === 6) {
        const damaged = zip.slice();
        damaged[at % damaged.length] ^= 0xff;
        return damaged;
      }
      return zip;
    });
}

/** Every kind of input, with a command, as a case. */
export function fuzzCase(options: { shared?: boolean } = {}): fc.Arbitrary<FuzzCase> {
  const corpus = kerasCorpus(Boolean(options.shared));
  const model = fc.oneof(
    { weight: 5, arbitrary: specFile(mutated(specDocument)).map((content) => ({ kind: 'spec', name: 'model.yaml', content: content as string | Uint8Array })) },
    { weight: 4, arbitrary: kerasFile(corpus).map((content) => ({ kind: 'keras', name: 'model.json', content: content as string | Uint8Array })) },
    { weight: 1, arbitrary: archive(corpus).map((content) => ({ kind: 'archive', name: 'model.keras', content: content as string | Uint8Array })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((content) => ({ kind: 'bytes', name: 'model.bin', content: content as string | Uint8Array })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((content) => ({ kind: 'text', name: 'model.yaml', content: content as string | Uint8Array })) },
  );
  return fc.tuple(model, model, command).map(([first, second, cmd]) => {
    const files = [{ name: first.name, content: first.content }];
    let args = cmd.args.map((arg) => (arg === '@model' ? `@${first.name}` : arg));
    if (cmd.other) {
      const otherName = `other-${second.name}`;
      files.push({ name: otherName, content: second.content });
      args = args.map((arg) => (arg === '@other' ? `@${otherName}` : arg));
    }
    // A file of the user's beside the model: no run may touch it.
    files.push({ name: 'notes.txt', content: 'my notes\n' });
    return { label: `${first.kind} ${args.filter((arg) => !arg.startsWith('@')).join(' ') || 'summary'}`.trim(), files, args, ...(cmd.output ? { output: cmd.output } : {}) };
  });
}
