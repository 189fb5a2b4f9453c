import { firstShape } from '../../core/shapes.js';
import type { Shape } from '../tfjs.js';
import { apartFromQuantization, float8Weights, modeNotSupported, packed, type Quantization, type WeightPlan } from './dtype-policy.js';
import { KerasLayer } from './keras-layer.js';

/**
 * Keras's EinsumDense (keras/src/layers/core/einsum_dense.py): a kernel, and
 * optionally a bias, whose shapes come from an einsum equation
 * "input,kernel->output" and the output shape the user gives (with None
 * for dimensions taken from the input), and an ellipsis "..." for the
 * dimensions the equation leaves alone. Every rule here follows Keras's
 * _analyze_einsum_string, including its quirks: the letters are matched at
 * the start of the equation only, and dimensions elided on the left are
 * put back in reverse order.
 */

export interface EinsumAnalysis {
  kernelShape: Shape;
  biasShape: Shape | null;
  outputShape: Shape;
}

type Specs = { input: string; weight: string; output: string; ellipsis: 'none' | 'left' | 'right' };

/** The equation's three specs, as Keras's regular expressions (anchored at the start only) read them. */
function splitEquation(equation: string): Specs {
  const dotted = equation.replace(/\.\.\./g, '0');
  let match = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)/.exec(dotted);
  if (match) return { input: match[1], weight: match[2], output: match[3], ellipsis: 'none' };
  match = /^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)/.exec(dotted);
  if (match) return { input: match[1], weight: match[2], output: match[3], ellipsis: 'left' };
  match = /^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0/.exec(dotted);
  if (match) return { input: match[1], weight: match[2], output: match[3], ellipsis: 'right' };
  throw new Error(`Invalid einsum equation '${equation}'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....`);
}

/** Python's sequence indexing: negative from the end; out of range is Python's IndexError. */
function at<T>(list: readonly T[], index: number): T {
  const i = index < 0 ? list.length + index : index;
  if (i < 0 || i >= list.length) throw new Error('tuple index out of range (the input has fewer dimensions than the equation names)');
  return list[i];
}

const dim = (value: number | null) => (value === null ? 'None' : String(value));

/** Kernel, bias and output shapes for an input shape, or Keras's error. */
export function analyzeEinsum(equation: string, biasAxes: string | null, inputShape: Shape, partialOutputShape: number | (number | null)[]): EinsumAnalysis {
  const specs = splitEquation(equation);
  const left = specs.ellipsis === 'left';
  const elided = inputShape.length - specs.input.length;
  const outputShape: Shape = [inputShape[0], ...(typeof partialOutputShape === 'number' ? [partialOutputShape] : partialOutputShape)];
  if (elided > 0 && left) {
    // Keras inserts each at position 1, so they land in reverse order.
    for (let i = 1; i < elided; i++) outputShape.splice(1, 0, inputShape[i]);
  } else if (elided > 0) {
    for (let i = inputShape.length - elided; i < inputShape.length; i++) outputShape.push(inputShape[i]);
  }
  const inputIndex = new Map<string, number>();
  const outputIndex = new Map<string, number>();
  [...specs.input].forEach((letter, i) => inputIndex.set(letter, left ? i + elided - inputShape.length : i));
  [...specs.output].forEach((letter, i) => outputIndex.set(letter, left ? i + elided : i));
  for (const letter of specs.input) {
    const inputDim = at(inputShape, inputIndex.get(letter) as number);
    if (!outputIndex.has(letter)) continue;
    const outputDim = at(outputShape, outputIndex.get(letter) as number);
    if (outputDim !== null && outputDim !== inputDim) {
      throw new Error(`Input shape and output shape do not match at shared dimension '${letter}'. Input shape is ${dim(inputDim)}, and output shape is ${dim(outputDim)}.`);
    }
  }
  for (const letter of specs.output) {
    if (!specs.input.includes(letter) && !specs.weight.includes(letter)) {
      // Keras's message names the output spec where it means the weight spec.
      throw new Error(`Dimension '${letter}' was specified in the output '${specs.output}' but has no corresponding dim in the input spec '${specs.input}' or weight spec '${specs.output}'`);
    }
  }
  const kernelShape: Shape = [...specs.weight].map((letter) => {
    if (outputIndex.has(letter)) return at(outputShape, outputIndex.get(letter) as number);
    if (inputIndex.has(letter)) return at(inputShape, inputIndex.get(letter) as number);
    throw new Error(
      `Weight dimension '${letter}' did not have a match in either the input spec '${specs.input}' or the output spec '${specs.output}'. For this layer, the weight must be fully specified.`,
    );
  });
  let biasShape: Shape | null = null;
  if (biasAxes !== null) {
    const leftElided = left ? elided : 0;
    for (const letter of biasAxes) {
      if (!specs.output.includes(letter)) throw new Error(`Bias dimension '${letter}' was requested, but is not part of the output spec '${specs.output}'`);
    }
    if (biasAxes.length === 0) throw new Error('min() arg is an empty sequence (bias_axes is empty; leave it out for no bias)');
    const first = Math.min(...[...biasAxes].map((letter) => specs.output.indexOf(letter)));
    biasShape = [...specs.output.slice(first)].map((letter) => (biasAxes.includes(letter) ? at(outputShape, specs.output.indexOf(letter) + leftElided) : 1));
    if (!left) for (let i = 0; i < elided; i++) biasShape.push(1);
  }
  return { kernelShape, biasShape, outputShape };
}

/** Python's list.insert: an index past either end goes to that end; a negative one counts from the end. */
function pyInsert<T>(list: T[], index: number, item: T): void {
  let i = index < 0 ? Math.max(list.length + index, 0) : index;
  if (i > list.length) i = list.length;
  list.splice(i, 0, item);
}

/** Python's list.pop(index), with its IndexError. */
function pyPop<T>(list: T[], index: number): void {
  const i = index < 0 ? list.length + index : index;
  if (i < 0 || i >= list.length) throw new Error('pop index out of range');
  list.splice(i, 1);
}

/**
 * The kernel's axes Keras's quantizer reduces over (the letters the output
 * lacks) and the shape of its per-channel int8 scale, following
 * _analyze_quantization_info and _get_kernel_scale_shape step by step
 * (a Python variable is reused across its loops, and so is `index` here).
 * Keras reads an equation with "..." here by its rank alone and fails on it.
 */
function quantizationAxes(equation: string, kernelShape: number[]): { reduced: number[]; scaleShape: number[] } {
  const specs = splitEquation(equation);
  if (specs.ellipsis !== 'none') {
    throw new Error("object of type 'int' has no len() (Keras cannot quantize an EinsumDense whose equation has \"...\" to int8 or int4)");
  }
  const { input, weight, output } = specs;
  let index = 0;
  const inputReduced: number[] = [];
  const weightReduced: number[] = [];
  [...input].forEach((letter, i) => {
    index = output.indexOf(letter);
    if (index === -1) inputReduced.push(i);
  });
  [...weight].forEach((letter, i) => {
    index = output.indexOf(letter);
    if (index === -1) weightReduced.push(i);
  });
  const inputExpand: number[] = [];
  const weightExpand: number[] = [];
  [...output].forEach((letter, i) => {
    if (!input.includes(letter)) inputExpand.push(i);
    if (!weight.includes(letter)) weightExpand.push(i);
  });
  const inputTranspose: number[] = [];
  const weightTranspose: number[] = [];
  for (const letter of output) {
    if (input.includes(letter)) inputTranspose.push(input.indexOf(letter));
    if (weight.includes(letter)) weightTranspose.push(weight.indexOf(letter));
  }
  const weightSqueeze: number[] = [];
  for (const original of inputReduced) {
    if (inputExpand.length > 0) index = inputExpand.shift() as number;
    pyInsert(inputTranspose, index, original);
  }
  for (const original of weightReduced) {
    if (weightExpand.length > 0) index = weightExpand.shift() as number;
    else weightSqueeze.push(original);
    pyInsert(weightTranspose, index, original);
  }
  const scale = kernelShape.map((size, axis) => (weightReduced.includes(axis) ? 1 : size));
  const scaleShape = weightTranspose.map((axis) => scale[axis]);
  for (const axis of [...weightExpand].sort((a, b) => a - b)) pyInsert(scaleShape, axis, 1);
  for (const axis of [...weightSqueeze].sort((a, b) => b - a)) pyPop(scaleShape, axis);
  return { reduced: weightReduced, scaleShape };
}

/**
 * The weights of an EinsumDense of this kernel (and bias) shape, as Keras
 * creates them for each quantization mode and with LoRA: the kernel, its
 * scales, the bias, the low-rank pair. (Also MultiHeadAttention's and
 * GroupQueryAttention's projections, EinsumDense layers of their own.)
 */
export function einsumWeights(equation: string, kernelShape: number[], biasShape: number[] | null, quantization: Quantization | undefined, loraRank: number | null): WeightPlan[] {
  const dtype = quantization?.variableDtype;
  const weights: WeightPlan[] = [];
  const kernel = (shape: number[], quantized: boolean) => weights.push({ name: 'kernel', shape, trainable: !quantized && !loraRank, dtype: quantized ? 'int8' : dtype });
  if (quantization?.mode === 'int8') {
    kernel(kernelShape, true);
    weights.push({ name: 'kernel_scale', shape: quantizationAxes(equation, kernelShape).scaleShape, trainable: false, dtype });
  } else if (quantization?.mode === 'int4') {
    const { reduced } = quantizationAxes(equation, kernelShape);
    const rows = kernelShape.reduce((product, size, axis) => (reduced.includes(axis) ? product * size : product), 1);
    const columns = kernelShape.reduce((product, size, axis) => (reduced.includes(axis) ? product : product * size), 1);
    kernel([rows, packed(columns)], true);
    const blocks = quantization.blockSize;
    const scaleShape = blocks === undefined ? [columns] : [Math.ceil(rows / blocks), columns];
    weights.push({ name: 'kernel_scale', shape: scaleShape, trainable: false, dtype });
    if (blocks !== undefined) {
      weights.push({ name: 'kernel_zero', shape: scaleShape, trainable: false, dtype: 'int8' });
      weights.push({ name: 'g_idx', shape: [rows], trainable: false, dtype: 'float32' });
    }
  } else {
    if (quantization?.mode === 'float8') weights.push(...float8Weights(quantization));
    kernel(kernelShape, false);
  }
  if (biasShape) weights.push({ name: 'bias', shape: biasShape, trainable: true, dtype });
  if (loraRank) {
    weights.push({ name: 'lora_kernel_a', shape: [...kernelShape.slice(0, -1), loraRank], trainable: true, dtype: 'float32' });
    weights.push({ name: 'lora_kernel_b', shape: [loraRank, kernelShape[kernelShape.length - 1]], trainable: true, dtype: 'float32' });
  }
  return weights;
}

/** Keras's LoRA arguments: lora_rank a positive whole number, or none. */
export function loraRankOf(value: unknown): number | null {
  if (value === null || value === undefined || value === 0 || value === false) return null;
  if (!Number.isInteger(value) || (value as number) < 0) throw new Error(`lora_rank must be a positive whole number, not ${JSON.stringify(value)}`);
  return value as number;
}

/** A shape every dimension of which is known, or Keras's error for the variable it would make. */
export function fullyDefined(shape: Shape, variable: string): number[] {
  if (shape.some((d) => d === null)) {
    const dims = shape.map(dim);
    throw new Error(`Shapes used to initialize variables must be fully-defined (no \`None\` dimensions). Received: shape=${dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`} for variable path='${variable}'`);
  }
  return shape as number[];
}

/** Keras's EinsumDense. */
export class EinsumDense extends KerasLayer {
  static className = 'EinsumDense';
  static override defaults = {
    equation: undefined, outputShape: undefined, activation: null, biasAxes: null,
    loraRank: null, loraAlpha: null, dtype: null,
  };
  private readonly quantization: Quantization | undefined;

  constructor(config: Record<string, unknown> = {}) {
    const { config: forTfjs, quantization } = apartFromQuantization(config);
    super(forTfjs);
    this.quantization = quantization;
    // The policy stays in the config, so that a layer rebuilt from it (a merge's counterfactual) is quantized alike.
    this.args.dtype = config.dtype ?? null;
  }

  protected override validate(): void {
    if (typeof this.args.equation !== 'string') throw new Error(`EinsumDense needs "equation", a string such as "ab,bc->ac"; got ${JSON.stringify(this.args.equation)}`);
    const out = this.args.outputShape;
    const ok = (Number.isInteger(out) && (out as number) > 0) || (Array.isArray(out) && out.every((d) => d === null || (Number.isInteger(d) && d > 0)));
    if (!ok) throw new Error(`EinsumDense needs "output_shape", a positive whole number or a list of them (null for a dimension taken from the input); got ${JSON.stringify(out)}`);
    const bias = this.args.biasAxes;
    if (bias !== null && typeof bias !== 'string') throw new Error(`"bias_axes" must be a string of the output's letters, not ${JSON.stringify(bias)}`);
    loraRankOf(this.args.loraRank);
  }

  private analyze(inputShape: Shape): EinsumAnalysis {
    return analyzeEinsum(this.args.equation as string, this.args.biasAxes as string | null, inputShape, this.args.outputShape as number | (number | null)[]);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.analyze(firstShape(inputShape)).outputShape;
  }

  override build(inputShape: Shape | Shape[]): void {
    const { kernelShape, biasShape } = this.analyze(firstShape(inputShape));
    const kernel = fullyDefined(kernelShape, `${this.name}/kernel`);
    const bias = biasShape && fullyDefined(biasShape, `${this.name}/bias`);
    for (const weight of einsumWeights(this.args.equation as string, kernel, bias, this.quantization, loraRankOf(this.args.loraRank))) {
      this.addParams(weight.name, weight.shape, weight.trainable, weight.dtype);
    }
    super.build(inputShape);
  }
}
