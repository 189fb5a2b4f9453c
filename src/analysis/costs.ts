/**
 * What a model costs to run, from plain facts about its layer calls: the
 * multiply-accumulate operations ("mult-adds") of one forward pass, the size
 * of each activation, and the peak of live activation memory during
 * inference. Nothing here touches tfjs: the caller describes each call (class,
 * config, weight shapes, input and output shapes) and gets whole numbers back.
 *
 * The convention is the one behind the published torchvision figures
 * (docs/costs.md): fvcore's counting handles, where one fused multiply-add is
 * one operation, with batch normalization left out as at inference time, where
 * it folds into the neighbouring convolution (fvcore's own advice; torchvision's
 * figures count convolutions and matrix products only). Every Keras layer class
 * the tool knows has a rule in RULES; the compiler keeps that table complete.
 */

export interface LayerCallFacts {
  type: string; // Keras class name: 'Conv2D', 'Dense', 'LSTM', ...
  config: Record<string, unknown>; // the layer's config in tfjs form: camelCase keys (kernelSize, strides, padding, dilationRate, groups, depthMultiplier, dataFormat, units, returnSequences, numHeads, keyDim, ...)
  weights: { name: string; shape: number[] }[]; // every weight of the layer, e.g. {name: 'conv2d/kernel', shape: [3, 3, 16, 8]}
  inputShapes: (number | null)[][]; // with the batch dimension first (null = unknown)
  outputShapes: (number | null)[][];
  nested?: LayerCallFacts[]; // for a model used as a layer: its inner calls (its cost is their sum)
}

export type MacsResult =
  | { kind: 'exact'; macs: number }
  | { kind: 'per-step'; macs: number; steps: null; why: string }
  | { kind: 'unknown'; why: string };

type Shape = (number | null)[];

/**
 * A count that cannot be printed exactly: past Number.MAX_SAFE_INTEGER a
 * JavaScript number is rounded, and a rounded count is a silent wrong number.
 * The caller turns this into a refusal naming the layer.
 */
export class CostOverflowError extends Error {
  constructor(readonly quantity: 'mult-adds' | 'bytes') {
    super(`more ${quantity} than ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')}, the largest whole number counted exactly here`);
    this.name = 'CostOverflowError';
  }
}

/**
 * A tensor of a dtype whose size is not known here: its bytes are an explicit
 * "unknown" with this reason. A class of its own, so that only this becomes
 * an unknown cost, never a TypeError from a fault in the code.
 */
export class UnknownDtypeError extends Error {
  constructor(readonly dtype: string) {
    super(`dtype "${dtype}" has no known size`);
    this.name = 'UnknownDtypeError';
  }
}

// ---------------------------------------------------------------------------
// Exact whole-number arithmetic. Every intermediate of a count is a whole
// number at most MAX_SAFE_INTEGER, so every step is exact; a product or sum
// past it throws rather than round (a float past 2^53 - 1 is never below it).

function times(quantity: 'mult-adds' | 'bytes', ...factors: number[]): number {
  let product = 1;
  for (const factor of factors) {
    product *= factor;
    if (product > Number.MAX_SAFE_INTEGER) throw new CostOverflowError(quantity);
  }
  return product;
}

function plus(quantity: 'mult-adds' | 'bytes', ...terms: number[]): number {
  let sum = 0;
  for (const term of terms) {
    sum += term;
    if (sum > Number.MAX_SAFE_INTEGER) throw new CostOverflowError(quantity);
  }
  return sum;
}

const macsTimes = (...factors: number[]) => times('mult-adds', ...factors);
const macsPlus = (...terms: number[]) => plus('mult-adds', ...terms);

/** a / b when it is a whole number, else null: a count that does not divide means the facts disagree. */
function exactDivide(a: number, b: number): number | null {
  return b > 0 && a % b === 0 ? a / b : null;
}

/** Sums whole-number counts exactly (a model's total, say); throws CostOverflowError past MAX_SAFE_INTEGER. */
export function addMacs(...counts: number[]): number {
  return macsPlus(...counts);
}

// ---------------------------------------------------------------------------
// Reading the facts.

/** The first dimension is the batch: unknown (None) means the batch size asked for; a fixed one stays. */
function withBatch(shape: Shape, batchSize: number): Shape {
  return shape.length > 0 && shape[0] === null ? [batchSize, ...shape.slice(1)] : shape;
}

function describe(shape: Shape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** The product of the dimensions (batch resolved), or null when one is unknown or there is no shape. */
function elementCount(shape: Shape | undefined, batchSize: number): number | null {
  if (!shape) return null;
  const dims = withBatch(shape, batchSize);
  if (dims.some((d) => d === null)) return null;
  return macsTimes(...(dims as number[]));
}

/** A config value under its tfjs (camelCase) key or its Keras (snake_case) key. */
function option(config: Record<string, unknown>, key: string): unknown {
  if (key in config) return config[key];
  return config[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function channelsFirst(config: Record<string, unknown>): boolean {
  const format = option(config, 'dataFormat');
  return format === 'channelsFirst' || format === 'channels_first';
}

/** A number or a list of numbers (kernel and pool sizes, strides): always a list of `rank`. */
function perAxis(value: unknown, rank: number): number[] {
  if (Array.isArray(value)) return value.map(Number);
  return Array(rank).fill(Number(value));
}

/** The weight's own name, without its layer path or a TF ":0" suffix: 'conv2d/kernel:0' is 'kernel'. */
function leafName(name: string): string {
  return (name.split('/').pop() ?? name).replace(/:\d+$/, '');
}

function weightsNamed(call: LayerCallFacts, ...names: string[]): number[][] {
  return call.weights.filter((w) => names.includes(leafName(w.name))).map((w) => w.shape);
}

/** A wrapped layer's {class_name, config}, as Keras or tfjs writes it. */
function wrappedLayer(call: LayerCallFacts, key = 'layer'): { type: string; config: Record<string, unknown> } | null {
  const inner = option(call.config, key);
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return null;
  const record = inner as Record<string, unknown>;
  const type = record.className ?? record.class_name;
  const config = record.config;
  if (typeof type !== 'string' || typeof config !== 'object' || config === null) return null;
  return { type, config: config as Record<string, unknown> };
}

const exact = (macs: number): MacsResult => ({ kind: 'exact', macs });
const unknown = (why: string): MacsResult => ({ kind: 'unknown', why });
const ZERO: MacsResult = exact(0);

function unknownShape(role: string, shape: Shape | undefined): MacsResult {
  return unknown(shape ? `${role} shape ${describe(shape)} has a dimension of unknown size` : `no ${role} shape`);
}

/**
 * A cost that grows with the positions of axis 1 (a sequence's steps) and
 * nothing else unknown: counted with one step there. `count` is given the
 * shapes with the batch resolved and, in the per-step case, axis 1 set to 1.
 */
function perPosition(call: LayerCallFacts, batchSize: number, count: (input: number[], output: number[]) => number): MacsResult {
  const input = call.inputShapes[0];
  const output = call.outputShapes[0];
  if (!input || !output) return unknownShape(input ? 'output' : 'input', input ? output : input);
  const inDims = withBatch(input, batchSize);
  const outDims = withBatch(output, batchSize);
  const known = (dims: Shape) => dims.every((d) => d !== null);
  if (known(inDims) && known(outDims)) return exact(count(inDims as number[], outDims as number[]));
  // Per step only when axis 1 is the one unknown dimension and the output keeps it (or drops it, as global pooling does).
  const stepUnknown = (dims: Shape) => dims.length > 2 && dims[1] === null && dims.every((d, i) => i === 1 || d !== null);
  const outputKeepsSteps = stepUnknown(outDims) || (known(outDims) && outDims.length === inDims.length - 1);
  if (stepUnknown(inDims) && outputKeepsSteps) {
    const oneStep = (dims: Shape) => dims.map((d, i) => (i === 1 && d === null ? 1 : d)) as number[];
    return perStep(count(oneStep(inDims), oneStep(outDims)), `the length of axis 1 of the input ${describe(input)} is unknown`);
  }
  return known(inDims) ? unknownShape('output', output) : unknownShape('input', input);
}

function perStep(macs: number, why: string): MacsResult {
  return { kind: 'per-step', macs, steps: null, why: `${why}: mult-adds per step` };
}

// ---------------------------------------------------------------------------
// The rules, one family at a time.

type Rule = (call: LayerCallFacts, batchSize: number) => MacsResult;

/** No multiply-adds: elementwise arithmetic, activations, reshaping, copying, lookups, inference-time identities. */
const zero: Rule = () => ZERO;

/** Arbitrary code (a Lambda, a custom or foreign layer): nothing can be said about its cost. */
const opaque = (why: string): Rule => () => unknown(why);

/**
 * Convolution: output positions × kernel volume × input channels ÷ groups ×
 * output channels, which is output positions × the kernel's size (Keras's
 * kernel is (*kernel, in ÷ groups, out); a depthwise one (*kernel, in,
 * multiplier), whose output channels are in × multiplier). fvcore's conv_flop.
 */
const convolution: Rule = (call, batchSize) => {
  const [kernel] = weightsNamed(call, 'kernel', 'depthwise_kernel');
  if (!kernel) return unknown('no kernel weight');
  const outputs = elementCount(call.outputShapes[0], batchSize);
  if (outputs === null) return unknownShape('output', call.outputShapes[0]);
  const depthwise = call.type.startsWith('Depthwise');
  const outChannels = depthwise ? kernel[kernel.length - 2] * kernel[kernel.length - 1] : kernel[kernel.length - 1];
  const positions = exactDivide(outputs, outChannels);
  if (positions === null) return unknown(`the output ${describe(call.outputShapes[0])} does not hold whole positions of ${outChannels} channels`);
  return withLora(call, exact(macsTimes(positions, ...kernel)));
};

/** Separable convolution: the depthwise convolution, then the pointwise (1×1) one, at the output positions. */
const separableConvolution: Rule = (call, batchSize) => {
  const [depthwise] = weightsNamed(call, 'depthwise_kernel');
  const [pointwise] = weightsNamed(call, 'pointwise_kernel');
  if (!depthwise || !pointwise) return unknown('no depthwise_kernel and pointwise_kernel weights');
  const outputs = elementCount(call.outputShapes[0], batchSize);
  if (outputs === null) return unknownShape('output', call.outputShapes[0]);
  const positions = exactDivide(outputs, pointwise[pointwise.length - 1]);
  if (positions === null) return unknown('the output does not hold whole positions of the pointwise filters');
  return exact(macsPlus(macsTimes(positions, ...depthwise), macsTimes(positions, ...pointwise)));
};

/**
 * Transposed convolution, fvcore's convention: every input position is
 * multiplied by the whole kernel, input positions × kernel volume × input
 * channels × output channels (Keras's kernel is (*kernel, out, in)).
 */
const transposedConvolution: Rule = (call, batchSize) => {
  const [kernel] = weightsNamed(call, 'kernel');
  if (!kernel) return unknown('no kernel weight');
  const inputs = elementCount(call.inputShapes[0], batchSize);
  if (inputs === null) return unknownShape('input', call.inputShapes[0]);
  const positions = exactDivide(inputs, kernel[kernel.length - 1]);
  if (positions === null) return unknown('the input does not hold whole positions of the kernel\'s input channels');
  return exact(macsTimes(positions, ...kernel));
};

/**
 * LoRA (Keras's enable_lora, on Dense, EinsumDense, convolutions and
 * Embedding): the kernel used is kernel + A·B, recomputed at every call from
 * weights alone: size(A) × B's columns once per call, whatever the batch.
 */
function loraMacs(call: LayerCallFacts): number {
  const [a] = weightsNamed(call, 'lora_kernel_a', 'lora_embeddings_a');
  const [b] = weightsNamed(call, 'lora_kernel_b', 'lora_embeddings_b');
  return a && b ? macsTimes(...a, b[b.length - 1]) : 0;
}

/** A layer's count plus its LoRA product; a per-step count cannot carry a once-per-call part. */
function withLora(call: LayerCallFacts, result: MacsResult): MacsResult {
  const lora = loraMacs(call);
  if (lora === 0 || result.kind === 'unknown') return result;
  if (result.kind === 'exact') return exact(macsPlus(result.macs, lora));
  return unknown(`${lora} mult-adds of LoRA plus ${result.macs} per step of a sequence of unknown length`);
}

/**
 * Dense: every leading dimension (batch, steps, positions) × input features ×
 * units, fvcore's linear. Read from the shapes, not the kernel: a kernel
 * quantized to int4 is stored packed, two rows to a byte row.
 */
const dense: Rule = (call, batchSize) =>
  withLora(call, perPosition(call, batchSize, (input, output) => macsTimes(...input, output[output.length - 1])));

/**
 * EinsumDense: the equation's whole index space, one multiply-add per
 * combination of its letters (fvcore's einsum for a two-operand product:
 * numpy's optimal-path FLOPs ÷ 2).
 */
const einsumDense: Rule = (call, batchSize) => {
  const equation = String(option(call.config, 'equation') ?? '').replace(/\s/g, '');
  const match = /^([a-z.]+),([a-z]+)->([a-z.]+)$/i.exec(equation);
  if (!match) return unknown(`EinsumDense equation "${equation}" is not of the form "input,kernel->output"`);
  const [kernel] = weightsNamed(call, 'kernel');
  if (!kernel) return unknown('no kernel weight');
  const input = withBatch(call.inputShapes[0] ?? [], batchSize);
  const output = withBatch(call.outputShapes[0] ?? [], batchSize);
  const sizes = new Map<string, number | null>();
  let ellipsis: Shape = [];
  const bind = (letters: string, shape: Shape): string | null => {
    const dots = letters.indexOf('...');
    let dims = shape;
    if (dots >= 0) {
      const before = letters.slice(0, dots);
      const after = letters.slice(dots + 3);
      const covered = shape.length - before.length - after.length;
      if (covered < 0) return `${letters} does not fit ${describe(shape)}`;
      ellipsis = shape.slice(before.length, before.length + covered);
      letters = before + after;
      dims = [...shape.slice(0, before.length), ...shape.slice(before.length + covered)];
    }
    if (letters.length !== dims.length) return `${letters} does not fit ${describe(shape)}`;
    for (let i = 0; i < letters.length; i++) {
      const known = sizes.get(letters[i]);
      if (known === undefined || known === null) sizes.set(letters[i], dims[i]);
      else if (dims[i] !== null && dims[i] !== known) return `"${letters[i]}" is both ${known} and ${dims[i]}`;
    }
    return null;
  };
  // An int4 kernel is stored packed, two values a byte, as (rows, columns / 2): its letters' sizes are the input's and output's.
  const packed = isInt4Policy(option(call.config, 'dtype'));
  const problem = bind(match[1], input) ?? bind(match[3], output) ?? (packed ? null : bind(match[2], kernel));
  if (problem) return unknown(`EinsumDense ${equation}: ${problem}`);
  if (packed && [...match[2]].some((letter) => !sizes.has(letter))) return unknown(`EinsumDense ${equation}: its kernel is stored packed (int4), and not every kernel letter is in the input or output`);
  const all = [...sizes.values(), ...ellipsis];
  if (all.some((d) => d === null)) return unknownShape('input', call.inputShapes[0]);
  return withLora(call, exact(macsTimes(...(all as number[]))));
};

/** Whether a layer's dtype policy (a name, or Keras's policy object) quantizes its kernel to int4. */
function isInt4Policy(dtype: unknown): boolean {
  if (typeof dtype === 'string') return /^int4(\/|_from_|From)/.test(dtype);
  if (typeof dtype !== 'object' || dtype === null) return false;
  const config = (dtype as { config?: { mode?: unknown } }).config;
  return typeof config?.mode === 'string' && /^int4(\/|$)/.test(config.mode);
}

/** Embedding: a lookup, no arithmetic. ReversibleEmbedding called in reverse is the matrix product with the embeddings. */
const embedding: Rule = (call, batchSize) => {
  const input = call.inputShapes[0];
  const output = call.outputShapes[0];
  const reverse = call.type === 'ReversibleEmbedding' && input && output && input.length === output.length;
  if (!reverse) return withLora(call, ZERO);
  const [table] = weightsNamed(call, 'reverse_embeddings', 'embeddings');
  if (!table) return unknown('no embeddings weight');
  return withLora(call, perPosition(call, batchSize, (inputDims) => macsTimes(...inputDims.slice(0, -1), ...table)));
};

const CONV_RECURRENT = /^ConvLSTM/;

/** The classes whose weights the recurrent rule understands: a custom cell may name a weight "kernel" and do anything with it. */
const RECURRENT_CLASSES = new Set(['SimpleRNN', 'LSTM', 'GRU', 'SimpleRNNCell', 'LSTMCell', 'GRUCell', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D', 'ConvLSTM1DCell', 'ConvLSTM2DCell', 'ConvLSTM3DCell']);

/** Every cell an RNN, a Bidirectional or a StackedRNNCells runs, or the first that is not a known recurrent class. */
function unknownCell(call: LayerCallFacts): string | null {
  const cellsOf = (type: string, config: Record<string, unknown>): string[] => {
    if (type === 'StackedRNNCells') {
      const cells = option(config, 'cells');
      return Array.isArray(cells) ? cells.flatMap((cell) => cellsOf(String(cell?.className ?? cell?.class_name), (cell?.config ?? {}) as Record<string, unknown>)) : ['StackedRNNCells without cells'];
    }
    if (type === 'RNN' || type === 'Bidirectional') {
      const inner = wrappedLayer({ ...call, config }, type === 'RNN' ? 'cell' : 'layer');
      // A Bidirectional's own backward layer may be of another class than its forward one.
      const backward = type === 'Bidirectional' ? wrappedLayer({ ...call, config }, 'backwardLayer') : null;
      const cells = inner ? cellsOf(inner.type, inner.config) : [`${type} without its ${type === 'RNN' ? 'cell' : 'layer'}`];
      return backward ? [...cells, ...cellsOf(backward.type, backward.config)] : cells;
    }
    return [type];
  };
  return cellsOf(call.type, call.config).find((type) => !RECURRENT_CLASSES.has(type)) ?? null;
}

/**
 * Recurrent layers: the gate products of every time step, input × gates ×
 * units plus units × gates × units (SimpleRNN 1 gate, LSTM 4, GRU 3 with or
 * without reset_after: that option moves the reset gate, not a product). These
 * are exactly the sizes of the kernels and recurrent kernels, so the count per
 * step and sample is the sum of their sizes: both directions of a
 * Bidirectional, every cell of a stack. ConvLSTM's products are convolutions,
 * at every output position. The elementwise gate arithmetic counts zero.
 */
const recurrent: Rule = (call, batchSize) => {
  const strange = unknownCell(call);
  if (strange) return unknown(`it runs ${strange}, which is not a recurrent class with a rule`);
  const kernels = weightsNamed(call, 'kernel', 'recurrent_kernel');
  if (kernels.length === 0) return unknown('no kernel or recurrent_kernel weights');
  const perSample = macsPlus(...kernels.map((shape) => macsTimes(...shape)));
  const input = call.inputShapes[0];
  if (!input) return unknownShape('input', input);
  const cellType = wrappedLayer(call)?.type ?? wrappedLayer(call, 'cell')?.type ?? call.type;
  const isCell = /Cell(s)?$/.test(call.type);
  let positions = 1;
  if (CONV_RECURRENT.test(cellType) || CONV_RECURRENT.test(call.type)) {
    const output = call.outputShapes[0];
    if (!output) return unknownShape('output', output);
    // Output (batch, [time,] *spatial, filters), or channels first (batch, [time,] filters, *spatial).
    const withTime = !isCell && output.length === input.length;
    const spatial = output.slice(withTime ? 2 : 1);
    const dims = channelsFirst(wrappedLayer(call)?.config ?? call.config) ? spatial.slice(1) : spatial.slice(0, -1);
    if (dims.some((d) => d === null)) return unknownShape('output', output);
    positions = macsTimes(...(dims as number[]));
  }
  const batch = withBatch(input, batchSize)[0];
  if (batch === null || batch === undefined) return unknownShape('input', input);
  const perStepMacs = macsTimes(batch, positions, perSample);
  if (isCell) return exact(perStepMacs);
  const steps = input[1];
  if (steps === null || steps === undefined) return perStep(perStepMacs, `the sequence length of the input ${describe(input)} is unknown`);
  return exact(macsTimes(perStepMacs, steps));
};

/** TimeDistributed: the wrapped layer on every time step, as one call with the steps folded into the batch. */
const timeDistributed: Rule = (call, batchSize) => {
  const inner = wrappedLayer(call);
  if (!inner) return unknown('TimeDistributed without the wrapped layer\'s class and config');
  const input = call.inputShapes[0];
  const output = call.outputShapes[0];
  if (!input || !output || input.length < 2) return unknownShape('input', input);
  const batch = withBatch(input, batchSize)[0] as number;
  const innerCall: LayerCallFacts = { type: inner.type, config: inner.config, weights: call.weights, inputShapes: [[null, ...input.slice(2)]], outputShapes: [[null, ...output.slice(2)]] };
  const steps = input[1];
  if (steps === null) {
    const oneStep = layerMacs(innerCall, batch);
    if (oneStep.kind !== 'exact') return unknown(`the wrapped ${inner.type}: ${oneStep.why}`);
    return perStep(oneStep.macs, `the number of time steps of the input ${describe(input)} is unknown`);
  }
  const result = layerMacs(innerCall, macsTimes(batch, steps));
  return result.kind === 'exact' ? result : unknown(`the wrapped ${inner.type}: ${result.why}`);
};

/** SpectralNormalization: the wrapped layer's call; the power iteration runs in training only. */
const spectralNormalization: Rule = (call, batchSize) => {
  const inner = wrappedLayer(call);
  if (!inner) return unknown('SpectralNormalization without the wrapped layer\'s class and config');
  const weights = call.weights.filter((w) => leafName(w.name) !== 'vector_u');
  return layerMacs({ ...call, type: inner.type, config: inner.config, weights }, batchSize);
};

/** A model used as a layer, or a Pipeline: the sum of its inner calls. */
const nestedCalls: Rule = (call, batchSize) => {
  if (!call.nested) return unknown(`a ${call.type} is costed by its inner calls, and none were given`);
  let total = 0;
  let steps = 0;
  for (const inner of call.nested) {
    const result = layerMacs(inner, batchSize);
    if (result.kind === 'unknown') return unknown(`inner ${inner.type}: ${result.why}`);
    if (result.kind === 'per-step') steps = macsPlus(steps, result.macs);
    else total = macsPlus(total, result.macs);
  }
  if (steps === 0) return exact(total);
  if (total === 0) return perStep(steps, 'inner layers run over a sequence of unknown length');
  return unknown(`${total} mult-adds plus ${steps} per step of a sequence of unknown length`);
};

/**
 * A Pipeline (one row, its layers run in sequence): the sum of its inner
 * calls, which its configuration records (`steps`: each run's calls, by
 * the input shape it ran on) where no nested calls are given.
 */
const pipeline: Rule = (call, batchSize) => {
  if (call.nested) return nestedCalls(call, batchSize);
  const steps = option(call.config, 'steps');
  const input = JSON.stringify(call.inputShapes[0] ?? null);
  const run = Array.isArray(steps) ? (steps as { input?: unknown; calls?: unknown }[]).find((step) => JSON.stringify(step.input) === input) : undefined;
  if (!run || !Array.isArray(run.calls)) return unknown(`a Pipeline is costed by its inner calls, and none were recorded for its input ${describe(call.inputShapes[0] ?? [])}`);
  return nestedCalls({ ...call, nested: run.calls as LayerCallFacts[] }, batchSize);
};

/** Keras's attention axes: the index axes of the query, default all but batch and features; negative counts from the query's rank. */
function attentionAxes(config: Record<string, unknown>, queryRank: number): number[] {
  const given = option(config, 'attentionAxes');
  if (given === null || given === undefined) return Array.from({ length: queryRank - 2 }, (_, i) => i + 1);
  return (Array.isArray(given) ? given : [given]).map((axis) => (Number(axis) < 0 ? queryRank + Number(axis) : Number(axis)));
}

function lastDim(shape: number[]): number {
  return shape[shape.length - 1];
}

function resolvedInputs(call: LayerCallFacts, batchSize: number, count: number): number[][] | MacsResult {
  const shapes: number[][] = [];
  for (let i = 0; i < count; i++) {
    const shape = call.inputShapes[i] ?? call.inputShapes[1];
    if (!shape) return unknown(`${call.type} is called on [query, value] or [query, value, key]`);
    const dims = withBatch(shape, batchSize);
    if (dims.some((d) => d === null)) return unknownShape(['query', 'value', 'key'][i], shape);
    shapes.push(dims as number[]);
  }
  return shapes;
}

/**
 * MultiHeadAttention: the query, key and value projections (and the gate's,
 * with use_gate), the two products (scores = query·key, then scores·value,
 * per head over the attention axes), and the output projection.
 */
const multiHeadAttention: Rule = (call, batchSize) => {
  const shapes = resolvedInputs(call, batchSize, 3);
  if (!Array.isArray(shapes)) return shapes;
  const [query, value, key] = shapes;
  const heads = Number(option(call.config, 'numHeads'));
  const keyDim = Number(option(call.config, 'keyDim'));
  const valueDim = Number(option(call.config, 'valueDim') ?? keyDim);
  if (![heads, keyDim, valueDim].every((n) => Number.isInteger(n) && n > 0)) return unknown('MultiHeadAttention needs num_heads and key_dim');
  const queryPositions = macsTimes(...query.slice(0, -1));
  const keyPositions = macsTimes(...key.slice(0, -1));
  const outputs = elementCount(call.outputShapes[0], batchSize);
  if (outputs === null) return unknownShape('output', call.outputShapes[0]);
  const outputWidth = exactDivide(outputs, queryPositions);
  if (outputWidth === null) return unknown('the output does not hold a whole output vector per query position');
  const axes = attentionAxes(call.config, query.length);
  const attended = (shape: number[]) => macsTimes(...axes.map((axis) => shape[axis]));
  const others = macsTimes(...query.slice(0, -1).filter((_, axis) => !axes.includes(axis)));
  const pairs = macsTimes(others, heads, attended(query), attended(key));
  const gate = option(call.config, 'useGate') ? macsTimes(queryPositions, lastDim(query), heads, valueDim) : 0;
  return exact(
    macsPlus(
      macsTimes(queryPositions, lastDim(query), heads, keyDim),
      macsTimes(keyPositions, lastDim(key), heads, keyDim),
      macsTimes(keyPositions, lastDim(value), heads, valueDim),
      gate,
      macsTimes(pairs, keyDim),
      macsTimes(pairs, valueDim),
      macsTimes(queryPositions, heads, valueDim, outputWidth),
    ),
  );
};

/**
 * GroupQueryAttention: projections to query heads and to the fewer key/value
 * heads (repeated, not recomputed, for the query heads), the two products per
 * query head, and the output projection back to the query's width.
 */
const groupQueryAttention: Rule = (call, batchSize) => {
  const shapes = resolvedInputs(call, batchSize, 3);
  if (!Array.isArray(shapes)) return shapes;
  const [query, value, key] = shapes;
  const headDim = Number(option(call.config, 'headDim'));
  const queryHeads = Number(option(call.config, 'numQueryHeads'));
  const kvHeads = Number(option(call.config, 'numKeyValueHeads'));
  if (![headDim, queryHeads, kvHeads].every((n) => Number.isInteger(n) && n > 0)) return unknown('GroupQueryAttention needs head_dim, num_query_heads and num_key_value_heads');
  const queryPositions = macsTimes(...query.slice(0, -1));
  const keyPositions = macsTimes(...key.slice(0, -1));
  const pairs = macsTimes(query[0], queryHeads, ...query.slice(1, -1), ...key.slice(1, -1));
  const gate = option(call.config, 'useGate') ? macsTimes(queryPositions, lastDim(query), queryHeads, headDim) : 0;
  return exact(
    macsPlus(
      macsTimes(queryPositions, lastDim(query), queryHeads, headDim),
      macsTimes(keyPositions, lastDim(key), kvHeads, headDim),
      macsTimes(keyPositions, lastDim(value), kvHeads, headDim),
      gate,
      macsTimes(pairs, headDim, 2),
      macsTimes(queryPositions, queryHeads, headDim, lastDim(query)),
    ),
  );
};

/**
 * Attention and AdditiveAttention: the score of every query step against
 * every key step over the features (a dot product, or the sum of scale ×
 * tanh(query + key)), then the scores times the values.
 */
const attention: Rule = (call, batchSize) => {
  const shapes = resolvedInputs(call, batchSize, 3);
  if (!Array.isArray(shapes)) return shapes;
  const [query, value] = shapes;
  const leading = query.slice(0, -2);
  const pairs = macsTimes(...leading, query[query.length - 2], value[value.length - 2]);
  return exact(macsPlus(macsTimes(pairs, lastDim(query)), macsTimes(pairs, lastDim(value))));
};

/** Dot: every output element is a sum over the contracted axis (and normalize=True adds two L2 normalizations). */
const dot: Rule = (call, batchSize) => {
  const [a, b] = call.inputShapes.map((shape) => withBatch(shape, batchSize));
  const outputs = elementCount(call.outputShapes[0], batchSize);
  if (!a || !b || outputs === null) return unknownShape('output', call.outputShapes[0]);
  const axes = perAxis(option(call.config, 'axes') ?? -1, 2);
  const axis = axes[0] < 0 ? a.length + axes[0] : axes[0];
  const contracted = a[axis];
  if (contracted === null || contracted === undefined) return unknownShape('input', call.inputShapes[0]);
  let macs = macsTimes(outputs, contracted);
  if (option(call.config, 'normalize')) {
    const sizes = [a, b].map((shape) => elementCount(shape, batchSize));
    if (sizes.some((size) => size === null)) return unknownShape('input', call.inputShapes[0]);
    macs = macsPlus(macs, ...sizes.map((size) => macsTimes(STATISTICS_PER_ELEMENT, size as number)));
  }
  return exact(macs);
};

/**
 * keras.ops.matmul: every output element is a dot product over x1's last
 * axis (numpy's rules: a 1-D x1 is a row, so its one axis is the one
 * contracted). fvcore's matmul_flop.
 */
const matmul: Rule = (call, batchSize) => {
  if (call.inputShapes.length !== 2) return unknown('a matrix product with a constant operand, whose shape the configuration does not give');
  const outputs = elementCount(call.outputShapes[0], batchSize);
  if (outputs === null) return unknownShape('output', call.outputShapes[0]);
  const first = withBatch(call.inputShapes[0], batchSize);
  const contracted = first[first.length - 1];
  if (contracted === null || contracted === undefined) return unknownShape('input', call.inputShapes[0]);
  return exact(macsTimes(outputs, contracted));
};

/**
 * keras.ops.einsum of two operands: every output element sums the products
 * over the letters the output drops, so output elements × their sizes (a
 * batched matrix product "bij,bjk->bik" is b·i·k·j, fvcore's bmm). One
 * operand only sums or rearranges (zero, as reductions); three or more
 * depend on the order the contraction takes: unknown.
 */
const einsum: Rule = (call, batchSize) => {
  const subscripts = option(call.config, 'subscripts');
  if (typeof subscripts !== 'string') return unknown('an einsum without its subscripts');
  if (call.inputShapes.length === 1) return ZERO;
  if (call.inputShapes.length !== 2) return unknown(`an einsum of ${call.inputShapes.length} operands, whose count depends on the order of contraction`);
  const outputs = elementCount(call.outputShapes[0], batchSize);
  if (outputs === null) return unknownShape('output', call.outputShapes[0]);
  const [inputs, output] = subscripts.split('->');
  const letters = (spec: string) => [...spec].filter((c) => /^\p{L}$/u.test(c));
  const all = letters(inputs);
  // Without "->", the output keeps the letters written once.
  const kept = new Set(output !== undefined ? letters(output) : all.filter((letter) => all.indexOf(letter) === all.lastIndexOf(letter)));
  const specs = inputs.split(',');
  const shapes = call.inputShapes.map((shape) => withBatch(shape, batchSize));
  let macs = outputs;
  for (const letter of new Set(all)) {
    if (kept.has(letter)) continue;
    const size = letterSize(letter, specs, shapes);
    if (size === null) return unknown(`the size of einsum's summed index "${letter}" is not known`);
    macs = macsTimes(macs, size);
  }
  // An output written without "..." sums the axes "..." stands for in the operands ("...i,...i->i" sums all but i).
  if (output !== undefined && !output.includes('...')) {
    const summed = ellipsisSize(specs, shapes);
    if (summed === null) return unknown('the size of the axes einsum\'s "..." sums is not known');
    macs = macsTimes(macs, summed);
  }
  return exact(macs);
};

/** How many elements the axes "..." stands for hold, broadcast over the operands that write it (1 when none does). */
function ellipsisSize(specs: string[], shapes: Shape[]): number | null {
  const broadcast: (number | null)[] = [];
  for (const [n, spec] of specs.entries()) {
    const parts = spec.split('...');
    if (parts.length === 1) continue;
    const shape = shapes[n];
    const axes = shape.slice(parts[0].length, shape.length - parts[1].length);
    // Aligned from the right, as broadcasting aligns them; a 1 takes the other's size.
    axes.reverse().forEach((size, i) => {
      const other = broadcast[i];
      broadcast[i] = other === undefined || other === 1 ? size : size === 1 ? other : size === null ? other : other === null ? size : Math.max(size, other);
    });
  }
  if (broadcast.some((size) => size === null)) return null;
  return macsTimes(1, ...(broadcast as number[]));
}

/**
 * The size an einsum index has in the operands that name it (from the left
 * of "..." or the right): broadcast, as the backends sum it, so a 1 in one
 * operand takes the other's size ("ij,jk" over (2, 1) and (3, 4) sums 3).
 */
function letterSize(letter: string, specs: string[], shapes: Shape[]): number | null {
  const sizes: (number | null)[] = [];
  for (const [n, spec] of specs.entries()) {
    const [head, tail] = spec.split('...');
    const shape = shapes[n];
    [...head].forEach((each, i) => each === letter && sizes.push(shape[i] ?? null));
    if (tail !== undefined) [...tail].forEach((each, i) => each === letter && sizes.push(shape[shape.length - tail.length + i] ?? null));
  }
  const known = sizes.filter((size): size is number => size !== null);
  const broadcast = known.find((size) => size !== 1);
  if (broadcast !== undefined) return broadcast;
  // Only 1s known: an unknown size may be larger.
  return known.length > 0 && known.length === sizes.length ? 1 : null;
}

/**
 * fvcore's estimate for a normalization that computes its statistics at run
 * time (layer, group and instance norm): 4 operations per element, 5 with a
 * learned scale or offset. Batch normalization at inference is not one of
 * them: its statistics are constants, and it folds into the layer before it.
 */
const STATISTICS_PER_ELEMENT = 4;

const runtimeNormalization: Rule = (call, batchSize) => {
  const perElement = STATISTICS_PER_ELEMENT + (call.weights.length > 0 ? 1 : 0);
  return perPosition(call, batchSize, (input) => macsTimes(perElement, ...input));
};

/** Average pooling: one add per element of every window, output elements × pool volume. */
const averagePooling: Rule = (call, batchSize) => {
  const rank = Number(/(\d)D$/.exec(call.type)?.[1] ?? 2);
  const pool = perAxis(option(call.config, 'poolSize') ?? 2, rank);
  const outputs = elementCount(call.outputShapes[0], batchSize);
  if (outputs === null) return unknownShape('output', call.outputShapes[0]);
  return exact(macsTimes(outputs, ...pool));
};

/** Global and adaptive average pooling: one add per input element, fvcore's adaptive_avg_pool2d. */
const inputElements: Rule = (call, batchSize) => perPosition(call, batchSize, (input) => macsTimes(...input));

/**
 * Interpolation per output element, after fvcore's upsample handles: nearest
 * 1, bilinear 4; bicubic reads 4 × 4 inputs, Lanczos-3 6 × 6 and Lanczos-5
 * 10 × 10; "area" averages, one add per input element (adaptive average pooling).
 */
const INTERPOLATION_TAPS: Record<string, number> = { nearest: 1, bilinear: 4, bicubic: 16, lanczos3: 36, lanczos5: 100 };

function interpolationMacs(call: LayerCallFacts, batchSize: number, interpolation: string): MacsResult {
  if (interpolation === 'area') {
    const inputs = elementCount(call.inputShapes[0], batchSize);
    return inputs === null ? unknownShape('input', call.inputShapes[0]) : exact(inputs);
  }
  const taps = INTERPOLATION_TAPS[interpolation];
  if (taps === undefined) return unknown(`interpolation "${interpolation}" has no rule`);
  const outputs = elementCount(call.outputShapes[0], batchSize);
  return outputs === null ? unknownShape('output', call.outputShapes[0]) : exact(macsTimes(taps, outputs));
}

const resize: Rule = (call, batchSize) => interpolationMacs(call, batchSize, String(option(call.config, 'interpolation') ?? (call.type === 'UpSampling2D' ? 'nearest' : 'bilinear')));

/** UpSampling1D and 3D repeat elements: nearest-neighbour, one per output element. */
const repeatUpsampling: Rule = (call, batchSize) => interpolationMacs(call, batchSize, 'nearest');

/** CenterCrop crops (no arithmetic) when the image is at least the target size, else resizes bilinearly (Keras's smart_resize). */
const centerCrop: Rule = (call, batchSize) => {
  const input = call.inputShapes[0];
  if (!input || input.length < 3) return unknownShape('input', input);
  const spatial = channelsFirst(call.config) ? input.slice(-2) : input.slice(-3, -1);
  const target = [Number(option(call.config, 'height')), Number(option(call.config, 'width'))];
  if (spatial.some((d) => d === null)) return unknownShape('input', input);
  const crops = spatial.every((d, i) => (d as number) >= target[i]);
  return crops ? ZERO : interpolationMacs(call, batchSize, 'bilinear');
};

/**
 * STFTSpectrogram: a strided 1-D convolution of every channel with the real
 * and imaginary DFT kernels (frame_length × frequency bins each), at every frame.
 */
const stftSpectrogram: Rule = (call, batchSize) => {
  const kernels = weightsNamed(call, 'real_kernel', 'imag_kernel');
  if (kernels.length === 0) return unknown('no real_kernel or imag_kernel weights');
  const input = call.inputShapes[0];
  const output = call.outputShapes[0];
  if (!input || !output) return unknownShape('input', input);
  const first = channelsFirst(call.config);
  const expand = Boolean(option(call.config, 'expandDims'));
  const channels = first ? input[1] : input[2];
  // Frames sit on axis 1 channels last (batch, frames, ...), channels first on the last axis, or axis 2 when expanded.
  const frames = first ? (expand ? output[2] : output[output.length - 1]) : output[1];
  const batch = withBatch(input, batchSize)[0];
  if ([channels, frames, batch].some((d) => d === null || d === undefined)) return unknownShape('input', input);
  const positions = macsTimes(batch as number, channels as number, frames as number);
  return exact(macsPlus(...kernels.map((kernel) => macsTimes(positions, ...kernel))));
};

/** tf.keras 2's wrapped raw TensorFlow ops: only those the tool knows the shape of, and all of them only move data. */
const tensorFlowOp: Rule = (call) => {
  const nodeDef = (option(call.config, 'nodeDef') ?? {}) as { op?: unknown };
  return nodeDef.op === 'DepthToSpace' ? ZERO : unknown(`TensorFlow op ${String(nodeDef.op)} has no rule`);
};

const customCode = opaque('it runs arbitrary code, whose cost cannot be known from its configuration');

// ---------------------------------------------------------------------------
// The table: every layer class the tool knows, from tfjs-layers' registry,
// src/model/keras-layers and keras.layers (Keras 3.15.1, aliases included).

/**
 * Keras 3's functional op nodes (keras.ops calls in a model's graph, rows of
 * their own: model/layers/operations.ts) by the class Keras prints, beside
 * the ones named like a layer (Add, Multiply, Concatenate, Reshape, Softmax,
 * ...: the same rule). Elementwise ops, reductions and reshapes: no
 * mult-adds by this convention, as fvcore leaves elementwise work out (the
 * merges are counted the same way).
 */
export const KERAS_OPERATION_CLASSES = [
  'Power', 'Fmax', 'Fmin', 'Mod', 'Fmod', 'FloorDivide', 'Divide', 'DivideNoNan', 'TrueDivide', 'Arctan2', 'Hypot', 'Logaddexp',
  'Logaddexp2', 'Heaviside', 'Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor',
  'Where', 'Abs', 'Absolute', 'Negative', 'Sign', 'Round', 'Trunc', 'Copy', 'NanToNum', 'StopGradient', 'Rsqrt', 'Erf', 'Erfinv', 'Relu',
  'Relu6', 'Sigmoid', 'HardSigmoid', 'HardSilu', 'Silu', 'Gelu', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign', 'LeakyRelu', 'LogSigmoid',
  'HardTanh', 'TanhShrink', 'SoftShrink', 'HardShrink', 'Squareplus', 'SparsePlus', 'SparseSigmoid', 'Threshold', 'Sqrt', 'Exp', 'Exp2',
  'Expm1', 'Log', 'Log1p', 'Log2', 'Log10', 'Sin', 'Cos', 'Tan', 'Tanh', 'Sinh', 'Cosh', 'Arcsin', 'Arccos', 'Arctan', 'Arcsinh',
  'Arccosh', 'Arctanh', 'Floor', 'Ceil', 'Reciprocal', 'Erfc', 'Cbrt', 'Square', 'Clip', 'LogicalNot', 'Isfinite', 'Isinf', 'Isnan',
  'LogSoftmax', 'Cast', 'SaturateCast', 'ConvertToTensor', 'ZerosLike', 'OnesLike', 'Any', 'All', 'Sum', 'Prod', 'Mean', 'Std', 'Var', 'Logsumexp', 'Max',
  'Min', 'Amax', 'Amin', 'Argmax', 'Argmin', 'Transpose', 'ExpandDims', 'Squeeze', 'Stack', 'GetItem', 'Matmul', 'Einsum',
] as const;

export const KNOWN_LAYER_CLASSES = [
  // convolutions
  'Conv1D', 'Conv2D', 'Conv3D', 'Convolution1D', 'Convolution2D', 'Convolution3D', 'DepthwiseConv1D', 'DepthwiseConv2D',
  'SeparableConv1D', 'SeparableConv2D', 'SeparableConvolution1D', 'SeparableConvolution2D',
  'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose', 'Convolution1DTranspose', 'Convolution2DTranspose', 'Convolution3DTranspose',
  // matrix products
  'Dense', 'EinsumDense', 'Embedding', 'ReversibleEmbedding',
  // recurrent
  'SimpleRNN', 'LSTM', 'GRU', 'RNN', 'SimpleRNNCell', 'LSTMCell', 'GRUCell', 'StackedRNNCells',
  'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D', 'ConvLSTM2DCell', 'Bidirectional',
  // wrappers and models
  'TimeDistributed', 'SpectralNormalization', 'Wrapper', 'Functional', 'Model', 'Sequential', 'Pipeline',
  // attention
  'MultiHeadAttention', 'GroupQueryAttention', 'GroupedQueryAttention', 'Attention', 'AdditiveAttention',
  // normalization
  'BatchNormalization', 'LayerNormalization', 'GroupNormalization', 'UnitNormalization', 'RMSNormalization', 'Normalization',
  // pooling
  'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D',
  'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D',
  'AdaptiveAveragePooling1D', 'AdaptiveAveragePooling2D', 'AdaptiveAveragePooling3D',
  'AdaptiveMaxPooling1D', 'AdaptiveMaxPooling2D', 'AdaptiveMaxPooling3D',
  // resizing
  'UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'Resizing', 'CenterCrop',
  // merges
  'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot',
  // activations
  'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'ThresholdedReLU',
  // reshaping, padding, cropping
  'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Identity', 'InputLayer', 'Masking',
  'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D', 'Cropping1D', 'Cropping2D', 'Cropping3D',
  // regularization (identities at inference)
  'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'ActivityRegularization',
  // preprocessing
  'Rescaling', 'CategoryEncoding', 'Discretization', 'Hashing', 'HashedCrossing', 'IntegerLookup', 'StringLookup', 'TextVectorization',
  'STFTSpectrogram', 'MelSpectrogram', 'AutoContrast', 'Equalization', 'Solarization', 'ContrastLimitedAdaptiveHistogramEqualization', 'MaxNumBoundingBoxes',
  'RandomCrop', 'RandomFlip', 'RandomRotation', 'RandomTranslation', 'RandomZoom', 'RandomContrast', 'RandomBrightness', 'RandomWidth',
  'RandomColorDegeneration', 'RandomColorJitter', 'RandomElasticTransform', 'RandomErasing', 'RandomGaussianBlur', 'RandomGrayscale',
  'RandomHue', 'RandomInvert', 'RandomPerspective', 'RandomPosterization', 'RandomSaturation', 'RandomSharpness', 'RandomShear',
  'AugMix', 'CutMix', 'MixUp', 'RandAugment',
  // Keras Applications' own classes: ConvNeXt's per-channel LayerScale and StochasticDepth (an identity at
  // inference), InceptionResNetV2's CustomScaleLayer (a residual's scaled sum): elementwise
  'LayerScale', 'StochasticDepth', 'CustomScaleLayer',
  // code the tool cannot see into
  'Lambda', 'Layer', 'TensorFlowOpLayer', 'FlaxLayer', 'JaxLayer', 'TFSMLayer', 'TorchModuleWrapper',
] as const;

export type KnownLayerClass = (typeof KNOWN_LAYER_CLASSES)[number] | (typeof KERAS_OPERATION_CLASSES)[number];

/** The same rule for each of these classes, as a table the compiler checks is complete. */
function each<K extends string>(classes: readonly K[], rule: Rule): Record<K, Rule> {
  return Object.fromEntries(classes.map((name) => [name, rule])) as Record<K, Rule>;
}

/** One rule per class; the compiler refuses a class of KNOWN_LAYER_CLASSES without one. */
const RULES: Record<KnownLayerClass, Rule> = {
  Conv1D: convolution, Conv2D: convolution, Conv3D: convolution,
  Convolution1D: convolution, Convolution2D: convolution, Convolution3D: convolution,
  DepthwiseConv1D: convolution, DepthwiseConv2D: convolution,
  SeparableConv1D: separableConvolution, SeparableConv2D: separableConvolution,
  SeparableConvolution1D: separableConvolution, SeparableConvolution2D: separableConvolution,
  Conv1DTranspose: transposedConvolution, Conv2DTranspose: transposedConvolution, Conv3DTranspose: transposedConvolution,
  Convolution1DTranspose: transposedConvolution, Convolution2DTranspose: transposedConvolution, Convolution3DTranspose: transposedConvolution,

  Dense: dense, EinsumDense: einsumDense, Embedding: embedding, ReversibleEmbedding: embedding,

  SimpleRNN: recurrent, LSTM: recurrent, GRU: recurrent, RNN: recurrent,
  SimpleRNNCell: recurrent, LSTMCell: recurrent, GRUCell: recurrent, StackedRNNCells: recurrent,
  ConvLSTM1D: recurrent, ConvLSTM2D: recurrent, ConvLSTM3D: recurrent, ConvLSTM2DCell: recurrent,
  Bidirectional: recurrent,

  TimeDistributed: timeDistributed, SpectralNormalization: spectralNormalization,
  Wrapper: opaque('Wrapper is the abstract base of wrappers; its subclass decides what runs'),
  Functional: nestedCalls, Model: nestedCalls, Sequential: nestedCalls, Pipeline: pipeline,

  MultiHeadAttention: multiHeadAttention, GroupQueryAttention: groupQueryAttention, GroupedQueryAttention: groupQueryAttention, Attention: attention, AdditiveAttention: attention,

  BatchNormalization: zero, Normalization: zero,
  LayerNormalization: runtimeNormalization, GroupNormalization: runtimeNormalization,
  UnitNormalization: runtimeNormalization, RMSNormalization: runtimeNormalization,

  AveragePooling1D: averagePooling, AveragePooling2D: averagePooling, AveragePooling3D: averagePooling,
  AvgPool1D: averagePooling, AvgPool2D: averagePooling, AvgPool3D: averagePooling,
  MaxPooling1D: zero, MaxPooling2D: zero, MaxPooling3D: zero, MaxPool1D: zero, MaxPool2D: zero, MaxPool3D: zero,
  GlobalAveragePooling1D: inputElements, GlobalAveragePooling2D: inputElements, GlobalAveragePooling3D: inputElements,
  GlobalAvgPool1D: inputElements, GlobalAvgPool2D: inputElements, GlobalAvgPool3D: inputElements,
  GlobalMaxPooling1D: zero, GlobalMaxPooling2D: zero, GlobalMaxPooling3D: zero,
  GlobalMaxPool1D: zero, GlobalMaxPool2D: zero, GlobalMaxPool3D: zero,
  AdaptiveAveragePooling1D: inputElements, AdaptiveAveragePooling2D: inputElements, AdaptiveAveragePooling3D: inputElements,
  AdaptiveMaxPooling1D: zero, AdaptiveMaxPooling2D: zero, AdaptiveMaxPooling3D: zero,

  UpSampling1D: repeatUpsampling, UpSampling2D: resize, UpSampling3D: repeatUpsampling, Resizing: resize, CenterCrop: centerCrop,

  Add: zero, Subtract: zero, Multiply: zero, Average: zero, Maximum: zero, Minimum: zero, Concatenate: zero, Dot: dot,

  Activation: zero, ReLU: zero, LeakyReLU: zero, PReLU: zero, ELU: zero, Softmax: zero, ThresholdedReLU: zero,

  Flatten: zero, Reshape: zero, Permute: zero, RepeatVector: zero, Identity: zero, InputLayer: zero, Masking: zero,
  ZeroPadding1D: zero, ZeroPadding2D: zero, ZeroPadding3D: zero, Cropping1D: zero, Cropping2D: zero, Cropping3D: zero,

  Dropout: zero, SpatialDropout1D: zero, SpatialDropout2D: zero, SpatialDropout3D: zero, AlphaDropout: zero,
  GaussianDropout: zero, GaussianNoise: zero, ActivityRegularization: zero,

  Rescaling: zero, CategoryEncoding: zero, Discretization: zero, Hashing: zero, HashedCrossing: zero,
  IntegerLookup: zero, StringLookup: zero, TextVectorization: zero,
  STFTSpectrogram: stftSpectrogram,
  MelSpectrogram: opaque('its short-time Fourier transform is an FFT, which this convention (like fvcore) has no count for'),
  AutoContrast: zero, Equalization: zero, Solarization: zero,
  ContrastLimitedAdaptiveHistogramEqualization: opaque('histogram equalization has no mult-add count in this convention'),
  MaxNumBoundingBoxes: zero,
  RandomCrop: zero, RandomFlip: zero, RandomRotation: zero, RandomTranslation: zero, RandomZoom: zero,
  RandomContrast: zero, RandomBrightness: zero, RandomWidth: zero, RandomColorDegeneration: zero, RandomColorJitter: zero,
  RandomElasticTransform: zero, RandomErasing: zero, RandomGaussianBlur: zero, RandomGrayscale: zero, RandomHue: zero,
  RandomInvert: zero, RandomPerspective: zero, RandomPosterization: zero, RandomSaturation: zero, RandomSharpness: zero,
  RandomShear: zero, AugMix: zero, CutMix: zero, MixUp: zero, RandAugment: zero,

  LayerScale: zero, StochasticDepth: zero, CustomScaleLayer: zero,
  Lambda: customCode, Layer: customCode, FlaxLayer: customCode, JaxLayer: customCode, TFSMLayer: customCode, TorchModuleWrapper: customCode,
  TensorFlowOpLayer: tensorFlowOp,
  ...each(KERAS_OPERATION_CLASSES, zero),
  // The products among them.
  Matmul: matmul,
  Einsum: einsum,
};

export function isKnownLayerClass(type: string): type is KnownLayerClass {
  return Object.prototype.hasOwnProperty.call(RULES, type);
}

/**
 * The mult-adds of one call of one layer at the batch size (the batch
 * dimension when it is None; a fixed batch dimension stays as it is).
 * Exact when every size it needs is known; per-step when only a sequence's
 * length is unknown and the cost grows with it; unknown, with why, otherwise.
 * Throws CostOverflowError past Number.MAX_SAFE_INTEGER.
 */
export function layerMacs(call: LayerCallFacts, batchSize: number): MacsResult {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size ${batchSize} is not a positive whole number`);
  if (!isKnownLayerClass(call.type)) return unknown(`no mult-add rule for the class ${call.type}`);
  return RULES[call.type](call, batchSize);
}

// ---------------------------------------------------------------------------
// Activation memory.

/** Bytes per element of each dtype a tensor can have; strings have no fixed size. */
const DTYPE_BYTES: Record<string, number | null> = {
  float16: 2, bfloat16: 2, float32: 4, float64: 8,
  int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8,
  bool: 1, complex64: 8, complex128: 16, string: null,
};

/**
 * The bytes of one tensor of `shape` and `dtype` at the batch size (the batch
 * dimension when it is None), or null when another dimension is unknown or
 * the dtype has no fixed size (string). An unrecognised dtype is an error.
 */
export function activationBytes(shape: (number | null)[], dtype: string, batchSize: number): number | null {
  const perElement = DTYPE_BYTES[dtype.replace(/^mixed_/, '')];
  if (perElement === undefined) throw new UnknownDtypeError(dtype);
  const dims = withBatch(shape, batchSize);
  if (perElement === null || dims.some((d) => d === null)) return null;
  return times('bytes', perElement, ...(dims as number[]));
}

export interface ExecutionGraph {
  tensors: { id: string; shape: (number | null)[]; dtype: string }[];
  inputs: string[];
  outputs: string[];
  /** In execution order. */
  calls: { name: string; inputs: string[]; outputs: string[] }[];
}

export interface PeakActivations {
  /** The most bytes live at once, or null when a tensor's size is unknown. */
  peakBytes: number | null;
  /** The call during which the peak is reached (the first, on a tie); absent for a graph of no calls. */
  atCall?: string;
  /** The tensors live at the peak, in the graph's tensor order. */
  liveAtPeak?: string[];
  /** Why there is no figure. */
  why?: string;
}

/**
 * Peak live activation memory of inference, by a liveness walk over the calls
 * in execution order. The convention:
 * - model inputs are live from the start, before the first call;
 * - while a call runs, its inputs and its outputs are all live (no call works
 *   in place), so a call's moment holds everything live before it plus its
 *   outputs;
 * - after a call, every tensor whose last consumer it was is freed, and so is
 *   each of its outputs that no later call reads, unless it is a model output;
 * - model outputs stay live until the end;
 * - every output is its own buffer: views and identities (Reshape, Dropout at
 *   inference) are not aliased, which gives an upper bound for runtimes that
 *   alias them; weights are not activations and are not counted.
 * The peak is the largest of those moments (and of the inputs alone, for a
 * graph with no calls).
 */
export function peakActivationBytes(graph: ExecutionGraph, batchSize: number): PeakActivations {
  const sizes = new Map<string, number>();
  const order = new Map<string, number>();
  for (const [index, tensor] of graph.tensors.entries()) {
    order.set(tensor.id, index);
    const bytes = activationBytes(tensor.shape, tensor.dtype, batchSize);
    if (bytes === null) return { peakBytes: null, why: `tensor ${tensor.id} of shape ${describe(tensor.shape)} (${tensor.dtype}) has no known size` };
    sizes.set(tensor.id, bytes);
  }
  const sizeOf = (id: string) => {
    const size = sizes.get(id);
    if (size === undefined) throw new Error(`the execution graph names tensor ${id} but does not list it`);
    return size;
  };
  const lastUse = new Map<string, number>();
  graph.calls.forEach((call, index) => call.inputs.forEach((id) => lastUse.set(id, index)));
  const keep = new Set(graph.outputs);
  /**
   * Walks the calls in order, calling `moment` with each call's index and the
   * bytes live while it runs; stops after the moment of call `stopAt`, with
   * what is live then. Run twice: for the peak, then for what is live at it
   * (copying the live set at every new peak is quadratic in a wide model).
   */
  const walk = (moment: (index: number, bytes: number) => void, stopAt = graph.calls.length): Set<string> => {
    const live = new Set<string>();
    let liveBytes = 0;
    const allocate = (id: string) => {
      if (live.has(id)) return;
      live.add(id);
      liveBytes = plus('bytes', liveBytes, sizeOf(id));
    };
    for (const id of graph.inputs) allocate(id);
    moment(-1, liveBytes);
    for (const [index, call] of graph.calls.entries()) {
      for (const id of call.inputs) {
        if (!live.has(id)) throw new Error(`call ${call.name} reads tensor ${id} before anything makes it (or after it was freed)`);
      }
      for (const id of call.outputs) allocate(id);
      moment(index, liveBytes);
      if (index === stopAt) break;
      for (const id of [...call.inputs, ...call.outputs]) {
        const last = lastUse.get(id);
        if (live.has(id) && !keep.has(id) && (last === undefined || last <= index)) {
          live.delete(id);
          liveBytes -= sizeOf(id);
        }
      }
    }
    return live;
  };
  // The inputs alone are the peak of a graph with no calls; else the first call's moment starts it, the largest wins.
  let peakIndex = -1;
  let peakBytes = 0;
  walk((index, bytes) => {
    if (index === -1 || peakIndex === -1 || bytes > peakBytes) [peakIndex, peakBytes] = [index, bytes];
  });
  const liveAtPeak = [...walk(() => undefined, peakIndex)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return peakIndex === -1 ? { peakBytes, liveAtPeak } : { peakBytes, atCall: graph.calls[peakIndex].name, liveAtPeak };
}
