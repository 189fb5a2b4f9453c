import { UserError, isObject, quoteValue, setOwn, suggest, type DocPath, type SourceLocation } from '../core/errors.js';
import type { Dim, InputNode, LayerCall, ModelGraph, TensorRef } from './graph.js';
import { callLabel, describeRef } from './graph.js';
import { canonicalClass, printedClass } from '../core/keras-classes.js';
import { INPUT_PREFIX, KerasNamer, kerasSnakeCase } from '../core/keras-names.js';
import { resolveLocation } from './locate.js';
import { MAX_RANK } from '../core/shapes.js';

export const TOP_LEVEL_KEYS = ['name', 'inputs', 'layers', 'outputs'];
export const INPUT_KEYS = ['name', 'shape', 'dtype', 'batch_size', 'batchSize'];
export const USE_KEYS = ['use', 'from', 'name'];
/** Keras dtypes an Input may declare. */
export const INPUT_DTYPES = [
  'float16', 'bfloat16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64',
  'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string',
];

type Mapping = Record<string, unknown>;

/** Reads a merge-summary spec (../shared/model-spec.md), already parsed, into a model graph. */
export function readSpec(document: unknown, file: string, source: string): ModelGraph {
  return new SpecReader(file, source).read(document);
}



class SpecReader {
  /** Labels defined so far, with where. */
  private readonly defined = new Map<string, SourceLocation>();
  /** Every name the spec writes explicitly, with where (for forward references). */
  private readonly explicitNames = new Map<string, SourceLocation>();
  /** How many times each layer has been called so far. */
  private readonly callCounts = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly source: string,
  ) {}

  private at(path: DocPath, part: 'key' | 'value' = 'value'): SourceLocation {
    return { file: this.file, path, part };
  }

  read(top: unknown): ModelGraph {
    const topAt = this.at([]);
    if (!isObject(top)) {
      const found = Array.isArray(top) ? 'a list' : top === null || top === undefined ? 'nothing' : 'a single value';
      throw new UserError('spec', `a model spec must be a mapping with "inputs" and "layers"; found ${found}`, topAt);
    }
    this.checkKeys(top, [], TOP_LEVEL_KEYS, 'the model spec');
    const name = top.name === undefined ? undefined : this.string(top.name, ['name'], '"name"');
    this.collectExplicitNames(top);
    const namer = new KerasNamer(new Set(this.explicitNames.keys()));
    const inputs = this.readInputs(top, namer);
    const calls = this.readLayers(top, inputs, namer);
    const outputs = this.readOutputs(top, calls);
    return { name: name ?? baseName(this.source), source: this.source, inputs, calls, outputs, at: topAt };
  }

  private collectExplicitNames(top: Mapping): void {
    for (const section of ['inputs', 'layers']) {
      const list = top[section];
      if (!Array.isArray(list)) continue;
      list.forEach((item, i) => {
        if (!isObject(item) || typeof item.name !== 'string') return;
        const at = this.at([section, i, 'name']);
        const first = this.explicitNames.get(item.name);
        if (first) throw this.duplicate(item.name, first, at);
        this.explicitNames.set(item.name, at);
      });
    }
  }

  private readInputs(top: Mapping, namer: KerasNamer): InputNode[] {
    const list = top.inputs;
    if (list === undefined) throw new UserError('spec', 'the spec has no "inputs"; list at least one input with its shape', this.at([]));
    if (!Array.isArray(list) || list.length === 0) {
      throw new UserError('spec', '"inputs" must be a non-empty list of inputs, each with a "shape"', this.at(['inputs']));
    }
    return list.map((item, i) => {
      const path = ['inputs', i];
      const at = this.at(path);
      if (!isObject(item)) throw new UserError('spec', `input ${i + 1} must be a mapping with a "shape"`, at);
      this.checkKeys(item, path, INPUT_KEYS, `input ${i + 1}`);
      const name = item.name === undefined ? namer.next(INPUT_PREFIX) : this.string(item.name, [...path, 'name'], '"name"');
      const what = `input "${name}"`;
      if (item.shape === undefined) {
        throw new UserError('spec', `${what} has no "shape" (the shape without the batch dimension, e.g. [32, 32, 3])`, at);
      }
      const shape = this.shape(item.shape, [...path, 'shape'], what);
      const dtype = item.dtype === undefined ? 'float32' : this.string(item.dtype, [...path, 'dtype'], `${what} "dtype"`);
      if (!INPUT_DTYPES.includes(dtype)) {
        throw new UserError('spec', `${what}: unknown dtype "${dtype}"${suggest(dtype, INPUT_DTYPES)}`, this.at([...path, 'dtype']));
      }
      const batchKey = item.batch_size !== undefined ? 'batch_size' : 'batchSize';
      const batchSize = item[batchKey] === undefined ? undefined : this.positiveInteger(item[batchKey], [...path, batchKey], `${what} "batch_size"`);
      this.define(name, at);
      return { name, shape, dtype, batchSize, at };
    });
  }

  private readLayers(top: Mapping, inputs: InputNode[], namer: KerasNamer): LayerCall[] {
    const list = top.layers;
    if (list === undefined) throw new UserError('spec', 'the spec has no "layers"; list the layers applied to the inputs', this.at([]));
    if (!Array.isArray(list) || list.length === 0) {
      throw new UserError('spec', '"layers" must be a non-empty list of layers, each with a "type"', this.at(['layers']));
    }
    const calls: LayerCall[] = [];
    const layerNames = new Set<string>();
    list.forEach((item, i) => {
      const path = ['layers', i];
      const at = this.at(path);
      if (!isObject(item)) throw new UserError('spec', `layer ${i + 1} must be a mapping with a "type"`, at);
      const previous = calls[calls.length - 1];
      const above: TensorRef | undefined = previous
        ? { label: previous.label, at }
        : inputs.length === 1
          ? { label: inputs[0].name, at }
          : undefined;
      if (item.use !== undefined) {
        calls.push(this.readUse(item, path, layerNames, above));
        return;
      }
      if (item.type === undefined) {
        throw new UserError('spec', `layer ${i + 1} has no "type" (the Keras layer class, e.g. Conv2D), nor "use" to apply a layer again`, at);
      }
      const type = this.string(item.type, [...path, 'type'], '"type"');
      // Keras names the layers a wrapper wraps when they are made, before the wrapper itself.
      const named = nameInnerLayers(item, namer);
      const name = item.name === undefined ? namer.next(kerasSnakeCase(printedClass(canonicalClass(type)))) : this.string(item.name, [...path, 'name'], '"name"');
      const from = this.readFrom(item, path, name, above, inputs.length);
      const args: Record<string, unknown> = {};
      const argLocations: Record<string, SourceLocation> = {};
      for (const [key, value] of Object.entries(named)) {
        if (key === 'type' || key === 'name' || key === 'from') continue;
        setOwn(args, key, value);
        setOwn(argLocations, key, this.at([...path, key], 'key'));
      }
      this.define(name, at);
      layerNames.add(name);
      calls.push({
        label: name,
        layer: name,
        index: 0,
        definition: { kind: 'spec', name, type, args, argLocations, at, typeAt: this.at([...path, 'type']) },
        from,
        at,
      });
    });
    return calls;
  }

  private readUse(item: Mapping, path: DocPath, layerNames: Set<string>, above: TensorRef | undefined): LayerCall {
    this.checkKeys(item, path, USE_KEYS, 'a "use" entry');
    const at = this.at(path);
    const layer = this.string(item.use, [...path, 'use'], '"use"');
    if (!layerNames.has(layer)) {
      const why = this.defined.has(layer) ? `"${layer}" is an input, not a layer` : `no layer "${layer}" is defined above`;
      throw new UserError('spec', `use: ${why}; "use" applies an already defined layer again${suggest(layer, layerNames)}`, this.at([...path, 'use']));
    }
    const index = this.callCounts.get(layer) ?? 1;
    this.callCounts.set(layer, index + 1);
    const label = item.name === undefined ? callLabel(layer, index) : this.string(item.name, [...path, 'name'], '"name"');
    const from = this.readFrom(item, path, label, above, 0);
    this.define(label, at);
    return { label, layer, index, from, at };
  }

  private readFrom(item: Mapping, path: DocPath, self: string, above: TensorRef | undefined, inputCount: number): TensorRef[] {
    if (item.from === undefined) {
      if (above) return [above];
      throw new UserError('spec', `the first layer needs "from" because the model has ${inputCount} inputs; name the input it takes`, this.at(path));
    }
    const fromPath = [...path, 'from'];
    if (!Array.isArray(item.from)) return [this.tensorRef(item.from, fromPath, self)];
    if (item.from.length === 0) throw new UserError('spec', '"from" is an empty list; name at least one input or layer', this.at(fromPath));
    return item.from.map((ref, i) => this.tensorRef(ref, [...fromPath, i], self));
  }

  private tensorRef(value: unknown, path: DocPath, self: string | undefined): TensorRef {
    const at = this.at(path);
    const text = this.string(value, path, 'a reference');
    const match = /^(.*)\[(\d+)\]$/.exec(text);
    const ref: TensorRef = match ? { label: match[1], index: Number(match[2]), at } : { label: text, at };
    if (!this.defined.has(ref.label)) {
      if (ref.label === self) {
        throw new UserError('spec', `"${describeRef(ref)}" is this layer itself; a layer cannot take its own output (a cycle)`, at);
      }
      const later = this.explicitNames.get(ref.label);
      if (later) {
        throw new UserError('spec', 
          `"${describeRef(ref)}" is defined further down (line ${resolveLocation(later).line}); a layer can only take inputs and layers defined above it`,
          at,
        );
      }
      throw new UserError('spec', `"${describeRef(ref)}" names no input or layer defined above${suggest(ref.label, this.defined.keys())}`, at);
    }
    return ref;
  }

  private readOutputs(top: Mapping, calls: LayerCall[]): TensorRef[] {
    if (top.outputs === undefined) {
      const last = calls[calls.length - 1];
      return [{ label: last.label, at: last.at }];
    }
    if (!Array.isArray(top.outputs)) return [this.tensorRef(top.outputs, ['outputs'], undefined)];
    if (top.outputs.length === 0) throw new UserError('spec', '"outputs" is an empty list; name at least one layer', this.at(['outputs']));
    return top.outputs.map((ref, i) => this.tensorRef(ref, ['outputs', i], undefined));
  }

  private define(label: string, at: SourceLocation): void {
    const first = this.defined.get(label);
    if (first) throw this.duplicate(label, first, at);
    this.defined.set(label, at);
  }

  private duplicate(name: string, first: SourceLocation, at: SourceLocation): UserError {
    return new UserError('spec', `duplicate name "${name}" (first used at line ${resolveLocation(first).line}); names must be unique`, at);
  }

  private shape(value: unknown, path: DocPath, what: string): Dim[] {
    if (!Array.isArray(value)) {
      throw new UserError('spec', `${what}: "shape" must be a list of dimensions without the batch dimension, e.g. [32, 32, 3]`, this.at(path));
    }
    if (value.length >= MAX_RANK) {
      throw new UserError('spec', `${what}: "shape" has ${value.length} dimensions; a tensor has at most ${MAX_RANK}, the batch dimension included (TensorFlow's limit)`, this.at(path));
    }
    return value.map((dim, i) => {
      if (dim === null) return null;
      if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim <= 0) {
        const shown = typeof dim === 'object' ? 'a nested value' : quoteValue(dim);
        throw new UserError('spec', 
          `${what}: dimension ${i + 1} of "shape" is ${shown}; each must be a positive whole number${typeof dim === 'number' && dim > Number.MAX_SAFE_INTEGER ? ' a count holds exactly (at most 2^53 - 1)' : ''}, or null for any size`,
          this.at([...path, i]),
        );
      }
      return dim;
    });
  }

  private positiveInteger(value: unknown, path: DocPath, what: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new UserError('spec', `${what} must be a positive whole number${typeof value === 'number' && value > Number.MAX_SAFE_INTEGER ? ' that a count holds exactly (at most 2^53 - 1)' : ''}`, this.at(path));
    }
    return value;
  }

  private string(value: unknown, path: DocPath, what: string): string {
    if (typeof value === 'string' && value.length > 0) return value;
    throw new UserError('spec', `${what} must be a non-empty string`, this.at(path));
  }

  private checkKeys(map: Mapping, path: DocPath, allowed: string[], what: string): void {
    for (const key of Object.keys(map)) {
      if (!allowed.includes(key)) {
        throw new UserError('spec', `${what}: unknown key "${key}"${suggest(key, allowed)} (allowed: ${allowed.join(', ')})`, this.at([...path, key], 'key'));
      }
    }
  }
}

/** The arguments that hold the layers (or cells) a wrapper wraps: Bidirectional, TimeDistributed, RNN, StackedRNNCells (also written in camelCase). */
export const INNER_LAYER_ARGUMENTS = ['layer', 'backward_layer', 'cell', 'cells'];

/**
 * A spec entry with every layer it wraps named as Keras names it: an inner
 * layer is made before its wrapper (`Bidirectional(LSTM(8))` makes `lstm`,
 * then `bidirectional`), so it takes its auto-name first, and the next LSTM
 * of the model is `lstm_1`. An inner layer is a mapping with `type` (or
 * Keras's `{class_name, config}`), a cell list a list of them; a name given
 * is kept. A copy: the document is left as written.
 */
function nameInnerLayers(entry: Mapping, namer: KerasNamer): Mapping {
  const named: Mapping = {};
  for (const [key, value] of Object.entries(entry)) setOwn(named, key, INNER_LAYER_ARGUMENTS.includes(kerasSnakeCase(key)) ? nameInner(value, namer) : value);
  return named;
}

function nameInner(value: unknown, namer: KerasNamer): unknown {
  if (Array.isArray(value)) return value.map((item) => nameInner(item, namer));
  if (!isObject(value)) return value;
  if (typeof value.type === 'string') {
    const inner = nameInnerLayers(value, namer);
    if (value.name === undefined) setOwn(inner, 'name', namer.next(kerasSnakeCase(canonicalClass(value.type))));
    return inner;
  }
  if (typeof value.class_name === 'string' && isObject(value.config)) {
    const config = nameInnerLayers(value.config, namer);
    if (value.config.name === undefined) setOwn(config, 'name', namer.next(kerasSnakeCase(canonicalClass(value.class_name))));
    return { ...value, config };
  }
  return value;
}

/** A model's default name: its file's name without the extension. */
export function baseName(source: string): string {
  if (source === '-') return 'model';
  const file = source.split(/[\\/]/).pop() ?? source;
  return file.replace(/\.(ya?ml|json|keras)$/i, '');
}
