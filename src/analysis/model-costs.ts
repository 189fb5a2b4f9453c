import { UserError } from '../core/errors.js';
import type { FullShape } from '../core/shapes.js';
import type { ExecutionFacts, MergeFacts, ModelFacts } from '../model/facts.js';
import { activationBytes, CostOverflowError, layerMacs, UnknownDtypeError, peakActivationBytes, type ExecutionGraph, type LayerCallFacts, type PeakActivations } from './costs.js';

/**
 * What a whole model costs to run, from its execution facts: the mult-adds
 * and output bytes of every row of the summary, torchinfo's totals, and the
 * peak of live activation memory; and the same for the model with one merge
 * swapped. Pure: the rules of costs.ts applied to plain facts.
 *
 * A model used as a layer runs inline: its calls take the place of its call
 * in the outer walk (its inputs are the outer call's input tensors, its
 * outputs the outer call's outputs), so its intermediate tensors are live
 * only while they are needed, as when Keras runs it, and count toward the
 * outer model's peak. Its row costs the sum of the calls inside it.
 */

/**
 * A cost: a whole number; or, where a sequence's length is unknown, a part
 * that does not depend on it plus a part per step; or unknown, with why.
 */
export type Figure =
  | { kind: 'exact'; value: number }
  | { kind: 'per-step'; fixed: number; perStep: number; why: string }
  | { kind: 'unknown'; why: string };

export const exactFigure = (value: number): Figure => ({ kind: 'exact', value });
const ZERO = exactFigure(0);

/** One call after nested models are inlined. */
interface FlatCall {
  /** The row it belongs to: the models it is in, then its layer. */
  owner: string[];
  node: number;
  facts: LayerCallFacts;
  inputs: string[];
  outputs: string[];
}

interface FlatTensor {
  shape: FullShape;
  dtype: string;
}

/** A model's costs, and what is needed to cost it again with a merge swapped. */
export interface CostModel {
  /** The batch size the counts are at: the model's own where every input fixes it, else the one asked for. */
  batchSize: number;
  /** The batch size every input of the model fixes (batch_size in a spec, batch_input_shape in a file), when they all fix the same one. */
  fixedBatch?: number;
  /** By row (layerKey: the models it is in and its name, joined by NUL): mult-adds and output bytes over its calls. */
  rows: Map<string, RowCosts>;
  totals: CostTotals;
  flat: FlatModel;
  /** Each call's mult-adds, in the order of flat.calls. */
  callMacs: Figure[];
}

export interface RowCosts {
  macs: Figure;
  /** Bytes of the outputs of its calls; absent for a row that makes no tensor of its own. */
  activations?: Figure;
}

export interface CostTotals {
  macs: Figure;
  /** torchinfo's "Input size": the model's inputs. */
  inputBytes: Figure;
  /** torchinfo's "Forward/backward pass size": twice the outputs of every call of a layer with parameters (the output and its gradient). */
  forwardBackwardBytes: Figure;
  /** torchinfo's "Params size": the parameters at their dtypes. */
  paramsBytes: number;
  /** torchinfo's "Estimated Total Size": the three above. */
  estimatedTotalBytes: Figure;
  peak: Peak;
}

export interface Peak {
  bytes: Figure;
  /** The call (MODEL/NAME inside a nested model) at which the peak is reached. */
  at?: string;
}

interface FlatModel {
  tensors: Map<string, FlatTensor>;
  inputs: string[];
  outputs: string[];
  calls: FlatCall[];
  /** The output tensors of every row's calls, by row key (a nested model's row: its own call's outputs). */
  rowOutputs: Map<string, string[]>;
}

/** A layer's identity across nesting, as merges.ts's layerKey. */
function rowKey(owner: string[]): string {
  return owner.join('\u0000');
}

/** Inlines nested models: one list of calls, tensors named uniquely per call of a nested model. */
function flatten(execution: ExecutionFacts): FlatModel {
  const flat: FlatModel = { tensors: new Map(), inputs: [...execution.inputs], outputs: [...execution.outputs], calls: [], rowOutputs: new Map() };
  const walk = (exec: ExecutionFacts, prefix: string[], rename: Map<string, string>, scope: string) => {
    const resolve = (id: string) => rename.get(id) ?? `${scope}${id}`;
    for (const tensor of exec.tensors) {
      if (!rename.has(tensor.id)) flat.tensors.set(resolve(tensor.id), { shape: tensor.shape, dtype: tensor.dtype });
    }
    // An InputLayer's row holds its input (inside a nested model, the tensor the outer call passes).
    exec.inputLayers.forEach((input, i) => {
      const key = rowKey([...prefix, ...input.path, input.name]);
      flat.rowOutputs.set(key, [...(flat.rowOutputs.get(key) ?? []), resolve(exec.inputs[i])]);
    });
    for (const call of exec.calls) {
      const owner = [...prefix, ...call.path, call.layer];
      const inputs = call.inputs.map(resolve);
      const outputs = call.outputs.map(resolve);
      const key = rowKey(owner);
      flat.rowOutputs.set(key, [...(flat.rowOutputs.get(key) ?? []), ...outputs]);
      if (!call.nested) {
        flat.calls.push({ owner, node: call.node, inputs, outputs, facts: { type: call.type, config: call.config, weights: call.weights, inputShapes: call.inputShapes, outputShapes: call.outputShapes } });
        continue;
      }
      const inner = call.nested;
      const innerRename = new Map<string, string>();
      inner.inputs.forEach((id, i) => innerRename.set(id, inputs[i] ?? id));
      // An output of the nested model that is one of its inputs, or repeats an output, is a copy in the outer walk.
      const copies: [string, string][] = [];
      inner.outputs.forEach((id, j) => {
        if (innerRename.has(id)) copies.push([innerRename.get(id) as string, outputs[j]]);
        else innerRename.set(id, outputs[j]);
      });
      walk(inner, owner, innerRename, `${scope}${call.layer}@${call.node}/`);
      for (const [from, to] of copies) {
        flat.calls.push({ owner, node: call.node, inputs: [from], outputs: [to], facts: { type: 'Identity', config: {}, weights: [], inputShapes: [], outputShapes: [] } });
      }
    }
  };
  walk(execution, [], new Map(), '');
  return flat;
}

/** Sums figures: exact while every part is, per step when a part is (its fixed and per-step parts summed), unknown when one is. */
export function addFigures(figures: Figure[], what = 'mult-adds'): Figure {
  let fixed = 0;
  let perStep = 0;
  let stepWhy: string | undefined;
  for (const figure of figures) {
    if (figure.kind === 'unknown') return figure;
    if (figure.kind === 'exact') fixed = safeAdd(fixed, figure.value, what);
    else {
      fixed = safeAdd(fixed, figure.fixed, what);
      perStep = safeAdd(perStep, figure.perStep, what);
      stepWhy ??= figure.why;
    }
  }
  return stepWhy === undefined ? exactFigure(fixed) : { kind: 'per-step', fixed, perStep, why: stepWhy };
}

/** b − a, where both are known: the change of a swap. */
export function figureChange(a: Figure, b: Figure): Figure {
  if (a.kind === 'unknown') return a;
  if (b.kind === 'unknown') return b;
  if (a.kind === 'exact' && b.kind === 'exact') return exactFigure(b.value - a.value);
  const parts = (f: Figure) => (f.kind === 'exact' ? [f.value, 0] : f.kind === 'per-step' ? [f.fixed, f.perStep] : [0, 0]);
  const [fa, sa] = parts(a);
  const [fb, sb] = parts(b);
  const why = a.kind === 'per-step' ? a.why : (b as { why: string }).why;
  return { kind: 'per-step', fixed: fb - fa, perStep: sb - sa, why };
}

function safeAdd(a: number, b: number, what: string): number {
  const sum = a + b;
  if (sum > Number.MAX_SAFE_INTEGER) throw new UserError('inexact', `the model's total ${what} exceed ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')}, the largest whole number counted exactly here`);
  return sum;
}

function describe(shape: FullShape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/**
 * The bytes of a tensor at the batch size: exact; per step when the only
 * unknown dimension is the sequence's (axis 1); unknown otherwise, or for
 * strings, which have no fixed size.
 */
export function tensorBytes(shape: FullShape, dtype: string, batchSize: number): Figure {
  let bytes: number | null;
  try {
    bytes = activationBytes(shape, dtype, batchSize);
  } catch (error) {
    if (error instanceof CostOverflowError) throw new UserError('inexact', `a tensor of shape ${describe(shape)} has more bytes than ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')}, the largest whole number counted exactly here`);
    if (error instanceof UnknownDtypeError) return { kind: 'unknown', why: error.message };
    throw error;
  }
  if (bytes !== null) return exactFigure(bytes);
  if (dtype === 'string') return { kind: 'unknown', why: 'a string tensor has no fixed size' };
  const stepOnly = shape.length >= 2 && shape[1] === null && shape.every((d, i) => i <= 1 || d !== null);
  if (stepOnly) {
    const perStep = activationBytes(shape.map((d, i) => (i === 1 ? 1 : d)), dtype, batchSize) as number;
    return { kind: 'per-step', fixed: 0, perStep, why: `the length of axis 1 of ${describe(shape)} is unknown` };
  }
  return { kind: 'unknown', why: `shape ${describe(shape)} has a dimension of unknown size` };
}

/** One call's mult-adds as a figure; a count past 2^53 − 1 is a refusal naming the layer. */
function callMacs(call: FlatCall, batchSize: number): Figure {
  try {
    const result = layerMacs(call.facts, batchSize);
    if (result.kind === 'exact') return exactFigure(result.macs);
    if (result.kind === 'per-step') return { kind: 'per-step', fixed: 0, perStep: result.macs, why: result.why };
    return { kind: 'unknown', why: `${call.owner.join('/')} (${call.facts.type}): ${result.why}` };
  } catch (error) {
    if (error instanceof CostOverflowError) throw new UserError('inexact', `layer "${call.owner.join('/')}" (${call.facts.type}): ${error.message}`);
    throw error;
  }
}

function hasParameters(facts: LayerCallFacts): boolean {
  return facts.weights.some((weight) => weight.shape.every((dim) => dim > 0));
}

/** The mult-adds and activation bytes of every row and of the model at the batch size. */
export function modelCosts(facts: ModelFacts, paramsBytes: number, batchSize: number): CostModel | undefined {
  if (!facts.execution) return undefined;
  const flat = flatten(facts.execution);
  const macs = flat.calls.map((call) => callMacs(call, batchSize));
  const rows = rowCosts(flat, macs, batchSize);
  const bytesOf = (ids: string[]) => addFigures(ids.map((id) => tensorFigure(flat, id, batchSize)), 'bytes');
  const inputBytes = bytesOf(flat.inputs);
  const passBytes = addFigures(flat.calls.filter((call) => hasParameters(call.facts)).map((call) => bytesOf(call.outputs)), 'bytes');
  const forwardBackwardBytes = addFigures([passBytes, passBytes], 'bytes');
  // Where the model fixes its batch, the counts are at that batch whatever was asked: the label must say so.
  const inputBatches = new Set(flat.inputs.map((id) => flat.tensors.get(id)?.shape[0] ?? null));
  const [onlyBatch] = inputBatches;
  const fixedBatch = inputBatches.size === 1 && typeof onlyBatch === 'number' ? onlyBatch : undefined;
  return {
    batchSize: fixedBatch ?? batchSize,
    ...(fixedBatch !== undefined ? { fixedBatch } : {}),
    rows,
    flat,
    callMacs: macs,
    totals: {
      macs: addFigures(macs),
      inputBytes,
      forwardBackwardBytes,
      paramsBytes,
      estimatedTotalBytes: addFigures([inputBytes, forwardBackwardBytes, exactFigure(paramsBytes)], 'bytes'),
      peak: peakOf(flat, flat.tensors, batchSize),
    },
  };
}

function tensorFigure(flat: FlatModel, id: string, batchSize: number, tensors = flat.tensors): Figure {
  const tensor = tensors.get(id);
  if (!tensor) throw new Error(`the execution facts name tensor ${id} but do not list it`);
  return tensorBytes(tensor.shape, tensor.dtype, batchSize);
}

function rowCosts(flat: FlatModel, macs: Figure[], batchSize: number, tensors = flat.tensors, only?: Set<string>): Map<string, RowCosts> {
  const byRow = new Map<string, Figure[]>();
  flat.calls.forEach((call, i) => {
    // A row's mult-adds are its calls', and a nested model's row has those of every call inside it.
    for (let length = 1; length <= call.owner.length; length++) {
      const key = rowKey(call.owner.slice(0, length));
      if (only && !only.has(key)) continue;
      let list = byRow.get(key);
      if (!list) byRow.set(key, (list = []));
      list.push(macs[i]);
    }
  });
  const rows = new Map<string, RowCosts>();
  const keys = new Set([...byRow.keys(), ...flat.rowOutputs.keys()]);
  for (const key of keys) {
    if (only && !only.has(key)) continue;
    const outputs = flat.rowOutputs.get(key);
    rows.set(key, {
      macs: addFigures(byRow.get(key) ?? [ZERO]),
      ...(outputs ? { activations: addFigures(outputs.map((id) => tensorFigure(flat, id, batchSize, tensors)), 'bytes') } : {}),
    });
  }
  return rows;
}

function peakOf(flat: FlatModel, tensors: Map<string, FlatTensor>, batchSize: number): Peak {
  const graph: ExecutionGraph = {
    tensors: [...tensors].map(([id, tensor]) => ({ id, shape: tensor.shape, dtype: tensor.dtype })),
    inputs: flat.inputs,
    outputs: flat.outputs,
    calls: flat.calls.map((call) => ({ name: call.owner.join('/'), inputs: call.inputs, outputs: call.outputs })),
  };
  let peak: PeakActivations;
  try {
    peak = peakActivationBytes(graph, batchSize);
  } catch (error) {
    if (error instanceof CostOverflowError) throw new UserError('inexact', `the model's live activations exceed ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')} bytes, the largest whole number counted exactly here`);
    if (error instanceof UnknownDtypeError) return { bytes: { kind: 'unknown', why: error.message } };
    throw error;
  }
  if (peak.peakBytes === null) return { bytes: { kind: 'unknown', why: peak.why ?? 'a tensor has no known size' } };
  return { bytes: exactFigure(peak.peakBytes), ...(peak.atCall !== undefined ? { at: peak.atCall } : {}) };
}

/** The costs of the model with one merge swapped, where the swapped model builds. */
export interface SwapCosts {
  macs: Figure;
  peak: Peak;
  /** By row key: the rows rebuilt in the swapped model. */
  rows: Map<string, RowCosts>;
}

/**
 * The same model with one merge swapped: the calls built again (and the
 * merge itself, as its alternative) replace theirs, with their new shapes,
 * weights and outputs; everything else is as it was.
 */
export function swapCosts(costs: CostModel, merge: MergeFacts): SwapCosts | undefined {
  const swap = merge.swap;
  if (swap.kind !== 'built') return undefined;
  const replaced = new Map<string, { facts: Partial<LayerCallFacts>; outputShapes: FullShape[] }>();
  for (const layer of swap.rebuilt) {
    for (const call of layer.calls ?? []) {
      replaced.set(`${rowKey([...layer.path, layer.name])}\u0000${call.node}`, {
        facts: { ...(layer.config ? { config: layer.config } : {}), ...(layer.weights ? { weights: layer.weights } : {}), inputShapes: call.inputShapes, outputShapes: call.outputShapes },
        outputShapes: call.outputShapes,
      });
    }
  }
  const mergeKey = `${rowKey([...merge.path, merge.name])}\u0000${merge.node ?? 0}`;
  replaced.set(mergeKey, { facts: { type: swap.alternative, config: {}, weights: [], outputShapes: [swap.outputShape] }, outputShapes: [swap.outputShape] });

  const { flat, batchSize } = costs;
  const unmatched = new Set(replaced.keys());
  const tensors = new Map(flat.tensors);
  const calls: FlatCall[] = [];
  const macs: Figure[] = [];
  const changedRows = new Set<string>();
  flat.calls.forEach((call, i) => {
    const key = `${rowKey(call.owner)}\u0000${call.node}`;
    const replacement = replaced.get(key);
    unmatched.delete(key);
    if (!replacement) {
      calls.push(call);
      macs.push(costs.callMacs[i]);
      return;
    }
    const changed = { ...call, facts: { ...call.facts, ...replacement.facts } };
    call.outputs.forEach((id, k) => {
      const shape = replacement.outputShapes[k];
      if (shape) tensors.set(id, { ...(tensors.get(id) as FlatTensor), shape });
    });
    for (let length = 1; length <= call.owner.length; length++) changedRows.add(rowKey(call.owner.slice(0, length)));
    calls.push(changed);
    macs.push(callMacs(changed, batchSize));
  });
  if (unmatched.size > 0) throw new Error(`the swap of ${merge.name} rebuilt calls the model does not run: ${[...unmatched].map((key) => key.replace(/\u0000/g, '/')).join(', ')}`);
  const swapped: FlatModel = { ...flat, tensors, calls };
  return {
    macs: addFigures(macs),
    peak: peakOf(swapped, tensors, batchSize),
    rows: rowCosts(swapped, macs, batchSize, tensors, changedRows),
  };
}

/** A figure as the document writes it (CostFields): NAME, and NAMEPerStep, NAMEFixed, NAMEWhy where it is not exact. */
export function costFields(name: string, figure: Figure | undefined): Record<string, number | string | null> {
  if (!figure) return {};
  if (figure.kind === 'exact') return { [name]: figure.value };
  if (figure.kind === 'unknown') return { [name]: null, [`${name}Why`]: figure.why };
  return { [name]: null, [`${name}PerStep`]: figure.perStep, ...(figure.fixed !== 0 ? { [`${name}Fixed`]: figure.fixed } : {}), [`${name}Why`]: figure.why };
}

/** The figure the document's fields NAME, NAMEPerStep, NAMEFixed and NAMEWhy describe; undefined when it has none. */
export function figureOf(record: object, name: string): Figure | undefined {
  const fields = record as Record<string, unknown>;
  const value = fields[name];
  if (typeof value === 'number') return exactFigure(value);
  if (value !== null) return undefined;
  const why = String(fields[`${name}Why`] ?? 'unknown');
  const perStep = fields[`${name}PerStep`];
  if (typeof perStep === 'number') return { kind: 'per-step', fixed: Number(fields[`${name}Fixed`] ?? 0), perStep, why };
  return { kind: 'unknown', why };
}
