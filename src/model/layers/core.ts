import { firstShape } from '../../core/shapes.js';
import { tfjsLayerClass, type Layer, type LayerVariable, type Shape, type Tensor } from '../tfjs.js';
import { apartFromQuantization, float8Weights, modeNotSupported, packed, type Quantization, type WeightPlan } from './dtype-policy.js';
import { fullyDefined, loraRankOf } from './einsum-dense.js';
import { addKerasWeight, KerasLayer } from './keras-layer.js';

/** The one tensor a single-input layer is called on. */
export function onlyTensor(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/** Keras's Identity: returns its input (a list of inputs as a list of outputs); no weights. */
export class Identity extends KerasLayer {
  static className = 'Identity';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }
}

/**
 * Keras's ActivityRegularization: its input unchanged, with an L1/L2 penalty
 * on it added to the loss in training; no weights.
 */
export class ActivityRegularization extends KerasLayer {
  static className = 'ActivityRegularization';
  static override defaults = { l1: 0, l2: 0 };

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return onlyTensor(inputs);
  }
}

type Args = Record<string, unknown>;

/** What a tfjs layer extended here has of its own: the fields its build sets and its call reads. */
type TfjsLayerFields = {
  name: string;
  getClassName(): string;
  built: boolean;
  inputSpec: unknown;
  build(inputShape: Shape | Shape[]): void;
  apply(inputs: Tensor | Tensor[], kwargs?: Args): Tensor | Tensor[];
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[];
  call(inputs: Tensor | Tensor[], kwargs: object): Tensor | Tensor[];
  getConfig(): object;
};

const TfjsDense = tfjsLayerClass('Dense') as unknown as new (args: Args) => TfjsLayerFields & { units: number; useBias: boolean; kernel: LayerVariable | null; bias: LayerVariable | null };

/**
 * The weights of a Dense of kernel (input dim, units), as Keras 3.15's
 * Dense.build creates them with a quantized dtype policy and with LoRA.
 */
export function denseWeights(kernelShape: [number, number], useBias: boolean, quantization: Quantization | undefined, loraRank: number | null): WeightPlan[] {
  const [inputDim, units] = kernelShape;
  const dtype = quantization?.variableDtype;
  const weights: WeightPlan[] = [];
  if (quantization?.mode === 'int8') {
    weights.push({ name: 'kernel', shape: kernelShape, trainable: false, dtype: 'int8' });
    weights.push({ name: 'kernel_scale', shape: [units], trainable: false, dtype });
  } else if (quantization?.mode === 'int4') {
    // Two int4 values to a byte, along the units; one scale per unit, or per block of inputs and unit.
    weights.push({ name: 'kernel', shape: [inputDim, packed(units)], trainable: false, dtype: 'int8' });
    const blocks = quantization.blockSize;
    const scaleShape = blocks === undefined ? [units] : [Math.ceil(inputDim / blocks), units];
    weights.push({ name: 'kernel_scale', shape: scaleShape, trainable: false, dtype });
    if (blocks !== undefined) {
      weights.push({ name: 'kernel_zero', shape: scaleShape, trainable: false, dtype: 'int8' });
      weights.push({ name: 'g_idx', shape: [inputDim], trainable: false, dtype: 'float32' });
    }
  } else {
    if (quantization?.mode === 'float8') weights.push(...float8Weights(quantization));
    weights.push({ name: 'kernel', shape: kernelShape, trainable: !loraRank, dtype });
  }
  if (useBias) weights.push({ name: 'bias', shape: [units], trainable: true, dtype });
  if (loraRank) {
    weights.push({ name: 'lora_kernel_a', shape: [inputDim, loraRank], trainable: true, dtype: 'float32' });
    weights.push({ name: 'lora_kernel_b', shape: [loraRank, units], trainable: true, dtype: 'float32' });
  }
  return weights;
}

/**
 * Keras 3's Dense: tfjs's, with what tfjs lacks: LoRA (lora_rank: two
 * trainable low-rank kernels, the kernel itself frozen) and quantized dtype
 * policies (an int8 or packed int4 kernel with its scales, frozen; float8's
 * scales and amax histories).
 */
export class Dense extends TfjsDense {
  static className = 'Dense';
  private readonly loraRank: number | null;
  private readonly loraAlpha: unknown;
  private readonly policy: unknown;
  private readonly quantization: Quantization | undefined;

  constructor(args: Args = {}) {
    const { loraRank, loraAlpha = null, ...others } = args;
    const { config: rest, quantization } = apartFromQuantization(others);
    const rank = loraRankOf(loraRank);
    if (rank && rest.kernelConstraint) {
      throw new Error('Lora is incompatible with kernel constraints. In order to enable lora on this layer, remove the `kernel_constraint` argument.');
    }
    super(rest);
    this.loraRank = rank;
    this.loraAlpha = loraAlpha;
    this.policy = args.dtype;
    this.quantization = quantization;
  }

  override build(inputShape: Shape | Shape[]): void {
    if (!this.quantization && !this.loraRank) {
      super.build(inputShape);
      return;
    }
    const shape = firstShape(inputShape);
    const inputDim = shape[shape.length - 1];
    const [rows, units] = fullyDefined([inputDim, this.units], `${this.name}/kernel`);
    for (const plan of denseWeights([rows, units], this.useBias, this.quantization, this.loraRank)) {
      const weight = addKerasWeight(this as unknown as Layer, plan.name, plan.shape, plan.trainable, plan.dtype);
      if (plan.name === 'kernel') this.kernel = weight;
      if (plan.name === 'bias') this.bias = weight;
    }
    this.inputSpec = [{ minNDim: 2, axes: { [-1]: inputDim } }];
    this.built = true;
  }

  override call(inputs: Tensor | Tensor[], kwargs: object): Tensor | Tensor[] {
    if (this.quantization) throw new Error(`merge-summary cannot run a Dense quantized to ${this.quantization.mode} (${this.quantization.name}); it counts it`);
    return super.call(inputs, kwargs);
  }

  override getConfig() {
    return { ...super.getConfig(), loraRank: this.loraRank, loraAlpha: this.loraAlpha, ...(this.policy === undefined ? {} : { dtype: this.policy }) } as never;
  }
}

const TfjsEmbedding = tfjsLayerClass('Embedding') as unknown as new (args: Args) => TfjsLayerFields & { inputDim: number; outputDim: number; embeddings: LayerVariable | null };

/** Embedding's table and its int8 / int4 forms (Embedding._int8_build, _int4_build), named by `prefix` (embeddings, reverse_embeddings). */
function embeddingTable(rows: number, columns: number, quantization: Quantization | undefined, trainable: boolean): WeightPlan[] {
  const dtype = quantization?.variableDtype;
  if (quantization?.mode === 'int8') {
    return [
      { name: 'embeddings', shape: [rows, columns], trainable: false, dtype: 'int8' },
      { name: 'embeddings_scale', shape: [rows], trainable: false, dtype },
    ];
  }
  if (quantization?.mode === 'int4') {
    const blocks = quantization.blockSize;
    const scaleShape = blocks === undefined ? [rows] : [rows, Math.ceil(columns / blocks)];
    return [
      { name: 'embeddings', shape: [rows, packed(columns)], trainable: false, dtype: 'int8' },
      { name: 'embeddings_scale', shape: scaleShape, trainable: false, dtype },
      ...(blocks === undefined
        ? []
        : [
            { name: 'embeddings_zero', shape: scaleShape, trainable: false, dtype: 'int8' },
            { name: 'g_idx', shape: [columns], trainable: false, dtype: 'float32' },
          ]),
    ];
  }
  if (quantization) throw modeNotSupported(quantization.mode, ['int8', 'int4']);
  return [{ name: 'embeddings', shape: [rows, columns], trainable, dtype }];
}

/** The weights of an Embedding of input_dim rows and output_dim columns, with LoRA and quantization as Keras builds them. */
export function embeddingWeights(inputDim: number, outputDim: number, quantization: Quantization | undefined, loraRank: number | null): WeightPlan[] {
  const weights = embeddingTable(inputDim, outputDim, quantization, !loraRank);
  if (loraRank) {
    weights.push({ name: 'lora_embeddings_a', shape: [inputDim, loraRank], trainable: true, dtype: 'float32' });
    weights.push({ name: 'lora_embeddings_b', shape: [loraRank, outputDim], trainable: true, dtype: 'float32' });
  }
  return weights;
}

/** Keras 3's Embedding: tfjs's, with LoRA (lora_embeddings_a and _b, the table frozen) and int8 / int4 dtype policies. */
export class Embedding extends TfjsEmbedding {
  static className = 'Embedding';
  protected readonly loraRank: number | null;
  private readonly loraAlpha: unknown;
  private readonly policy: unknown;
  protected readonly quantization: Quantization | undefined;

  constructor(args: Args = {}) {
    const { loraRank, loraAlpha = null, ...others } = args;
    const { config: rest, quantization } = apartFromQuantization(others);
    const rank = loraRankOf(loraRank);
    if (rank && rest.embeddingsConstraint) {
      throw new Error('Lora is incompatible with embedding constraints. In order to enable lora on this layer, remove the `embeddings_constraint` argument.');
    }
    super(rest);
    this.loraRank = rank;
    this.loraAlpha = loraAlpha;
    this.policy = args.dtype;
    this.quantization = quantization;
  }

  /** The weights this layer creates, as Keras's build does. */
  protected plannedWeights(): WeightPlan[] {
    return embeddingWeights(this.inputDim, this.outputDim, this.quantization, this.loraRank);
  }

  override build(inputShape: Shape | Shape[]): void {
    if (!this.quantization && !this.loraRank && this.plannedWeights().length === 1) {
      super.build(inputShape);
      return;
    }
    for (const plan of this.plannedWeights()) {
      const weight = addKerasWeight(this as unknown as Layer, plan.name, plan.shape, plan.trainable, plan.dtype);
      if (plan.name === 'embeddings') this.embeddings = weight;
    }
    this.built = true;
  }

  override call(inputs: Tensor | Tensor[], kwargs: object): Tensor | Tensor[] {
    if (this.quantization) throw new Error(`merge-summary cannot run an ${this.getClassName()} quantized to ${this.quantization.mode} (${this.quantization.name}); it counts it`);
    return super.call(inputs, kwargs);
  }

  override getConfig() {
    return { ...super.getConfig(), loraRank: this.loraRank, loraAlpha: this.loraAlpha, ...(this.policy === undefined ? {} : { dtype: this.policy }) } as never;
  }
}

/**
 * Keras's ReversibleEmbedding: an Embedding that can also project back to
 * the vocabulary (reverse=True), with the transposed table (tie_weights, the
 * default) or a reverse_embeddings table of its own.
 */
export class ReversibleEmbedding extends Embedding {
  static override className = 'ReversibleEmbedding';
  private readonly tieWeights: boolean;
  private readonly reverseDtype: unknown;
  private readonly logitSoftCap: unknown;

  constructor(args: Args = {}) {
    const { tieWeights = true, reverseDtype = null, logitSoftCap = null, ...rest } = args;
    super(rest);
    this.tieWeights = tieWeights !== false && tieWeights !== null;
    this.reverseDtype = reverseDtype;
    this.logitSoftCap = logitSoftCap;
    if (this.loraRank && !this.tieWeights) {
      throw new Error('Keras fails to build a ReversibleEmbedding with lora_rank and tie_weights=False (its build adds reverse_embeddings after LoRA has locked the layer\'s weights: "ValueError: None")');
    }
  }

  /** The call being applied is reverse=True (a call argument a Keras 3 file carries with the call). */
  private reverse = false;

  override apply(inputs: Tensor | Tensor[], kwargs?: Args): Tensor | Tensor[] {
    const reverse = Boolean(kwargs?.reverse);
    if (reverse && !this.built) throw new Error('ReversibleEmbedding is called with reverse=True before it has been called on tokens; Keras builds it from a token call first');
    this.reverse = reverse;
    try {
      return super.apply(inputs, kwargs);
    } finally {
      this.reverse = false;
    }
  }

  /** reverse=True projects back to the vocabulary: (..., output_dim) becomes (..., input_dim). */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    if (!this.reverse) return super.computeOutputShape(inputShape);
    const shape = firstShape(inputShape);
    const last = shape[shape.length - 1];
    if (last !== null && last !== this.outputDim) {
      throw new Error(`ReversibleEmbedding called with reverse=True takes (..., ${this.outputDim}), its output_dim, to multiply by its embeddings; received ${shape.map((d) => (d === null ? 'None' : d)).join(', ')}`);
    }
    return [...shape.slice(0, -1), this.inputDim];
  }

  protected override plannedWeights(): WeightPlan[] {
    const weights = super.plannedWeights();
    if (this.tieWeights) return weights;
    const [rows, columns] = [this.outputDim, this.inputDim];
    const quantization = this.quantization;
    const dtype = quantization?.variableDtype;
    if (quantization?.mode === 'int8') {
      weights.push({ name: 'reverse_embeddings', shape: [rows, columns], trainable: false, dtype: 'int8' });
      weights.push({ name: 'reverse_embeddings_scale', shape: [columns], trainable: false, dtype });
    } else if (quantization?.mode === 'int4') {
      const blocks = quantization.blockSize;
      const scaleShape = blocks === undefined ? [columns] : [Math.ceil(rows / blocks), columns];
      weights.push({ name: 'reverse_embeddings', shape: [packed(rows), columns], trainable: false, dtype: 'int8' });
      weights.push({ name: 'reverse_embeddings_scale', shape: scaleShape, trainable: false, dtype });
      if (blocks !== undefined) weights.push({ name: 'reverse_embeddings_zero', shape: scaleShape, trainable: false, dtype });
    } else {
      weights.push({ name: 'reverse_embeddings', shape: [rows, columns], trainable: true, dtype });
    }
    return weights;
  }

  override getConfig() {
    return { ...(super.getConfig() as object), tieWeights: this.tieWeights, reverseDtype: this.reverseDtype, logitSoftCap: this.logitSoftCap } as never;
  }
}
