import { firstShape, isShapeList, type FullShape } from '../../core/shapes.js';
import type { Shape } from '../tfjs.js';
import { KerasLayer } from './keras-layer.js';
import { checkStringArg, isOneOf, py, pyName } from './preprocessing-checks.js';

/**
 * Keras's categorical preprocessing layers: CategoryEncoding, Discretization,
 * Hashing and HashedCrossing. None has weights; each checks its arguments
 * as Keras's constructor does and gives Keras's compute_output_shape (the
 * shapes include the batch dimension, as Keras's symbolic shapes do).
 */

/** The rule CategoryEncoding, the lookups and Hashing share: one_hot adds an axis of `depth` (or replaces a last axis of 1); the other modes replace the last axis. */
export function encodedShape(shape: Shape, mode: string, depth: number | null): Shape {
  if (mode === 'oneHot') return shape.length > 1 && shape[shape.length - 1] === 1 ? [...shape.slice(0, -1), depth] : [...shape, depth];
  return [...shape.slice(0, -1), depth];
}

/**
 * Keras's CategoryEncoding (replacing tfjs's, which accepts tf_idf and an
 * unset num_tokens, and wrote its output shape into its input's): integer
 * indices to one_hot, multi_hot or count vectors of num_tokens.
 */
export class CategoryEncoding extends KerasLayer {
  static className = 'CategoryEncoding';
  static override defaults = { numTokens: null, outputMode: 'multiHot', sparse: false };

  protected override validate(): void {
    if (this.args.outputMode === 'binary') this.args.outputMode = 'multiHot';
    if (!isOneOf(this.args.outputMode, ['count', 'one_hot', 'multi_hot'])) throw new Error(`Unknown arg for output_mode: ${pyName(this.args.outputMode)}`);
    const numTokens = this.args.numTokens;
    if (numTokens === null || numTokens === undefined) {
      throw new Error('num_tokens must be set to use this layer. If the number of tokens is not known beforehand, use the IntegerLookup layer instead.');
    }
    if (typeof numTokens !== 'number' || numTokens < 1) throw new Error(`\`num_tokens\` must be >= 1. Received: num_tokens=${py(numTokens)}.`);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    const depth = this.args.numTokens as number;
    if (shape.length === 0) return [depth];
    return encodedShape(shape, this.args.outputMode as string, depth);
  }
}

/**
 * Keras's Discretization: values to the index of their bin. Keras's
 * constructor refuses both bin_boundaries and num_bins; its from_config
 * (a saved layer after adapt() holds both) takes bin_boundaries after
 * construction, so a file with both builds, with the boundaries' bins.
 */
export class Discretization extends KerasLayer {
  static className = 'Discretization';
  static override defaults = { binBoundaries: null, numBins: null, epsilon: 0.01, outputMode: 'int', sparse: false };

  static fromConfig<T>(cls: new (config: Record<string, unknown>) => T, config: Record<string, unknown>): T {
    const boundaries = config.binBoundaries;
    if (boundaries === null || boundaries === undefined || config.numBins === null || config.numBins === undefined) return new cls(config);
    const layer = new cls({ ...config, binBoundaries: null });
    (layer as unknown as Discretization).args.binBoundaries = boundaries;
    return layer;
  }

  protected override validate(): void {
    const { sparse, outputMode, numBins, binBoundaries } = this.args;
    if (sparse && outputMode === 'int') {
      throw new Error(`\`sparse=True\` may only be used if \`output_mode\` is \`'one_hot'\`, \`'multi_hot'\`, or \`'count'\`. Received: sparse=${py(sparse)} and output_mode=${pyName(outputMode)}`);
    }
    checkStringArg(outputMode, ['int', 'one_hot', 'multi_hot', 'count'], 'Discretization', 'output_mode');
    if (numBins !== null && (typeof numBins !== 'number' || numBins < 0)) throw new Error(`\`num_bins\` must be greater than or equal to 0. Received: \`num_bins=${py(numBins)}\``);
    if (numBins !== null && binBoundaries !== null) {
      throw new Error(`Both \`num_bins\` and \`bin_boundaries\` should not be set. Received: \`num_bins=${py(numBins)}\` and \`bin_boundaries=${py(binBoundaries)}\``);
    }
    if (numBins === null && binBoundaries === null) throw new Error('You need to set either `num_bins` or `bin_boundaries`.');
    if (binBoundaries !== null && !Array.isArray(binBoundaries)) throw new Error(`\`bin_boundaries\` must be a list of numbers. Received: bin_boundaries=${py(binBoundaries)}`);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    const mode = this.args.outputMode as string;
    if (mode === 'int') return shape;
    const boundaries = this.args.binBoundaries as unknown[] | null;
    const depth = boundaries !== null ? boundaries.length + 1 : (this.args.numBins as number);
    if (mode === 'oneHot') return encodedShape(shape, mode, depth);
    // multi_hot and count drop axis 1 (Keras: "remove second and append depth"); a rank-1 input gives (depth,), batch and all.
    return shape.length >= 2 ? [shape[0], ...shape.slice(2), depth] : [depth];
  }
}

/** Keras's Hashing: values (strings or integers) hashed into num_bins bins. */
export class Hashing extends KerasLayer {
  static className = 'Hashing';
  static override defaults = { numBins: undefined, maskValue: null, salt: null, outputMode: 'int', sparse: false };

  constructor(config: Record<string, unknown> = {}) {
    super(config);
    // Keras's dtype is int64 for output_mode "int" unless given; a given one must be an integer type there.
    const dtype = config.dtype;
    if (this.args.outputMode === 'int' && dtype !== undefined && dtype !== null && dtype !== 'int32' && dtype !== 'int64') {
      throw new Error(`When \`output_mode="int"\`, \`dtype\` should be an integer type, 'int32' or 'in64'. Received: dtype=${py(dtype)}`);
    }
  }

  protected override validate(): void {
    const { numBins, outputMode, sparse, salt } = this.args;
    if (numBins === null || numBins === undefined || typeof numBins !== 'number' || numBins <= 0) {
      throw new Error(`The \`num_bins\` for \`Hashing\` cannot be \`None\` or non-positive values. Received: num_bins=${py(numBins)}.`);
    }
    if (!isOneOf(outputMode, ['int', 'one_hot', 'multi_hot', 'count'])) {
      throw new Error(`Invalid value for argument \`output_mode\`. Expected one of ('int', 'one_hot', 'multi_hot', 'count'). Received: output_mode=${pyName(outputMode)}`);
    }
    if (sparse && outputMode === 'int') {
      throw new Error(`\`sparse\` may only be true if \`output_mode\` is \`"one_hot"\`, \`"multi_hot"\`, or \`"count"\`. Received: sparse=${py(sparse)} and output_mode=${pyName(outputMode)}`);
    }
    const pair = Array.isArray(salt) && salt.length === 2;
    if (salt !== null && !pair && !Number.isInteger(salt)) {
      throw new Error(`The \`salt\` argument for \`Hashing\` can only be a tuple of size 2 integers, or a single integer. Received: salt=${py(salt)}.`);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    if (this.args.outputMode === 'int') return shape;
    // Keras's compute_output_spec: the last (sample) axis becomes num_bins, one_hot included.
    return [...shape.slice(0, -1), this.args.numBins as number];
  }
}

/** Keras's HashedCrossing: two categorical features crossed and hashed into num_bins bins. */
export class HashedCrossing extends KerasLayer {
  static className = 'HashedCrossing';
  static override defaults = { numBins: undefined, outputMode: 'int', sparse: false };

  protected override validate(): void {
    checkStringArg(this.args.outputMode, ['int', 'one_hot'], 'HashedCrossing', 'output_mode');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    if (!isShapeList(inputShape) || shapes.length !== 2) throw new Error(`Expected as input a list/tuple of 2 tensors. Received input_shape=${pyShapes(inputShape)}`);
    const [first, second] = shapes;
    if (first[first.length - 1] !== second[second.length - 1]) throw new Error(`Expected the two input tensors to have identical shapes. Received input_shape=${pyShapes(inputShape)}`);
    const depth = this.args.numBins as number;
    if (this.args.outputMode === 'int') return first;
    if (first[first.length - 1] !== 1) return [...first, depth];
    return [...first.slice(0, -1), depth];
  }
}

/** Shapes as Keras prints them in its messages: [(None, 1), (None, 1)]. */
function pyShapes(shape: FullShape | FullShape[]): string {
  const one = (s: FullShape) => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
  return isShapeList(shape) ? `[${shape.map(one).join(', ')}]` : one(shape);
}
