import { addLayerWeight, kerasPolicyOf, kerasVariableDtype, LayerBase, setKerasDtype, tfjsWeightDtype, type Layer, type LayerVariable, type Shape, type Tensor } from '../tfjs.js';

const Base = LayerBase as unknown as new (config: object) => Layer;

/** Arguments every tfjs layer takes from its config. */
const LAYER_ARGS = ['name', 'trainable', 'dtype', 'inputShape', 'batchInputShape', 'batchSize', 'inputDType'];

/**
 * The base of the Keras layers merge-summary adds to tfjs: a layer's
 * constructor arguments with Keras's defaults (camelCase, as tfjs configs
 * are), its config for tfjs's registry, and weights created through tfjs's
 * addWeight (so that on the storage-less backend they hold no data). Each
 * layer says only its shape rule and its weights. Summaries never compute,
 * so these layers have no kernels.
 */
export abstract class KerasLayer extends Base {
  /** Keras's constructor arguments and their defaults, in camelCase. */
  static defaults: Record<string, unknown> = {};
  protected readonly args: Record<string, unknown>;

  constructor(config: Record<string, unknown> = {}) {
    const layerConfig: Record<string, unknown> = {};
    for (const key of LAYER_ARGS) if (config[key] !== undefined) layerConfig[key] = config[key];
    super(layerConfig);
    const defaults = (this.constructor as typeof KerasLayer).defaults;
    this.args = {};
    for (const [key, value] of Object.entries(defaults)) this.args[key] = config[key] ?? value;
    this.validate();
  }

  /** Throws when the arguments make no layer Keras would build. */
  protected validate(): void {}

  /** A weight as Keras makes it: its name, shape, whether it trains, and its dtype (int8 for a quantized kernel; by default the layer's variable dtype). */
  protected addParams(name: string, shape: number[], trainable = true, dtype?: string): LayerVariable {
    return addKerasWeight(this, name, shape, trainable, dtype);
  }

  override getConfig() {
    return { ...super.getConfig(), ...(this.args as Record<string, never>) };
  }

  /** Summaries never compute; a layer that can be run (for `profile`) says how. */
  override call(inputs: Tensor | Tensor[], kwargs?: object): Tensor | Tensor[] {
    void inputs;
    void kwargs;
    throw new Error(`merge-summary computes no values for ${this.getClassName()}; it knows its shapes and weights`);
  }
}

/**
 * A weight of a layer (of any class) with Keras's name, shape, trainability
 * and dtype: the one given (Keras's own choice for a weight, such as int8 for
 * a quantized kernel), else the layer's variable dtype, as Keras's add_weight.
 */
export function addKerasWeight(layer: Layer, name: string, shape: number[], trainable = true, dtype?: string): LayerVariable {
  const kerasDtype = dtype ?? kerasVariableDtype(kerasPolicyOf(layer)) ?? 'float32';
  const weight = addLayerWeight(layer, name, shape, tfjsWeightDtype(kerasDtype), trainable);
  if (weight.dtype !== kerasDtype) setKerasDtype(weight, kerasDtype);
  return weight;
}

/** Keras writes a per-dimension argument as one number for all, or one per dimension. */
export function perDim(value: unknown, dims: number): number[] {
  return Array.isArray(value) ? (value as number[]) : Array(dims).fill(value as number);
}

/** Padding or cropping: n, (a, b) for 1-D; n, (x, y, z) or ((a, b), (c, d), (e, f)) for 3-D. */
export function pairs(value: unknown, dims: number): [number, number][] {
  if (typeof value === 'number') return Array(dims).fill([value, value]);
  const list = value as (number | number[])[];
  if (dims === 1 && list.length === 2 && typeof list[0] === 'number') return [[list[0], list[1] as number]];
  return list.map((item) => (typeof item === 'number' ? [item, item] : [item[0], item[1]]));
}

export const plus = (dim: number | null, n: number) => (dim === null ? null : dim + n);
export const timesDim = (dim: number | null, n: number) => (dim === null ? null : dim * n);
