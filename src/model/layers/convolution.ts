import { firstShape } from '../../core/shapes.js';
import { tfjsLayerClass, type Layer, type Shape, type Tensor } from '../tfjs.js';
import { cannotCompute, channelsOf, convOutputShape, isChannelsFirst, py, pyTuple, standardizePadding, standardizeTuple, tfjsDataFormat, transposeOutputShape, type Window } from './geometry.js';
import { KerasLayer } from './keras-layer.js';

/**
 * Keras 3's convolutions. tfjs's classes compute their shapes by tfjs's
 * rules: Conv1D's "causal" padding shrinks the output, DepthwiseConv2D
 * ignores its dilation, the transposed convolutions ignore output_padding
 * and dilation, and none has `groups`. Here each class takes Keras's
 * arguments, refuses what Keras refuses in Keras's words (base_conv.py,
 * base_conv_transpose.py, base_depthwise_conv.py, base_separable_conv.py),
 * and computes Keras's output shape and weights. Where tfjs has the class,
 * it is extended, so a configuration tfjs can run still runs (`profile`);
 * one its kernels cannot compute (grouped, causal, output_padding, a
 * dilated depthwise kernel) is refused by `profile`, by name. Conv1DTranspose, DepthwiseConv1D
 * and SeparableConv1D, which tfjs lacks, are shape rules and weights only.
 */

type Args = Record<string, unknown>;
type TfjsClass = new (args: Args) => Layer;

/** The window of a convolution, after Keras's checks of its arguments. */
type ConvArgs = Window;

function windowOf(rank: number, args: Args, allowCausal: boolean): ConvArgs {
  return {
    kernelSize: standardizeTuple(args.kernelSize, rank, 'kernel_size'),
    strides: standardizeTuple(args.strides ?? 1, rank, 'strides'),
    dilation: standardizeTuple(args.dilationRate ?? 1, rank, 'dilation_rate'),
    padding: standardizePadding(args.padding, allowCausal),
    channelsFirst: isChannelsFirst(args.dataFormat),
  };
}

/** The arguments a tfjs convolution takes, Keras's checked ones in tfjs's spelling. */
function tfjsArgs(args: Args, window: ConvArgs): Args {
  return { ...args, kernelSize: window.kernelSize, strides: window.strides, dilationRate: window.dilation, padding: window.padding, dataFormat: tfjsDataFormat(window.channelsFirst) };
}

function checkFilters(filters: unknown): void {
  if (typeof filters === 'number' && filters <= 0) {
    throw new Error(`Invalid value for argument \`filters\`. Expected a strictly positive value. Received filters=${filters}.`);
  }
}

function checkDepthMultiplier(multiplier: unknown): void {
  if (typeof multiplier === 'number' && multiplier <= 0) {
    throw new Error(`Invalid value for argument \`depth_multiplier\`. Expected a strictly positive value. Received depth_multiplier=${multiplier}.`);
  }
}

/** Keras refuses to combine strides and dilation (convolutions and transposed convolutions; not depthwise or separable ones). */
function checkStridesWithDilation(window: ConvArgs): void {
  if (Math.max(...window.strides) > 1 && Math.max(...window.dilation) > 1) {
    throw new Error(`\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=${pyTuple(window.strides)} and dilation_rate=${pyTuple(window.dilation)}`);
  }
}

function inputChannels(shape: Shape, window: Window, className: string): number {
  const channels = channelsOf(shape, window.channelsFirst);
  if (channels === null) throw new Error(`${className} needs the channel dimension of its input to be known; the input has shape ${pyTuple(shape)}`);
  return channels;
}

/** Keras's Conv1D, Conv2D, Conv3D on tfjs's: causal padding (Conv1D only), groups, and Keras's checks. */
function convolution(className: 'Conv1D' | 'Conv2D' | 'Conv3D', rank: number) {
  const Base = tfjsLayerClass(className) as unknown as TfjsClass;
  return class extends Base {
    static className = className;
    private readonly keras: ConvArgs;
    private readonly groups: number;
    private readonly filterCount: number;

    constructor(args: Args = {}) {
      const { groups = 1, ...rest } = args;
      const window = windowOf(rank, rest, rank === 1);
      checkFilters(rest.filters);
      if (typeof groups !== 'number' || groups <= 0) throw new Error(`The number of groups must be a positive integer. Received: groups=${py(groups)}.`);
      if (typeof rest.filters === 'number' && rest.filters % groups !== 0) {
        throw new Error(`The number of filters must be evenly divisible by the number of groups. Received: groups=${groups}, filters=${rest.filters}.`);
      }
      checkStridesWithDilation(window);
      super(tfjsArgs(rest, window));
      this.keras = window;
      this.groups = groups;
      this.filterCount = rest.filters as number;
      // Keras's InputSpec is a least rank; a larger one is refused by its shape rule, in its words ("Kernel shape must have the same length as input").
      this.inputSpec = [{ minNDim: rank + 2 }] as Layer['inputSpec'];
    }

    override build(inputShape: Shape | Shape[]): void {
      const shape = firstShape(inputShape);
      const channels = inputChannels(shape, this.keras, className);
      if (channels % this.groups !== 0) {
        throw new Error(
          `The number of input channels must be evenly divisible by the number of groups. Received groups=${this.groups}, but the input has ${channels} channels (full input shape is ${pyTuple(shape)}).`,
        );
      }
      // As Keras's build, the shape rule first: an input of another rank is refused in its words.
      convOutputShape(shape, this.filterCount, this.keras);
      // Each group's filters see channels / groups of the input: Keras's kernel is (*kernel_size, channels / groups, filters).
      const axis = this.keras.channelsFirst ? 1 : -1;
      const perGroup = [...shape];
      perGroup[this.keras.channelsFirst ? 1 : shape.length - 1] = channels / this.groups;
      super.build(perGroup);
      this.inputSpec = [{ minNDim: rank + 2, axes: { [axis]: channels } }] as Layer['inputSpec'];
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return convOutputShape(firstShape(inputShape), this.filterCount, this.keras);
    }

    override getConfig() {
      // tfjs's Conv1D leaves data_format out of its config; Keras's has it.
      return { ...super.getConfig(), groups: this.groups, dataFormat: tfjsDataFormat(this.keras.channelsFirst) } as ReturnType<Layer['getConfig']>;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Args) {
      if (this.groups > 1) cannotCompute(this, `groups=${this.groups}`);
      if (this.keras.padding === 'causal') cannotCompute(this, 'padding="causal"');
      return super.call(inputs, kwargs);
    }
  };
}

export const Conv1D = convolution('Conv1D', 1);
export const Conv2D = convolution('Conv2D', 2);
export const Conv3D = convolution('Conv3D', 3);

/** Keras's checks of a transposed convolution's arguments, and its output_padding as a tuple (or null). */
function transposeArgs(rank: number, args: Args): { window: ConvArgs; outputPadding: number[] | null } {
  const window = windowOf(rank, args, false);
  const outputPadding = args.outputPadding === null || args.outputPadding === undefined ? null : standardizeTuple(args.outputPadding, rank, 'output_padding', true);
  checkFilters(args.filters);
  outputPadding?.forEach((extra, i) => {
    if (extra >= window.strides[i]) {
      throw new Error(
        `\`output_padding\` must be strictly less than \`strides\` for all dimensions. At dimension ${i}, \`output_padding\` is ${extra} but \`strides\` is ${window.strides[i]}. ` +
          `Received: output_padding=${pyTuple(outputPadding)}, strides=${pyTuple(window.strides)}`,
      );
    }
  });
  checkStridesWithDilation(window);
  return { window, outputPadding };
}

/** Keras's Conv2DTranspose and Conv3DTranspose on tfjs's: output_padding and dilation_rate, and Keras's checks. */
function transposedConvolution(className: 'Conv2DTranspose' | 'Conv3DTranspose', rank: number) {
  const Base = tfjsLayerClass(className) as unknown as TfjsClass;
  return class extends Base {
    static className = className;
    private readonly keras: ConvArgs;
    private readonly outputPadding: number[] | null;
    private readonly filterCount: number;

    constructor(args: Args = {}) {
      const { outputPadding: _, ...rest } = args;
      const { window, outputPadding } = transposeArgs(rank, args);
      super(tfjsArgs(rest, window));
      this.keras = window;
      this.outputPadding = outputPadding;
      this.filterCount = rest.filters as number;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return transposeOutputShape(firstShape(inputShape), this.filterCount, this.keras, this.outputPadding);
    }

    override getConfig() {
      // tfjs's transposed convolutions leave dilation_rate out of their config.
      return { ...super.getConfig(), outputPadding: this.outputPadding, dilationRate: this.keras.dilation } as ReturnType<Layer['getConfig']>;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Args) {
      if (this.outputPadding !== null) cannotCompute(this, `output_padding=${pyTuple(this.outputPadding)}`);
      if (this.keras.dilation.some((d) => d > 1)) cannotCompute(this, `dilation_rate=${pyTuple(this.keras.dilation)}`);
      return super.call(inputs, kwargs);
    }
  };
}

export const Conv2DTranspose = transposedConvolution('Conv2DTranspose', 2);
export const Conv3DTranspose = transposedConvolution('Conv3DTranspose', 3);

/**
 * Keras's Conv1DTranspose, which tfjs lacks: a (kernel_size, filters,
 * input channels) kernel and a (filters) bias.
 */
export class Conv1DTranspose extends KerasLayer {
  static className = 'Conv1DTranspose';
  static override defaults = {
    filters: undefined, kernelSize: undefined, strides: 1, padding: 'valid', outputPadding: null,
    dataFormat: 'channelsLast', dilationRate: 1, activation: null, useBias: true,
  };
  // Set in validate(), which the base constructor calls: declared, so that no field initializer resets them.
  declare private keras: ConvArgs;
  declare private outputPadding: number[] | null;

  protected override validate(): void {
    if (!Number.isInteger(this.args.filters)) throw new Error('Conv1DTranspose needs filters, a positive whole number');
    ({ window: this.keras, outputPadding: this.outputPadding } = transposeArgs(1, this.args));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return transposeOutputShape(firstShape(inputShape), this.args.filters as number, this.keras, this.outputPadding);
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = inputChannels(firstShape(inputShape), this.keras, 'Conv1DTranspose');
    this.addParams('kernel', [...this.keras.kernelSize, this.args.filters as number, channels]);
    if (this.args.useBias) this.addParams('bias', [this.args.filters as number]);
    super.build(inputShape);
  }
}

/** Keras's checks of a depthwise convolution's arguments: no causal padding, no check of strides against dilation. */
function depthwiseArgs(rank: number, args: Args): ConvArgs {
  const window = windowOf(rank, args, false);
  checkDepthMultiplier(args.depthMultiplier);
  return window;
}

const multiplierOf = (args: Args) => (args.depthMultiplier ?? 1) as number;

/** Keras's DepthwiseConv2D on tfjs's: its dilation_rate, which tfjs's shape rule and kernel ignore. */
const TfjsDepthwiseConv2D = tfjsLayerClass('DepthwiseConv2D') as unknown as TfjsClass;
export class DepthwiseConv2D extends TfjsDepthwiseConv2D {
  static className = 'DepthwiseConv2D';
  private readonly keras: ConvArgs;
  private readonly multiplier: number;

  constructor(args: Args = {}) {
    const window = depthwiseArgs(2, args);
    super(tfjsArgs(args, window));
    this.keras = window;
    this.multiplier = multiplierOf(args);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    const channels = channelsOf(shape, this.keras.channelsFirst);
    return convOutputShape(shape, channels === null ? null : channels * this.multiplier, this.keras);
  }

  override call(inputs: Tensor | Tensor[], kwargs: Args) {
    if (this.keras.dilation.some((d) => d > 1)) cannotCompute(this, `dilation_rate=${pyTuple(this.keras.dilation)}`);
    return super.call(inputs, kwargs);
  }
}

/** Keras's SeparableConv2D on tfjs's: depth_multiplier in its config (tfjs honours it but leaves it out), and Keras's checks. */
const TfjsSeparableConv2D = tfjsLayerClass('SeparableConv2D') as unknown as TfjsClass;
export class SeparableConv2D extends TfjsSeparableConv2D {
  static className = 'SeparableConv2D';
  private readonly keras: ConvArgs;
  private readonly multiplier: number;
  private readonly filterCount: number;

  constructor(args: Args = {}) {
    const window = depthwiseArgs(2, args);
    checkFilters(args.filters);
    super(tfjsArgs(args, window));
    this.keras = window;
    this.multiplier = multiplierOf(args);
    this.filterCount = args.filters as number;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return convOutputShape(firstShape(inputShape), this.filterCount, this.keras);
  }

  override getConfig() {
    return { ...super.getConfig(), depthMultiplier: this.multiplier } as ReturnType<Layer['getConfig']>;
  }
}

/** Keras's DepthwiseConv1D, which tfjs lacks: a (kernel_size, channels, depth_multiplier) kernel and a (channels × depth_multiplier) bias. */
export class DepthwiseConv1D extends KerasLayer {
  static className = 'DepthwiseConv1D';
  static override defaults = {
    kernelSize: undefined, strides: 1, padding: 'valid', depthMultiplier: 1, dataFormat: 'channelsLast', dilationRate: 1, activation: null, useBias: true,
  };
  declare private keras: ConvArgs;

  protected override validate(): void {
    this.keras = depthwiseArgs(1, this.args);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    const channels = channelsOf(shape, this.keras.channelsFirst);
    return convOutputShape(shape, channels === null ? null : channels * multiplierOf(this.args), this.keras);
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = inputChannels(firstShape(inputShape), this.keras, 'DepthwiseConv1D');
    const multiplier = multiplierOf(this.args);
    this.addParams('kernel', [...this.keras.kernelSize, channels, multiplier]);
    if (this.args.useBias) this.addParams('bias', [channels * multiplier]);
    super.build(inputShape);
  }
}

/**
 * Keras's SeparableConv1D, which tfjs lacks: a depthwise (kernel_size,
 * channels, depth_multiplier) kernel, a pointwise (1, channels ×
 * depth_multiplier, filters) kernel and a (filters) bias.
 */
export class SeparableConv1D extends KerasLayer {
  static className = 'SeparableConv1D';
  static override defaults = {
    filters: undefined, kernelSize: undefined, strides: 1, padding: 'valid', dataFormat: 'channelsLast', dilationRate: 1, depthMultiplier: 1, activation: null, useBias: true,
  };
  declare private keras: ConvArgs;

  protected override validate(): void {
    this.keras = depthwiseArgs(1, this.args);
    checkFilters(this.args.filters);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return convOutputShape(firstShape(inputShape), this.args.filters as number, this.keras);
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = inputChannels(firstShape(inputShape), this.keras, 'SeparableConv1D');
    const multiplier = multiplierOf(this.args);
    this.addParams('depthwise_kernel', [...this.keras.kernelSize, channels, multiplier]);
    this.addParams('pointwise_kernel', [1, channels * multiplier, this.args.filters as number]);
    if (this.args.useBias) this.addParams('bias', [this.args.filters as number]);
    super.build(inputShape);
  }
}
