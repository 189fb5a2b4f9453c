import { kerasSnakeCase } from '../../core/keras-names.js';
import { shapeList } from '../../core/shapes.js';
import type { Shape, Tensor } from '../tfjs.js';
import { apartFromQuantization, type Quantization, type WeightPlan } from './dtype-policy.js';
import { analyzeEinsum, einsumWeights, fullyDefined } from './einsum-dense.js';
import { KerasLayer } from './keras-layer.js';

const pyShape = (shape: Shape) => `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;

/** Keras's check of MultiHeadAttention and GroupQueryAttention: value and key agree on every dimension but the last. */
function checkValueAndKey(value: Shape, key: Shape): void {
  const same = value.length === key.length && value.slice(1, -1).every((d, i) => d === key[i + 1]);
  if (!same) {
    throw new Error(`All dimensions of \`value\` and \`key\`, except the last one, must be equal. Received: value_shape=${pyShape(value)} and key_shape=${pyShape(key)}`);
  }
}

/** [query, value] or [query, value, key]: the key defaults to the value. */
function attentionInputs(inputShape: Shape | Shape[], className: string): { query: Shape; value: Shape; key: Shape } {
  const shapes = shapeList(inputShape);
  if (shapes.length < 2) throw new Error(`missing a required argument: 'value' (${className} is called on query, value and optionally key)`);
  return { query: shapes[0], value: shapes[1], key: shapes[2] ?? shapes[1] };
}

/** Keras's _build_proj_equation: an EinsumDense equation over free, bound and output dimensions, with its bias axes. */
function projectionEquation(freeDims: number, boundDims: number, outputDims: number): { equation: string; biasAxes: string; outputRank: number } {
  const letter = (i: number) => String.fromCharCode(97 + i);
  let input = '';
  let kernel = '';
  let output = '';
  let biasAxes = '';
  for (let i = 0; i < freeDims; i++) {
    input += letter(i);
    output += letter(i);
  }
  for (let i = 0; i < boundDims; i++) {
    input += letter(freeDims + i);
    kernel += letter(freeDims + i);
  }
  for (let i = 0; i < outputDims; i++) {
    const c = letter(freeDims + boundDims + i);
    kernel += c;
    output += c;
    biasAxes += c;
  }
  return { equation: `${input},${kernel}->${output}`, biasAxes, outputRank: output.length };
}

/** None for each leading output dimension, then the known last ones (Keras's _get_output_shape). */
const partialShape = (rank: number, known: number[]) => [...Array(rank - known.length).fill(null), ...known];

/**
 * The attention layers' projections are EinsumDense layers of their own
 * (query, key, value, gate, attention_output): their weights, named
 * "query/kernel" and so on, with the layer's dtype policy, as Keras builds
 * them; the projection's output shape is returned.
 */
function addProjection(layer: KerasLayer & { addProjectionWeight(name: string, plan: WeightPlan): void }, name: string, equation: string, biasAxes: string | null, inputShape: Shape, outputShape: (number | null)[], quantization: Quantization | undefined): Shape {
  const analysis = analyzeEinsum(equation, biasAxes, inputShape, outputShape);
  const kernel = fullyDefined(analysis.kernelShape, `${layer.name}/${name}/kernel`);
  const bias = analysis.biasShape && fullyDefined(analysis.biasShape, `${layer.name}/${name}/bias`);
  for (const plan of einsumWeights(equation, kernel, bias, quantization, null)) layer.addProjectionWeight(name, plan);
  return analysis.outputShape;
}

/** Keras's checks of the arguments that choose how attention is computed. */
function checkAttentionOptions(args: Record<string, unknown>): void {
  const window = args.slidingWindow;
  if (window !== null && (!Number.isInteger(window) || (window as number) <= 0)) {
    throw new Error(`\`sliding_window\` must be \`None\` or a positive integer. Received: sliding_window=${JSON.stringify(window)}`);
  }
  if (args.flashAttention === true && typeof args.dropout === 'number' && args.dropout > 0) {
    throw new Error('Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use flash attention.');
  }
}

/**
 * The base of Keras's attention layers: a call with return_attention_scores
 * (a call argument a Keras 3 file carries with the call) has a second
 * output, the attention scores, of the shape Keras's compute_output_spec gives.
 */
abstract class AttentionLayer extends KerasLayer {
  private returnScores = false;

  /** The scores' shape for these inputs, as Keras's compute_output_spec says it. */
  protected abstract scoresShape(inputShape: Shape | Shape[]): Shape;

  override apply(inputs: Tensor | Tensor[], kwargs?: Record<string, unknown>): Tensor | Tensor[] {
    this.returnScores = Boolean(kwargs?.returnAttentionScores ?? kwargs?.return_attention_scores);
    try {
      return super.apply(inputs as never, kwargs) as Tensor | Tensor[];
    } finally {
      this.returnScores = false;
    }
  }

  /** The output, and with return_attention_scores the scores too. */
  protected outputs(output: Shape, inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.returnScores ? [output, this.scoresShape(inputShape)] : output;
  }
}

/** The base of the attention layers made of EinsumDense projections: their dtype policy reaches the projections. */
abstract class ProjectedAttention extends AttentionLayer {
  protected readonly quantization: Quantization | undefined;

  constructor(config: Record<string, unknown> = {}) {
    const { config: forTfjs, quantization } = apartFromQuantization(config);
    super(forTfjs);
    this.quantization = quantization;
    this.args.dtype = config.dtype ?? null;
  }

  addProjectionWeight(name: string, plan: WeightPlan): void {
    this.addParams(`${name}/${plan.name}`, plan.shape, plan.trainable, plan.dtype);
  }
}

/**
 * Keras's MultiHeadAttention, called on [query, value] or [query, value, key]
 * (multi_head_attention.py): query, key and value projections to num_heads
 * heads of key_dim (value_dim), an optional sigmoid gate on the query
 * (use_gate), and the output projection back to the query's last dimension
 * or to output_shape. num_heads=2, key_dim=2 on (None, 8, 16) and
 * (None, 4, 16): 68 + 68 + 68 + 80 = 284 parameters, as Keras documents.
 */
export class MultiHeadAttention extends ProjectedAttention {
  static className = 'MultiHeadAttention';
  static override defaults = {
    numHeads: undefined, keyDim: undefined, valueDim: null, dropout: 0, useBias: true, outputShape: null, attentionAxes: null, useGate: false, dtype: null,
    // How attention is computed, never its shapes or weights.
    slidingWindow: null, flashAttention: null,
  };

  protected override validate(): void {
    const { numHeads, keyDim, valueDim } = this.args;
    if (!Number.isInteger(numHeads) || (numHeads as number) <= 0) throw new Error(`Received an invalid value for argument \`num_heads\`, expected a positive integer. Received: num_heads=${JSON.stringify(numHeads)}`);
    if (!Number.isInteger(keyDim) || (keyDim as number) <= 0) throw new Error(`Received an invalid value for argument \`key_dim\`, expected a positive integer. Received: key_dim=${JSON.stringify(keyDim)}`);
    if (valueDim !== null && (!Number.isInteger(valueDim) || (valueDim as number) <= 0)) {
      throw new Error(`Received an invalid value for argument \`value_dim\`, expected a positive integer or \`None\`. Received: value_dim=${JSON.stringify(valueDim)}`);
    }
    checkAttentionOptions(this.args);
  }

  /** output_shape: a number or a tuple that replaces the query's last dimension (none, or 0: the query's own). */
  private outputDims(query: Shape): (number | null)[] {
    const out = this.args.outputShape;
    if (Array.isArray(out) && out.length > 0) return out as number[];
    if (typeof out === 'number' && out !== 0) return [out];
    return [query[query.length - 1]];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const { query, value, key } = attentionInputs(inputShape, 'MultiHeadAttention');
    checkValueAndKey(value, key);
    return this.outputs([...query.slice(0, -1), ...this.outputDims(query)], inputShape);
  }

  /** Keras's compute_output_spec: (batch, heads, query length, query length), whatever the key's length or attention_axes. */
  protected override scoresShape(inputShape: Shape | Shape[]): Shape {
    const { query } = attentionInputs(inputShape, 'MultiHeadAttention');
    return [query[0], this.args.numHeads as number, query[1], query[1]];
  }

  override build(inputShape: Shape | Shape[]): void {
    const { query, value, key } = attentionInputs(inputShape, 'MultiHeadAttention');
    checkValueAndKey(value, key);
    const heads = this.args.numHeads as number;
    const keyDim = this.args.keyDim as number;
    const valueDim = (this.args.valueDim as number | null) || keyDim;
    const useBias = Boolean(this.args.useBias);
    const project = (name: string, shape: Shape, dim: number) => {
      const { equation, biasAxes, outputRank } = projectionEquation(shape.length - 1, 1, 2);
      return addProjection(this, name, equation, useBias ? biasAxes : null, shape, partialShape(outputRank - 1, [heads, dim]), this.quantization);
    };
    const projectedQuery = project('query', query, keyDim);
    project('key', key, keyDim);
    if (this.args.useGate) project('gate', query, valueDim);
    project('value', value, valueDim);
    const outputDims = this.outputDims(query);
    const { equation, biasAxes, outputRank } = projectionEquation(query.length - 1, 2, outputDims.length);
    const attended = [...projectedQuery.slice(0, -1), valueDim];
    addProjection(this, 'attention_output', equation, useBias ? biasAxes : null, attended, partialShape(outputRank - 1, outputDims as number[]), this.quantization);
    super.build(inputShape);
  }
}

/**
 * Keras's GroupQueryAttention (printed as GroupedQueryAttention,
 * grouped_query_attention.py): num_query_heads query heads and the fewer
 * num_key_value_heads key and value heads, each of head_dim, an optional
 * gate, and the output projection back to the query's features. Its
 * projections' equations fix the inputs at (batch, sequence, features).
 */
export class GroupQueryAttention extends ProjectedAttention {
  static className = 'GroupQueryAttention';
  static override defaults = {
    headDim: undefined, numQueryHeads: undefined, numKeyValueHeads: undefined, dropout: 0, useBias: true, useGate: false, slidingWindow: null, flashAttention: null, dtype: null,
  };

  protected override validate(): void {
    for (const key of ['headDim', 'numQueryHeads', 'numKeyValueHeads']) {
      if (!Number.isInteger(this.args[key]) || (this.args[key] as number) <= 0) throw new Error(`GroupQueryAttention needs ${kerasSnakeCase(key)}, a positive whole number; got ${JSON.stringify(this.args[key])}`);
    }
    if ((this.args.numQueryHeads as number) % (this.args.numKeyValueHeads as number) !== 0) throw new Error('`num_query_heads` must be divisible by `num_key_value_heads`.');
    checkAttentionOptions(this.args);
  }

  private inputs(inputShape: Shape | Shape[]): { query: Shape; value: Shape; key: Shape } {
    const inputs = attentionInputs(inputShape, 'GroupedQueryAttention');
    for (const [what, shape] of Object.entries(inputs)) {
      if (shape.length !== 3) throw new Error(`GroupedQueryAttention's ${what} must be (batch, sequence, features), as its projections' equations ("bqm,muh->bquh") say; got ${pyShape(shape)}`);
    }
    return inputs;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const { query, value, key } = this.inputs(inputShape);
    if (query[2] !== value[2]) {
      throw new Error(`The last dimension of \`query_shape\` and \`value_shape\` must be equal, but are ${query[2]}, ${value[2]}. Received: query_shape=${pyShape(query)}, value_shape=${pyShape(value)}`);
    }
    checkValueAndKey(value, key);
    return this.outputs(query, inputShape);
  }

  /** (batch, query heads, query length, key length). */
  protected override scoresShape(inputShape: Shape | Shape[]): Shape {
    const { query, key } = this.inputs(inputShape);
    return [query[0], this.args.numQueryHeads as number, query[1], key[1]];
  }

  override build(inputShape: Shape | Shape[]): void {
    const { query, value, key } = this.inputs(inputShape);
    const headDim = this.args.headDim as number;
    const queryHeads = this.args.numQueryHeads as number;
    const kvHeads = this.args.numKeyValueHeads as number;
    const bias = (axes: string) => (this.args.useBias ? axes : null);
    addProjection(this, 'query', 'bqm,muh->bquh', bias('uh'), query, [null, queryHeads, headDim], this.quantization);
    addProjection(this, 'key', 'bkm,mvh->bkvh', bias('vh'), key, [null, kvHeads, headDim], this.quantization);
    if (this.args.useGate) addProjection(this, 'gate', 'bqm,muh->bquh', bias('uh'), query, [null, queryHeads, headDim], this.quantization);
    addProjection(this, 'value', 'bkm,mvh->bkvh', bias('vh'), value, [null, kvHeads, headDim], this.quantization);
    addProjection(this, 'attention_output', 'bquh,uhm->bqm', bias('m'), [null, null, queryHeads, headDim], [null, query[2]], this.quantization);
    super.build(inputShape);
  }
}

/** Attention's scores: the query's shape with the key's steps last (the key defaults to the value). */
function dotScoresShape(inputShape: Shape | Shape[]): Shape {
  const [query, value, key = value] = shapeList(inputShape);
  return [...query.slice(0, -1), key[key.length - 2]];
}

/** The query's shape with the value's last dimension: Attention and AdditiveAttention. */
function attendedShape(inputShape: Shape | Shape[]): Shape {
  const [query, value] = shapeList(inputShape);
  if (!value) throw new Error('attention is called on [query, value] or [query, value, key]');
  return [...query.slice(0, -1), value[value.length - 1]];
}

/** Keras's dot-product Attention: a scalar scale with use_scale, a scalar concat weight with score_mode "concat". */
export class Attention extends AttentionLayer {
  static className = 'Attention';
  static override defaults = { useScale: false, scoreMode: 'dot', dropout: 0 };

  protected override validate(): void {
    const mode = this.args.scoreMode;
    if (mode !== 'dot' && mode !== 'concat') {
      throw new Error(`Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. Received: score_mode=${typeof mode === 'string' ? mode : JSON.stringify(mode)}`);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.outputs(attendedShape(inputShape), inputShape);
  }

  /** (*batch dims, query steps, key steps). */
  protected override scoresShape(inputShape: Shape | Shape[]): Shape {
    return dotScoresShape(inputShape);
  }

  override build(inputShape: Shape | Shape[]): void {
    if (this.args.useScale) this.addParams('scale', []);
    if (this.args.scoreMode === 'concat') this.addParams('concat_score_weight', []);
    super.build(inputShape);
  }
}

/** Keras's AdditiveAttention: with use_scale (the default), a scale per query feature. */
export class AdditiveAttention extends AttentionLayer {
  static className = 'AdditiveAttention';
  static override defaults = { useScale: true, dropout: 0 };

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.outputs(attendedShape(inputShape), inputShape);
  }

  /** (*batch dims, query steps, key steps). */
  protected override scoresShape(inputShape: Shape | Shape[]): Shape {
    return dotScoresShape(inputShape);
  }

  override build(inputShape: Shape | Shape[]): void {
    const [query] = shapeList(inputShape);
    if (this.args.useScale) this.addParams('scale', [query[query.length - 1] as number]);
    super.build(inputShape);
  }
}
