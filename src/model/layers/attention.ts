import type { Shape } from '../tfjs.js';
import { firstShape, shapeList } from '../../core/shapes.js';
import { KerasLayer } from './keras-layer.js';

/**
 * Keras's MultiHeadAttention, called on [query, value] or [query, value, key].
 * Query, key and value projections are EinsumDense kernels of
 * (input dim, heads, key or value dim) with a (heads, dim) bias; the output
 * projection is (heads, value dim, output dim) with an (output dim) bias. The
 * output keeps the query's shape, with output_shape (default: the query's last
 * dimension) last. num_heads=2, key_dim=2 on (None, 8, 16) and (None, 4, 16):
 * 68 + 68 + 68 + 80 = 284 parameters, as Keras documents.
 */
export class MultiHeadAttention extends KerasLayer {
  static className = 'MultiHeadAttention';
  static override defaults = { numHeads: undefined, keyDim: undefined, valueDim: null, dropout: 0, useBias: true, outputShape: null, attentionAxes: null };

  protected override validate(): void {
    for (const key of ['numHeads', 'keyDim']) {
      if (!Number.isInteger(this.args[key]) || (this.args[key] as number) <= 0) throw new Error(`MultiHeadAttention needs ${key === 'numHeads' ? 'num_heads' : 'key_dim'}, a positive whole number`);
    }
  }

  /** output_shape: a number or a tuple that replaces the query's last dimension. */
  private outputDims(query: Shape): number[] {
    const out = this.args.outputShape;
    if (Array.isArray(out)) return out as number[];
    return [(out as number | null) ?? (query[query.length - 1] as number)];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [query] = shapeList(inputShape);
    return [...query.slice(0, -1), ...this.outputDims(query)];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = shapeList(inputShape);
    const [query, value] = shapes;
    const key = shapes[2] ?? value;
    if (!value) throw new Error('MultiHeadAttention is called on [query, value] or [query, value, key]');
    const heads = this.args.numHeads as number;
    const keyDim = this.args.keyDim as number;
    const valueDim = (this.args.valueDim as number | null) ?? keyDim;
    const last = (shape: Shape) => shape[shape.length - 1] as number;
    const projection = (name: string, input: number, dim: number) => {
      this.addParams(`${name}/kernel`, [input, heads, dim]);
      if (this.args.useBias) this.addParams(`${name}/bias`, [heads, dim]);
    };
    projection('query', last(query), keyDim);
    projection('key', last(key), keyDim);
    projection('value', last(value), valueDim);
    this.addParams('attention_output/kernel', [heads, valueDim, ...this.outputDims(query)]);
    if (this.args.useBias) this.addParams('attention_output/bias', this.outputDims(query));
    super.build(inputShape);
  }
}

/** The query's shape with the value's last dimension: Attention and AdditiveAttention. */
function attendedShape(inputShape: Shape | Shape[]): Shape {
  const [query, value] = shapeList(inputShape);
  if (!value) throw new Error('attention is called on [query, value] or [query, value, key]');
  return [...query.slice(0, -1), value[value.length - 1]];
}

/** Keras's dot-product Attention: a scalar scale with use_scale, a scalar concat weight with score_mode "concat". */
export class Attention extends KerasLayer {
  static className = 'Attention';
  static override defaults = { useScale: false, scoreMode: 'dot', dropout: 0 };

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return attendedShape(inputShape);
  }

  override build(inputShape: Shape | Shape[]): void {
    if (this.args.useScale) this.addParams('scale', []);
    if (this.args.scoreMode === 'concat') this.addParams('concat_score_weight', []);
    super.build(inputShape);
  }
}

/** Keras's AdditiveAttention: with use_scale (the default), a scale per query feature. */
export class AdditiveAttention extends KerasLayer {
  static className = 'AdditiveAttention';
  static override defaults = { useScale: true, dropout: 0 };

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return attendedShape(inputShape);
  }

  override build(inputShape: Shape | Shape[]): void {
    const [query] = shapeList(inputShape);
    if (this.args.useScale) this.addParams('scale', [query[query.length - 1] as number]);
    super.build(inputShape);
  }
}
