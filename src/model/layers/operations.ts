import { UserError } from '../../core/errors.js';
import { KERAS_OP_PREFIX, OPERAND_TENSOR } from '../../core/keras-names.js';
import { tfc, tfl, type Layer, type LayerConstructor, type Shape, type SymbolicTensor, type Tensor } from '../tfjs.js';
import { KerasLayer } from './keras-layer.js';

/**
 * Keras 3's functional op nodes: a `keras.ops` call on a symbolic tensor
 * outside any layer (MobileNetV3's hard_sigmoid is `ops.multiply(relu6(x +
 * 3), 1 / 6)`; an Embedding's mask is `ops.not_equal(x, 0)`) is a node of the
 * model's graph of its own, saved in a config as an entry whose module is
 * `keras.src.ops.<module>` and whose call arguments hold the tensors and the
 * constants it was called with. Keras's summary shows each as a row: its
 * name, its class (`not_equal (NotEqual)`), its output shape, 0 params.
 *
 * Each is a layer class here whose tfjs class name is `keras.ops.<Class>`:
 * apart from Keras's layers (an op `Add` is not the merge layer `Add`, and
 * is never analysed or swapped as one), and never a spec's layer type. Its
 * configuration holds the op's own arguments (axis, keepdims, dtype, ...)
 * and `operands`, the call's positional arguments with each tensor replaced
 * by TENSOR, in order: the tensors are the layer's inputs, the rest are the
 * constants it was called with. The shape rules are Keras's
 * compute_output_spec (keras/src/ops/numpy.py, nn.py, core.py, math.py).
 */

const OPERATION_PREFIX = KERAS_OP_PREFIX;
const TENSOR = OPERAND_TENSOR;

export function isTensorMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { tensor?: unknown }).tensor === true;
}

type Dim = number | null;
type OperandShape = Dim[] | OperandShape[] | undefined;

/** An op's output dtype, from its inputs' (tfjs has only float32, int32, bool and string). */
type DtypeRule = 'same' | 'bool' | 'int32' | 'float' | 'numeric' | 'result' | 'config';

interface OperationRule {
  /** The op's own constructor arguments (camelCase, as a tfjs config has them) and Keras's defaults. */
  defaults?: Record<string, unknown>;
  dtype: DtypeRule;
  /**
   * The output shape from the operands' shapes (a constant's is undefined: Keras's getattr(x, "shape", []) gives
   * it none), the op's arguments, and the operands as written (a GetItem's key is a constant).
   */
  shape: (operands: OperandShape[], args: Record<string, unknown>, written: unknown[]) => Dim[];
}

class OperationError extends Error {}

function fail(message: string): never {
  throw new OperationError(message);
}

function tensorShape(operand: OperandShape, what = 'x'): Dim[] {
  if (!Array.isArray(operand) || operand.some((d) => Array.isArray(d))) fail(`\`${what}\` must be a tensor`);
  return operand as Dim[];
}

function shapeOrScalar(operand: OperandShape): Dim[] {
  return Array.isArray(operand) && !operand.some((d) => Array.isArray(d)) ? (operand as Dim[]) : [];
}

/** keras.src.ops.operation_utils.broadcast_shapes. */
export function broadcastShapes(first: Dim[], second: Dim[]): Dim[] {
  let shape1 = [...first];
  let shape2 = [...second];
  if (shape1.length > shape2.length) shape2 = [...Array(shape1.length - shape2.length).fill(1), ...shape2];
  if (shape1.length < shape2.length) shape1 = [...Array(shape2.length - shape1.length).fill(1), ...shape1];
  return shape1.map((d1, i) => {
    const d2 = shape2[i];
    if (d1 === 1) return d2;
    if (d1 === null) return d2 === 1 ? null : d2;
    if (d2 === 1 || d2 === null || d2 === d1) return d1;
    return fail(`Cannot broadcast shape, the failure dim has value ${d1}, which cannot be broadcasted to ${d2}. Input shapes are: ${pyList(first)} and ${pyList(second)}.`);
  });
}

/** keras's canonicalize_axis. */
function canonicalAxis(axis: unknown, dims: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) fail(`axis must be a whole number, not ${JSON.stringify(axis)}`);
  if (axis < -dims || axis >= dims) fail(`axis ${axis} is out of bounds for an array with dimension ${dims}.`);
  return axis < 0 ? axis + dims : axis;
}

function axisList(axis: unknown): unknown[] {
  return Array.isArray(axis) ? axis : [axis];
}

/** keras.src.ops.operation_utils.reduce_shape. */
function reduceShape(shape: Dim[], axis: unknown, keepdims: unknown): Dim[] {
  if (axis === null || axis === undefined) return keepdims ? shape.map(() => 1) : [];
  const axes = axisList(axis).map((a) => canonicalAxis(a, shape.length));
  if (keepdims) return shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return shape.filter((_, i) => !axes.includes(i));
}

function pyList(shape: Dim[]): string {
  return `[${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
}

function pyTuple(shape: Dim[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

const unary = (dtype: DtypeRule): OperationRule => ({ dtype, shape: ([x]) => tensorShape(x) });
const binary = (dtype: DtypeRule): OperationRule => ({ dtype, shape: ([x1, x2]) => broadcastShapes(shapeOrScalar(x1), shapeOrScalar(x2)) });
const reduction = (dtype: DtypeRule): OperationRule => ({
  defaults: { axis: null, keepdims: false },
  dtype,
  shape: ([x], args) => reduceShape(tensorShape(x), args.axis, args.keepdims),
});
const withAxis = (dtype: DtypeRule): OperationRule => ({
  defaults: { axis: -1 },
  dtype,
  shape: ([x], args) => {
    const shape = tensorShape(x);
    if (args.axis !== null) for (const a of axisList(args.axis)) canonicalAxis(a, shape.length);
    return shape;
  },
});

/** keras.src.ops.operation_utils.compute_reshape_output_shape. */
function reshaped(input: Dim[], target: unknown): Dim[] {
  if (!Array.isArray(target) || !target.every((d) => typeof d === 'number' && Number.isInteger(d))) fail(`newshape must be a list of whole numbers, not ${JSON.stringify(target)}`);
  const newshape = target as number[];
  const unknownCount = newshape.filter((d) => d === -1).length;
  if (unknownCount > 1 || newshape.some((d) => d < -1)) fail(`There must be at most one unknown dimension (-1) in newshape. Received: newshape=${pyTuple(newshape)}.`);
  if (input.includes(null)) return newshape.map((d) => (d === -1 ? null : d));
  const size = (input as number[]).reduce((a, b) => a * b, 1);
  if (unknownCount === 0) {
    if (size !== newshape.reduce((a, b) => a * b, 1)) fail(`The total size of the tensor must be unchanged. Received: input_shape=${pyTuple(input)}, newshape=${pyTuple(newshape)}`);
    return newshape;
  }
  const known = newshape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (known === 0 || size % known !== 0) {
    fail(`The total size of the tensor must be unchanged, however, the input size cannot by divided by the specified dimensions in newshape. Received: input_shape=${pyTuple(input)}, newshape=${pyTuple(newshape)}`);
  }
  return newshape.map((d) => (d === -1 ? size / known : d));
}

/** keras.src.ops.operation_utils.compute_transpose_output_shape. */
function transposed(input: Dim[], axes: unknown): Dim[] {
  if (axes === null || axes === undefined) return [...input].reverse();
  const list = axisList(axes);
  const dims = input.length;
  if (list.length !== dims) fail(`axis must be a list of the same length as the input shape, expected ${dims}, but received ${list.length}.`);
  const normalized = list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -dims || a >= dims) fail(`Each axis in \`axes\` must be an integer in [-${dims}, ${dims}). Received: axes=${JSON.stringify(list)}.`);
    return ((a % dims) + dims) % dims;
  });
  if (new Set(normalized).size !== dims) fail(`\`axes\` must be a valid permutation of the input dimensions. Received: axes=${JSON.stringify(list)}.`);
  return normalized.map((a) => input[a]);
}

/** keras.src.ops.operation_utils.compute_expand_dims_output_shape. */
function expanded(input: Dim[], axis: unknown): Dim[] {
  const axes = axisList(axis ?? input.length);
  const rank = axes.length + input.length;
  const at = axes.map((a) => canonicalAxis(a, rank));
  let next = 0;
  return Array.from({ length: rank }, (_, i) => (at.includes(i) ? 1 : input[next++]));
}

/** numpy Squeeze.compute_output_spec. */
function squeezed(input: Dim[], axis: unknown): Dim[] {
  if (axis === null || axis === undefined) return input.filter((d) => d !== 1);
  const axes = axisList(axis);
  for (const a of axes) {
    const index = canonicalAxis(a, input.length);
    if (input[index] !== 1) fail(`Cannot squeeze axis ${String(a)}, because the dimension is not 1.`);
  }
  const drop = axes.map((a) => canonicalAxis(a, input.length));
  return input.filter((_, i) => !drop.includes(i));
}

function tensorList(operand: OperandShape, what: string): Dim[][] {
  if (!Array.isArray(operand) || operand.length === 0 || !operand.every((item) => Array.isArray(item) && !item.some((d) => Array.isArray(d)))) fail(`\`${what}\` must be a list of tensors`);
  return operand as Dim[][];
}

/** numpy Concatenate.compute_output_spec. */
function concatenated(operand: OperandShape, axis: unknown): Dim[] {
  const shapes = tensorList(operand, 'xs');
  const first = shapes[0];
  const at = canonicalAxis(axis, first.length);
  let total: Dim = 0;
  for (const shape of shapes) {
    const equal = shape.length === first.length && shape.every((d, i) => i === at || d === null || first[i] === null || d === first[i]);
    if (!equal) fail(`Every value in \`xs\` must have the same shape except on the \`axis\` dim. But found element of shape ${pyTuple(shape)}, which is different from the first element's shape ${pyTuple(first)}.`);
    total = total === null || shape[at] === null ? null : total + (shape[at] as number);
  }
  return first.map((d, i) => (i === at ? total : d));
}

/** numpy Stack.compute_output_spec. */
function stacked(operand: OperandShape, axis: unknown): Dim[] {
  const shapes = tensorList(operand, 'x');
  const first = shapes[0];
  const at = canonicalAxis(axis, first.length + 1);
  for (const shape of shapes) {
    const equal = shape.length === first.length && shape.every((d, i) => d === null || first[i] === null || d === first[i]);
    if (!equal) fail(`Every value in \`x\` must have the same shape. But found element of shape ${pyTuple(shape)},  which is different from the first element's shape ${pyTuple(first)}.`);
  }
  const out = [...first];
  out.splice(at, 0, shapes.length);
  return out;
}

/** A GetItem key's parts as the reader writes them: a slice's start, stop and step, Keras's Ellipsis, None (a new axis). */
type KeyPart = number | null | { slice: (number | null)[] } | { ellipsis: true };

/** Python's len(range(*slice(start, stop, step).indices(length))). */
function sliceLength([start, stop, step]: (number | null)[], length: number): number {
  const by = step ?? 1;
  if (by === 0) fail('slice step cannot be zero');
  const clamp = (value: number | null, fallback: number, low: number, high: number) => {
    if (value === null) return fallback;
    const at = value < 0 ? value + length : value;
    return Math.min(Math.max(at, low), high);
  };
  const from = by > 0 ? clamp(start, 0, 0, length) : clamp(start, length - 1, -1, length - 1);
  const to = by > 0 ? clamp(stop, length, 0, length) : clamp(stop, -1, -1, length - 1);
  return by > 0 ? Math.max(0, Math.ceil((to - from) / by)) : Math.max(0, Math.ceil((from - to) / -by));
}

/** numpy GetItem.compute_output_spec: x[key] with whole numbers, slices, an Ellipsis and new axes. */
function indexed(input: Dim[], key: unknown): Dim[] {
  const isEllipsis = (part: unknown) => typeof part === 'object' && part !== null && (part as { ellipsis?: unknown }).ellipsis === true;
  const described = () => JSON.stringify(key);
  let parts: KeyPart[];
  if (typeof key === 'number') parts = [key];
  else if (Array.isArray(key)) parts = [...(key as KeyPart[])];
  else return fail(`Unsupported key type for array slice. Received: \`${described()}\``);
  const ellipses = parts.filter(isEllipsis).length;
  if (ellipses > 1) fail(`Slice should only have one ellipsis. Received: \`${described()}\``);
  if (ellipses === 0) parts.push({ ellipsis: true });
  let remaining = [...input];
  const out: Dim[] = [];
  while (parts.length > 0) {
    const part = parts.shift() as KeyPart;
    if (isEllipsis(part)) {
      const needed = parts.length - parts.filter((p) => p === null).length;
      const consumed = remaining.length - needed;
      out.push(...remaining.slice(0, consumed));
      remaining = remaining.slice(consumed);
      continue;
    }
    if (part === null) {
      out.push(1);
      continue;
    }
    if (remaining.length === 0) fail(`Array has shape ${pyTuple(input)} but slice has to many indices. Received: \`${described()}\``);
    const length = remaining.shift() as Dim;
    if (typeof part === 'number' && Number.isInteger(part)) {
      const index = length === null ? 0 : part >= 0 ? part : part + length;
      if (length !== null && (index < 0 || index >= length)) fail(`Array has shape ${pyTuple(input)} but out-of-bounds index ${described()} was requested.`);
    } else if (typeof part === 'object' && Array.isArray((part as { slice?: unknown }).slice)) {
      out.push(length === null ? null : sliceLength((part as { slice: (number | null)[] }).slice, length));
    } else {
      fail(`Unsupported key type for array slice. Received: \`${described()}\``);
    }
  }
  return out;
}

/** numpy Matmul.compute_output_spec (operation_utils.compute_matmul_output_shape): a 1-D operand is a row or a column, and loses it again. */
function matmulShape(x1: Dim[], x2: Dim[]): Dim[] {
  if (x1.length === 0 || x2.length === 0) fail('tuple index out of range');
  const a = x1.length === 1 ? [1, x1[0]] : x1;
  const b = x2.length === 1 ? [x2[0], 1] : x2;
  const [inner1, inner2] = [a[a.length - 1], b[b.length - 2]];
  if (inner1 !== null && inner2 !== null && inner1 !== inner2) {
    fail(`Inner dimensions (\`x1.shape[-1]\` and \`x2.shape[-2]\`) must be equal, but received \`x1.shape=${pyTuple(a)}\` and \`x2.shape=${pyTuple(b)}\`.`);
  }
  const out = [...broadcastShapes(a.slice(0, -2), b.slice(0, -2)), a[a.length - 2], b[b.length - 1]];
  if (x1.length === 1) out.splice(out.length - 2, 1);
  if (x2.length === 1) out.splice(out.length - 1, 1);
  return out;
}

/**
 * numpy Einsum.compute_output_spec, step for step (it works on the spec as
 * text: each operand's letters replaced by its sizes in the target spec,
 * letters left over made 1, the results broadcast), so that a spec Keras
 * reads oddly is read the same odd way here.
 */
function einsumShape(subscripts: unknown, operands: OperandShape[]): Dim[] {
  if (typeof subscripts !== 'string') fail('`subscripts` must be a string');
  const split = subscripts.split('->');
  if (split.length > 2) fail(`At most one '->' is supported in \`einsum\` subscripts, but received ${subscripts}.`);
  const inputs = split[0];
  const outputSpec = split.length === 2 ? split[1] : null;
  const inputSpecs = inputs.split(',');
  if (inputSpecs.length !== operands.length) {
    fail(`Number of operands (${operands.length}) does not match the number of input specs (${inputSpecs.length}) in \`einsum\`, received subscripts=${subscripts}.`);
  }
  let kept = new Set<string>();
  let reduced = new Set<string>();
  for (const letter of inputs) {
    if (!/^\p{L}$/u.test(letter)) continue;
    if (!reduced.has(letter) && !kept.has(letter)) kept.add(letter);
    else if (kept.has(letter)) {
      kept.delete(letter);
      reduced.add(letter);
    }
  }
  if (outputSpec !== null) {
    const nextKept = new Set([...kept].filter((letter) => outputSpec.includes(letter)));
    const nextReduced = new Set([...reduced].filter((letter) => !outputSpec.includes(letter)));
    for (const letter of kept) if (!outputSpec.includes(letter)) nextReduced.add(letter);
    for (const letter of reduced) if (outputSpec.includes(letter)) nextKept.add(letter);
    [kept, reduced] = [nextKept, nextReduced];
  }
  const target = outputSpec ?? `...${[...kept].sort().join('')}`;
  // Python's str.replace: every occurrence.
  const replace = (text: string, from: string, to: string) => text.split(from).join(to);
  const expanded = operands.map((operand, n) => {
    const shape = tensorShape(operand, `operand ${n}`).map((d) => (d === null ? -1 : d));
    const spec = inputSpecs[n];
    const parts = spec.split('...');
    let out = target;
    if (parts.length === 1) {
      if (shape.length !== spec.length) {
        fail(`Number of dimensions in the subscript does not match the number of dimensions in the operand, received subscript \`${spec}\` and operand of shape [${shape.join(', ')}].`);
      }
      [...spec].forEach((letter, i) => (out = replace(out, letter, `${shape[i]} `)));
      out = replace(out, '...', '');
    } else {
      const [head, tail] = [parts[0], parts[1]];
      const size = (i: number) => (i < shape.length && i >= -shape.length ? shape.at(i) : fail('list index out of range'));
      for (let i = 0; i < head.length; i++) out = replace(out, head[i], `${size(i)} `);
      for (let i = 0; i < tail.length; i++) out = replace(out, tail[tail.length - 1 - i], `${size(-i - 1)} `);
      const wildcard = shape.slice(head.length, tail.length === 0 ? shape.length : -tail.length);
      out = replace(out, '...', `${wildcard.join(' ')} `);
    }
    // Letters not replaced become 1 (broadcast); -1 is None again; anything else is no size, as int() says.
    return out
      .replace(/[a-z]/g, '1 ')
      .split(/\s+/)
      .filter(Boolean)
      .map((size): Dim => (size === '-1' ? null : /^-?\d+$/.test(size) ? Number(size) : fail(`invalid literal for int() with base 10: '${size}'`)));
  });
  return expanded.reduce((a, b) => broadcastShapes(a, b));
}

/**
 * The ops whose shape rule merge-summary has, by Keras class name. Any other
 * op in a file is refused as a class without a rule (--allow-unknown takes it
 * as keeping its input's shape).
 */
export const OPERATIONS: Record<string, OperationRule> = {
  // Elementwise on two operands, broadcast (numpy.py).
  Add: binary('result'), Subtract: binary('result'), Multiply: binary('result'), Power: binary('result'),
  Maximum: binary('result'), Minimum: binary('result'), Fmax: binary('result'), Fmin: binary('result'),
  Mod: binary('result'), Fmod: binary('result'), FloorDivide: binary('result'),
  Divide: binary('float'), DivideNoNan: binary('float'), TrueDivide: binary('float'),
  Arctan2: binary('float'), Hypot: binary('float'), Logaddexp: binary('float'), Logaddexp2: binary('float'), Heaviside: binary('float'),
  Equal: binary('bool'), NotEqual: binary('bool'), Greater: binary('bool'), GreaterEqual: binary('bool'),
  Less: binary('bool'), LessEqual: binary('bool'), LogicalAnd: binary('bool'), LogicalOr: binary('bool'), LogicalXor: binary('bool'),
  Where: { dtype: 'result', shape: ([condition, x1, x2]) => broadcastShapes(broadcastShapes(shapeOrScalar(condition), shapeOrScalar(x1)), shapeOrScalar(x2)) },

  // Elementwise on one tensor: its shape (numpy.py, nn.py, math.py, core.py).
  Abs: unary('same'), Absolute: unary('same'), Negative: unary('same'), Sign: unary('same'), Round: unary('same'), Trunc: unary('same'),
  Copy: unary('same'), NanToNum: unary('same'), StopGradient: unary('same'), Rsqrt: unary('same'), Erf: unary('same'), Erfinv: unary('same'),
  Relu: unary('same'), Relu6: unary('same'), Sigmoid: unary('same'), HardSigmoid: unary('same'), HardSilu: unary('same'), Silu: unary('same'),
  Gelu: unary('same'), Elu: unary('same'), Selu: unary('same'), Celu: unary('same'), Softplus: unary('same'), Softsign: unary('same'),
  LeakyRelu: unary('same'), LogSigmoid: unary('same'), HardTanh: unary('same'), TanhShrink: unary('same'), SoftShrink: unary('same'),
  HardShrink: unary('same'), Squareplus: unary('same'), SparsePlus: unary('same'), SparseSigmoid: unary('same'), Threshold: unary('same'),
  Sqrt: unary('float'), Exp: unary('float'), Exp2: unary('float'), Expm1: unary('float'), Log: unary('float'), Log1p: unary('float'),
  Log2: unary('float'), Log10: unary('float'), Sin: unary('float'), Cos: unary('float'), Tan: unary('float'), Tanh: unary('float'),
  Sinh: unary('float'), Cosh: unary('float'), Arcsin: unary('float'), Arccos: unary('float'), Arctan: unary('float'),
  Arcsinh: unary('float'), Arccosh: unary('float'), Arctanh: unary('float'), Floor: unary('float'), Ceil: unary('float'),
  Reciprocal: unary('float'), Erfc: unary('float'), Cbrt: unary('float'),
  Square: unary('numeric'), Clip: unary('numeric'),
  LogicalNot: unary('bool'), Isfinite: unary('bool'), Isinf: unary('bool'), Isnan: unary('bool'),
  Softmax: withAxis('same'), LogSoftmax: withAxis('same'),
  Cast: { defaults: { dtype: 'float32' }, dtype: 'config', shape: ([x]) => tensorShape(x) },
  SaturateCast: { defaults: { dtype: 'float32' }, dtype: 'config', shape: ([x]) => tensorShape(x) },
  ConvertToTensor: { defaults: { dtype: null }, dtype: 'config', shape: ([x]) => tensorShape(x) },
  ZerosLike: { defaults: { dtype: null }, dtype: 'config', shape: ([x]) => tensorShape(x) },
  OnesLike: { defaults: { dtype: null }, dtype: 'config', shape: ([x]) => tensorShape(x) },

  // Reductions over axes (reduce_shape).
  Any: reduction('bool'), All: reduction('bool'), Sum: reduction('numeric'), Prod: reduction('numeric'),
  Mean: reduction('float'), Std: reduction('float'), Var: reduction('float'), Logsumexp: reduction('float'),
  Max: reduction('same'), Min: reduction('same'), Amax: reduction('same'), Amin: reduction('same'),
  Argmax: reduction('int32'), Argmin: reduction('int32'),

  // Shapes.
  GetItem: { dtype: 'same', shape: ([x], _args, [, key]) => indexed(tensorShape(x), key) },
  Reshape: { defaults: { newshape: null }, dtype: 'same', shape: ([x], args) => reshaped(tensorShape(x), args.newshape) },
  Transpose: { defaults: { axes: null }, dtype: 'same', shape: ([x], args) => transposed(tensorShape(x), args.axes) },
  ExpandDims: { defaults: { axis: null }, dtype: 'same', shape: ([x], args) => expanded(tensorShape(x), args.axis) },
  Squeeze: { defaults: { axis: null }, dtype: 'same', shape: ([x], args) => squeezed(tensorShape(x), args.axis) },
  Concatenate: { defaults: { axis: 0 }, dtype: 'result', shape: ([xs], args) => concatenated(xs, args.axis) },
  Stack: { defaults: { axis: 0 }, dtype: 'result', shape: ([x], args) => stacked(x, args.axis) },
  Matmul: { dtype: 'result', shape: ([x1, x2]) => matmulShape(shapeOrScalar(x1), shapeOrScalar(x2)) },
  Einsum: { defaults: { subscripts: null }, dtype: 'result', shape: (operands, args) => einsumShape(args.subscripts, operands) },
};

/**
 * What `profile` runs for an op, on tfjs's kernels: its operands (tensors,
 * and constants as numbers) and its arguments to its output. An op without
 * one stops `profile` with a message; its summary needs none.
 */
type Kernel = (operands: (Tensor | number | unknown)[], args: Record<string, unknown>) => Tensor;

const asTensor = (value: unknown): Tensor => (typeof value === 'number' || typeof value === 'boolean' ? tfc.scalar(Number(value)) : (value as Tensor));
const two = (fn: (a: Tensor, b: Tensor) => Tensor): Kernel => ([a, b]) => {
  const [x, y] = [asTensor(a), asTensor(b)];
  // tfjs's kernels want one dtype; Keras promotes (an int tensor plus 0.5 is float).
  return x.dtype === y.dtype ? fn(x, y) : fn(tfc.cast(x, 'float32'), tfc.cast(y, 'float32'));
};
const one = (fn: (x: Tensor) => Tensor): Kernel => ([x]) => fn(x as Tensor);
const axes = (axis: unknown): number | number[] | undefined => (axis === null || axis === undefined ? undefined : (axis as number | number[]));
const reduce = (fn: (x: Tensor, axis?: number | number[], keepDims?: boolean) => Tensor): Kernel => ([x], args) => fn(x as Tensor, axes(args.axis), args.keepdims === true);
const KERNELS: Record<string, Kernel> = {
  Add: two(tfc.add), Subtract: two(tfc.sub), Multiply: two(tfc.mul), Divide: two(tfc.div), TrueDivide: two(tfc.div), DivideNoNan: two(tfc.divNoNan),
  FloorDivide: two(tfc.floorDiv), Mod: two(tfc.mod), Power: two(tfc.pow), Maximum: two(tfc.maximum), Minimum: two(tfc.minimum), Arctan2: two(tfc.atan2),
  Equal: two(tfc.equal), NotEqual: two(tfc.notEqual), Greater: two(tfc.greater), GreaterEqual: two(tfc.greaterEqual), Less: two(tfc.less), LessEqual: two(tfc.lessEqual),
  LogicalAnd: two(tfc.logicalAnd), LogicalOr: two(tfc.logicalOr), LogicalXor: two(tfc.logicalXor),
  Abs: one(tfc.abs), Absolute: one(tfc.abs), Negative: one(tfc.neg), Sign: one(tfc.sign), Round: one(tfc.round), Sqrt: one(tfc.sqrt), Square: one(tfc.square),
  Exp: one(tfc.exp), Expm1: one(tfc.expm1), Log: one(tfc.log), Log1p: one(tfc.log1p), Sin: one(tfc.sin), Cos: one(tfc.cos), Tan: one(tfc.tan), Tanh: one(tfc.tanh),
  Sinh: one(tfc.sinh), Cosh: one(tfc.cosh), Arcsin: one(tfc.asin), Arccos: one(tfc.acos), Arctan: one(tfc.atan), Arcsinh: one(tfc.asinh), Arccosh: one(tfc.acosh),
  Arctanh: one(tfc.atanh), Floor: one(tfc.floor), Ceil: one(tfc.ceil), Reciprocal: one(tfc.reciprocal), Rsqrt: one(tfc.rsqrt), Erf: one(tfc.erf),
  LogicalNot: one(tfc.logicalNot), Isnan: one(tfc.isNaN), Isinf: one(tfc.isInf), Isfinite: one(tfc.isFinite),
  Relu: one(tfc.relu), Relu6: one(tfc.relu6), Sigmoid: one(tfc.sigmoid), Elu: one(tfc.elu), Selu: one(tfc.selu), Softplus: one(tfc.softplus),
  HardSigmoid: one((x) => tfc.div(tfc.relu6(tfc.add(x, 3)), 6)),
  HardSilu: one((x) => tfc.mul(x, tfc.div(tfc.relu6(tfc.add(x, 3)), 6))),
  Silu: one((x) => tfc.mul(x, tfc.sigmoid(x))),
  StopGradient: one((x) => tfc.clone(x)), Copy: one((x) => tfc.clone(x)), ConvertToTensor: one((x) => tfc.clone(x)),
  Softmax: ([x], args) => tfc.softmax(x as Tensor, (args.axis as number | null) ?? -1),
  LogSoftmax: ([x], args) => tfc.logSoftmax(x as Tensor, (args.axis as number | null) ?? -1),
  Clip: ([x], args) => tfc.clipByValue(x as Tensor, Number(args.xMin ?? -Infinity), Number(args.xMax ?? Infinity)),
  Cast: ([x], args) => tfc.cast(x as Tensor, (TFJS_DTYPES[String(args.dtype)] ?? 'float32') as 'float32'),
  ZerosLike: one(tfc.zerosLike), OnesLike: one(tfc.onesLike),
  Any: reduce(tfc.any), All: reduce(tfc.all), Sum: reduce(tfc.sum), Mean: reduce(tfc.mean), Max: reduce(tfc.max), Min: reduce(tfc.min),
  Amax: reduce(tfc.max), Amin: reduce(tfc.min), Prod: reduce(tfc.prod), Logsumexp: reduce(tfc.logSumExp),
  Reshape: ([x], args) => tfc.reshape(x as Tensor, args.newshape as number[]),
  Transpose: ([x], args) => tfc.transpose(x as Tensor, (args.axes as number[] | null) ?? undefined),
  ExpandDims: ([x], args) => (axisList(args.axis ?? -1) as number[]).reduce((t, a) => tfc.expandDims(t, a), x as Tensor),
  Squeeze: ([x], args) => tfc.squeeze(x as Tensor, args.axis === null ? undefined : (axisList(args.axis) as number[])),
  Concatenate: ([xs], args) => tfc.concat(xs as Tensor[], args.axis as number),
  Stack: ([xs], args) => tfc.stack(xs as Tensor[], args.axis as number),
  GetItem: ([x, key]) => stridedIndex(x as Tensor, key),
  Where: ([condition, a, b]) => {
    const [x, y] = [asTensor(a), asTensor(b)];
    const same = x.dtype === y.dtype;
    return tfc.where(tfc.cast(asTensor(condition), 'bool'), same ? x : tfc.cast(x, 'float32'), same ? y : tfc.cast(y, 'float32'));
  },
};

/** x[key] as tfjs's stridedSlice does numpy's indexing: a bit per part of the key for an Ellipsis, a new axis, an index. */
function stridedIndex(x: Tensor, key: unknown): Tensor {
  const parts = (Array.isArray(key) ? key : [key]) as KeyPart[];
  const begin: number[] = [];
  const end: number[] = [];
  const strides: number[] = [];
  let beginMask = 0;
  let endMask = 0;
  let ellipsisMask = 0;
  let newAxisMask = 0;
  let shrinkMask = 0;
  parts.forEach((part, i) => {
    const bit = 1 << i;
    if (part === null) newAxisMask |= bit;
    else if (typeof part === 'number') shrinkMask |= bit;
    else if ('ellipsis' in part) ellipsisMask |= bit;
    else {
      const [start, stop, step] = part.slice;
      if (start === null) beginMask |= bit;
      if (stop === null) endMask |= bit;
      begin.push(start ?? 0);
      end.push(stop ?? 0);
      strides.push(step ?? 1);
      return;
    }
    begin.push(typeof part === 'number' ? part : 0);
    end.push(typeof part === 'number' ? part + 1 : 0);
    strides.push(1);
  });
  return tfc.stridedSlice(x, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkMask);
}

/** Every op node class, by its tfjs class name (keras.ops.Add, ...): given to tfjs's deserializer for the time of a build. */
export const OPERATION_CLASSES: Record<string, LayerConstructor & { fromConfig: unknown }> = {};

/** The tfjs class name of the op Keras calls `kerasClass`. */
export function operationClassName(kerasClass: string): string {
  return `${OPERATION_PREFIX}${kerasClass}`;
}

/** Is this layer a keras.ops node? */
export function isOperation(layer: Layer): boolean {
  return layer.getClassName().startsWith(OPERATION_PREFIX);
}

const TFJS_DTYPES: Record<string, 'float32' | 'int32' | 'bool'> = {
  bool: 'bool',
  int8: 'int32', int16: 'int32', int32: 'int32', int64: 'int32', uint8: 'int32', uint16: 'int32', uint32: 'int32', uint64: 'int32',
};

abstract class KerasOperation extends KerasLayer {
  static rule: OperationRule;

  /** The operands as the call gave them, with TENSOR where each input goes. */
  protected get operands(): unknown[] {
    return (this.args.operands as unknown[] | undefined) ?? [TENSOR];
  }

  private get rule(): OperationRule {
    return (this.constructor as typeof KerasOperation).rule;
  }

  /** How many tensors the call takes: the layer's inputs. */
  private tensorCount(): number {
    let count = 0;
    const visit = (value: unknown) => {
      if (isTensorMarker(value)) count += 1;
      else if (Array.isArray(value)) value.forEach(visit);
    };
    visit(this.operands);
    return count;
  }

  /** The operands with each tensor replaced by its shape (constants have none: undefined). */
  private operandShapes(inputShape: Shape | Shape[]): OperandShape[] {
    const shapes = this.tensorCount() === 1 ? [inputShape as Shape] : (inputShape as Shape[]);
    let next = 0;
    const visit = (value: unknown): OperandShape => {
      if (isTensorMarker(value)) return shapes[next++] as Dim[];
      if (Array.isArray(value) && value.some((item) => isTensorMarker(item) || Array.isArray(item))) return value.map(visit) as OperandShape;
      return undefined;
    };
    return this.operands.map(visit);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    try {
      return this.rule.shape(this.operandShapes(inputShape), this.args, this.operands) as Shape;
    } catch (error) {
      if (error instanceof OperationError) throw new Error(`${this.getClassName().slice(OPERATION_PREFIX.length)}: ${error.message}`);
      throw error;
    }
  }

  /** The op on values (profile runs the model): its kernel on the inputs put back among its constants. */
  override call(inputs: Tensor | Tensor[]): Tensor {
    const name = this.getClassName().slice(OPERATION_PREFIX.length);
    const kernel = KERNELS[name];
    if (!kernel) throw new UserError('usage', `profile cannot run layer "${this.name}": keras.ops' ${name} has no kernel here (its summary needs none)`);
    const given = [inputs].flat();
    let next = 0;
    const visit = (value: unknown): unknown => (isTensorMarker(value) ? given[next++] : Array.isArray(value) && value.some((item) => isTensorMarker(item)) ? value.map(visit) : value);
    const operands = this.operands.map(visit);
    return tfc.tidy(() => kernel(operands, this.args));
  }

  override apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: Record<string, unknown>): SymbolicTensor | SymbolicTensor[] {
    const output = super.apply(inputs, kwargs) as SymbolicTensor | SymbolicTensor[];
    // A symbolic output gets Keras's dtype (tfjs gives it its first input's); a computed one has its kernel's.
    const symbolic = [output].flat().filter((tensor) => tensor instanceof tfl.SymbolicTensor);
    if (symbolic.length > 0) {
      const dtype = this.outputDtype([inputs].flat() as SymbolicTensor[]);
      for (const tensor of symbolic) (tensor as { dtype: string }).dtype = dtype;
    }
    return output;
  }

  /** Keras's dtype of the output, as the nearest of tfjs's. */
  private outputDtype(inputs: SymbolicTensor[]): string {
    const first = inputs[0]?.dtype ?? 'float32';
    switch (this.rule.dtype) {
      case 'same':
        return first;
      case 'bool':
        return 'bool';
      case 'int32':
        return 'int32';
      case 'float':
        return 'float32';
      case 'numeric':
        return first === 'bool' ? 'int32' : first;
      case 'config': {
        const dtype = this.args.dtype;
        return typeof dtype === 'string' ? (TFJS_DTYPES[dtype] ?? 'float32') : first;
      }
      case 'result': {
        const constants: unknown[] = [];
        const visit = (value: unknown) => (Array.isArray(value) ? value.forEach(visit) : isTensorMarker(value) ? undefined : constants.push(value));
        this.operands.forEach(visit);
        const float = inputs.some((input) => input.dtype === 'float32') || constants.some((c) => typeof c === 'number' && !Number.isInteger(c));
        if (float) return 'float32';
        if (inputs.every((input) => input.dtype === 'bool') && constants.every((c) => typeof c === 'boolean')) return 'bool';
        return 'int32';
      }
    }
  }
}

for (const [name, rule] of Object.entries(OPERATIONS)) {
  const className = operationClassName(name);
  const cls = class extends KerasOperation {
    static className = className;
    static override rule = rule;
    static override defaults = { operands: [TENSOR], ...(rule.defaults ?? {}) };
  };
  OPERATION_CLASSES[className] = cls as unknown as LayerConstructor & { fromConfig: unknown };
}
