import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { UserError, suggest, type SourceLocation } from '../errors.js';
import type { Dim, InputNode, LayerCall, ModelGraph, TensorRef } from './graph.js';
import { describeRef } from './graph.js';
import { INPUT_PREFIX, KerasNamer, kerasSnakeCase } from './keras-names.js';

/** Aliases beyond this many in one spec are a "billion laughs" attack, not a model. */
const MAX_ALIASES = 100;

const TOP_LEVEL_KEYS = ['name', 'inputs', 'layers', 'outputs'];
const INPUT_KEYS = ['name', 'shape', 'dtype', 'batch_size', 'batchSize'];
const USE_KEYS = ['use', 'from', 'name'];
/** Keras dtypes an Input may declare. */
const INPUT_DTYPES = [
  'float16', 'bfloat16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64',
  'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string',
];

/** Parses YAML text with positions, refusing alias bombs; shared by every YAML reader. */
export function parseYaml(text: string, file: string): { doc: Document.Parsed; positions: Positions } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const positions = new Positions(file, lineCounter);
  const problem = doc.errors[0];
  if (problem) {
    const message = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`YAML syntax error: ${message}`, positions.atOffset(problem.pos[0]));
  }
  return { doc, positions };
}

export class Positions {
  constructor(
    readonly file: string,
    private readonly lineCounter: LineCounter,
  ) {}

  atOffset(offset: number): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col };
  }

  of(node: unknown, fallback?: SourceLocation): SourceLocation {
    const range = (node as Node | undefined)?.range;
    if (range) return this.atOffset(range[0]);
    return fallback ?? { file: this.file, line: 1, col: 1 };
  }
}

/** Reads a merge-summary spec (../shared/model-spec.md) into a model graph. */
export function readYamlSpec(doc: Document.Parsed, positions: Positions, source: string): ModelGraph {
  return new SpecReader(doc, positions, source).read();
}

class SpecReader {
  private readonly file: string;
  /** Labels defined so far, with where. */
  private readonly defined = new Map<string, SourceLocation>();
  /** Every name the spec writes explicitly, with where (for forward references). */
  private readonly explicitNames = new Map<string, SourceLocation>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly positions: Positions,
    private readonly source: string,
  ) {
    this.file = positions.file;
  }

  read(): ModelGraph {
    const top = this.doc.contents;
    const topAt = this.positions.of(top);
    if (!isMap(top)) {
      const found = isSeq(top) ? 'a list' : top === null || (isScalar(top) && top.value === null) ? 'nothing' : 'a single value';
      throw new UserError(`a model spec must be a mapping with "inputs" and "layers"; found ${found}`, topAt);
    }
    this.refuseAliasBombs(top);
    this.checkKeys(top, TOP_LEVEL_KEYS, 'the model spec');
    const nameNode = top.get('name', true);
    const name = nameNode === undefined ? undefined : this.string(nameNode, '"name"', topAt);

    this.collectExplicitNames(top);
    const namer = new KerasNamer(new Set(this.explicitNames.keys()));
    const inputs = this.readInputs(top, topAt, namer);
    const calls = this.readLayers(top, topAt, inputs, namer);
    const outputs = this.readOutputs(top, calls);
    return { name: name ?? baseName(this.source), source: this.source, inputs, calls, outputs, at: topAt };
  }

  private refuseAliasBombs(top: YAMLMap): void {
    try {
      top.toJS(this.doc, { maxAliasCount: MAX_ALIASES });
    } catch (error) {
      if (error instanceof ReferenceError && /alias/i.test(error.message)) {
        throw new UserError(
          `too many YAML aliases (more than ${MAX_ALIASES} expansions); refusing what looks like an alias bomb`,
          this.positions.of(top),
        );
      }
      throw error;
    }
  }

  private collectExplicitNames(top: YAMLMap): void {
    for (const section of ['inputs', 'layers']) {
      const list = top.get(section, true);
      if (!isSeq(list)) continue;
      for (const item of list.items) {
        if (!isMap(item)) continue;
        const nameNode = item.get('name', true);
        if (isScalar(nameNode) && typeof nameNode.value === 'string') {
          const at = this.positions.of(nameNode);
          const first = this.explicitNames.get(nameNode.value);
          if (first) {
            throw new UserError(`duplicate name "${nameNode.value}" (first used at line ${first.line}); names must be unique`, at);
          }
          this.explicitNames.set(nameNode.value, at);
        }
      }
    }
  }

  private readInputs(top: YAMLMap, topAt: SourceLocation, namer: KerasNamer): InputNode[] {
    const list = top.get('inputs', true);
    if (list === undefined) throw new UserError('the spec has no "inputs"; list at least one input with its shape', topAt);
    const listAt = this.positions.of(list, topAt);
    if (!isSeq(list) || list.items.length === 0) {
      throw new UserError('"inputs" must be a non-empty list of inputs, each with a "shape"', listAt);
    }
    return list.items.map((item, i) => {
      const at = this.positions.of(item, listAt);
      if (!isMap(item)) throw new UserError(`input ${i + 1} must be a mapping with a "shape"`, at);
      this.checkKeys(item, INPUT_KEYS, `input ${i + 1}`);
      const nameNode = item.get('name', true);
      const name = nameNode === undefined ? namer.next(INPUT_PREFIX) : this.string(nameNode, '"name"', at);
      const what = `input "${name}"`;
      const shapeNode = item.get('shape', true);
      if (shapeNode === undefined) throw new UserError(`${what} has no "shape" (the shape without the batch dimension, e.g. [32, 32, 3])`, at);
      const shape = this.shape(shapeNode, what, at);
      const dtypeNode = item.get('dtype', true);
      const dtype = dtypeNode === undefined ? 'float32' : this.string(dtypeNode, `${what} "dtype"`, at);
      if (!INPUT_DTYPES.includes(dtype)) {
        throw new UserError(`${what}: unknown dtype "${dtype}"${suggest(dtype, INPUT_DTYPES)}`, this.positions.of(dtypeNode, at));
      }
      const batchNode = item.get('batch_size', true) ?? item.get('batchSize', true);
      const batchSize = batchNode === undefined ? undefined : this.positiveInteger(batchNode, `${what} "batch_size"`, at);
      this.define(name, at);
      return { name, shape, dtype, batchSize, at };
    });
  }

  private readLayers(top: YAMLMap, topAt: SourceLocation, inputs: InputNode[], namer: KerasNamer): LayerCall[] {
    const list = top.get('layers', true);
    if (list === undefined) throw new UserError('the spec has no "layers"; list the layers applied to the inputs', topAt);
    const listAt = this.positions.of(list, topAt);
    if (!isSeq(list) || list.items.length === 0) {
      throw new UserError('"layers" must be a non-empty list of layers, each with a "type"', listAt);
    }
    const calls: LayerCall[] = [];
    const layerNames = new Set<string>();
    list.items.forEach((item, i) => {
      const at = this.positions.of(item, listAt);
      if (!isMap(item)) throw new UserError(`layer ${i + 1} must be a mapping with a "type"`, at);
      const above: TensorRef | undefined =
        calls.length > 0
          ? { label: calls[calls.length - 1].label, at }
          : inputs.length === 1
            ? { label: inputs[0].name, at }
            : undefined;
      const useNode = item.get('use', true);
      if (useNode !== undefined) {
        calls.push(this.readUse(item, useNode, at, layerNames, above));
        return;
      }
      const typeNode = item.get('type', true);
      if (typeNode === undefined) {
        throw new UserError(`layer ${i + 1} has no "type" (the Keras layer class, e.g. Conv2D), nor "use" to apply a layer again`, at);
      }
      const type = this.string(typeNode, '"type"', at);
      const nameNode = item.get('name', true);
      const name = nameNode === undefined ? namer.next(kerasSnakeCase(type)) : this.string(nameNode, '"name"', at);
      const from = this.readFrom(item, at, name, above, inputs.length);
      const args: Record<string, unknown> = {};
      const argLocations: Record<string, SourceLocation> = {};
      for (const pair of item.items as Pair<Node, Node>[]) {
        const key = this.keyOf(pair);
        if (key === 'type' || key === 'name' || key === 'from') continue;
        args[key] = pair.value === null ? null : (pair.value as Node).toJS(this.doc, { maxAliasCount: MAX_ALIASES });
        argLocations[key] = this.positions.of(pair.key, at);
      }
      this.define(name, at);
      layerNames.add(name);
      calls.push({
        label: name,
        layer: name,
        definition: { name, type, args, argLocations, at, typeAt: this.positions.of(typeNode, at) },
        from,
        at,
      });
    });
    return calls;
  }

  private readUse(item: YAMLMap, useNode: unknown, at: SourceLocation, layerNames: Set<string>, above: TensorRef | undefined): LayerCall {
    this.checkKeys(item, USE_KEYS, 'a "use" entry');
    const layer = this.string(useNode, '"use"', at);
    const useAt = this.positions.of(useNode, at);
    if (!layerNames.has(layer)) {
      const why = this.defined.has(layer) ? `"${layer}" is an input, not a layer` : `no layer "${layer}" is defined above`;
      throw new UserError(`use: ${why}; "use" applies an already defined layer again${suggest(layer, layerNames)}`, useAt);
    }
    const nameNode = item.get('name', true);
    const label = nameNode === undefined ? `${layer}@${this.defined.size}` : this.string(nameNode, '"name"', at);
    const from = this.readFrom(item, at, label, above, 0);
    this.define(label, at);
    return { label, layer, from, at };
  }

  private readFrom(item: YAMLMap, at: SourceLocation, self: string, above: TensorRef | undefined, inputCount: number): TensorRef[] {
    const fromNode = item.get('from', true);
    if (fromNode === undefined) {
      if (above) return [above];
      throw new UserError(
        `the first layer needs "from" because the model has ${inputCount} inputs; name the input it takes`,
        at,
      );
    }
    const fromAt = this.positions.of(fromNode, at);
    const nodes = isSeq(fromNode) ? fromNode.items : [fromNode];
    if (nodes.length === 0) throw new UserError('"from" is an empty list; name at least one input or layer', fromAt);
    return nodes.map((node) => this.tensorRef(node, fromAt, self));
  }

  private tensorRef(node: unknown, fallback: SourceLocation, self: string | undefined): TensorRef {
    const at = this.positions.of(node, fallback);
    const text = this.string(node, 'a reference', at);
    const match = /^(.*)\[(\d+)\]$/.exec(text);
    const ref: TensorRef = match ? { label: match[1], index: Number(match[2]), at } : { label: text, at };
    if (!this.defined.has(ref.label)) {
      if (ref.label === self) {
        throw new UserError(`"${describeRef(ref)}" is this layer itself; a layer cannot take its own output (a cycle)`, at);
      }
      const later = this.explicitNames.get(ref.label);
      if (later) {
        throw new UserError(
          `"${describeRef(ref)}" is defined further down (line ${later.line}); a layer can only take inputs and layers defined above it`,
          at,
        );
      }
      throw new UserError(`"${describeRef(ref)}" names no input or layer defined above${suggest(ref.label, this.defined.keys())}`, at);
    }
    return ref;
  }

  private readOutputs(top: YAMLMap, calls: LayerCall[]): TensorRef[] {
    const node = top.get('outputs', true);
    if (node === undefined) {
      const last = calls[calls.length - 1];
      return [{ label: last.label, at: last.at }];
    }
    const at = this.positions.of(node);
    const nodes = isSeq(node) ? node.items : [node];
    if (nodes.length === 0) throw new UserError('"outputs" is an empty list; name at least one layer', at);
    return nodes.map((item) => this.tensorRef(item, at, undefined));
  }

  private define(label: string, at: SourceLocation): void {
    const first = this.defined.get(label);
    if (first) throw new UserError(`duplicate name "${label}" (first used at line ${first.line}); names must be unique`, at);
    this.defined.set(label, at);
  }

  private shape(node: unknown, what: string, fallback: SourceLocation): Dim[] {
    const at = this.positions.of(node, fallback);
    if (!isSeq(node)) {
      throw new UserError(`${what}: "shape" must be a list of dimensions without the batch dimension, e.g. [32, 32, 3]`, at);
    }
    return node.items.map((item, i) => {
      const value = isScalar(item) ? item.value : undefined;
      if (value === null) return null;
      if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
        const shown = isScalar(item) ? JSON.stringify(item.value) : 'a nested value';
        throw new UserError(
          `${what}: dimension ${i + 1} of "shape" is ${shown}; each must be a positive whole number, or null for any size`,
          this.positions.of(item, at),
        );
      }
      return value;
    });
  }

  private positiveInteger(node: unknown, what: string, fallback: SourceLocation): number {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new UserError(`${what} must be a positive whole number`, this.positions.of(node, fallback));
    }
    return value;
  }

  private string(node: unknown, what: string, fallback: SourceLocation): string {
    if (isScalar(node) && typeof node.value === 'string' && node.value.length > 0) return node.value;
    throw new UserError(`${what} must be a non-empty string`, this.positions.of(node, fallback));
  }

  private keyOf(pair: Pair<unknown, unknown>): string {
    if (isScalar(pair.key) && (typeof pair.key.value === 'string' || typeof pair.key.value === 'number')) {
      return String(pair.key.value);
    }
    throw new UserError('keys must be plain names', this.positions.of(pair.key));
  }

  private checkKeys(map: YAMLMap, allowed: string[], what: string): void {
    for (const pair of map.items) {
      const key = this.keyOf(pair);
      if (!allowed.includes(key)) {
        throw new UserError(
          `${what}: unknown key "${key}"${suggest(key, allowed)} (allowed: ${allowed.join(', ')})`,
          this.positions.of(pair.key),
        );
      }
    }
  }
}

function baseName(source: string): string {
  if (source === '-') return 'model';
  const file = source.split(/[\\/]/).pop() ?? source;
  return file.replace(/\.(ya?ml|json|keras)$/i, '');
}
