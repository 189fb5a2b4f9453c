import { tfjsLayerClass, type Shape } from '../tfjs.js';
import { firstShape } from '../../core/shapes.js';
import { KerasLayer, pairs, perDim, plus, timesDim } from './keras-layer.js';

/**
 * Keras's 1-D and 3-D padding, cropping and upsampling, which tfjs has only
 * in 2-D; channels last (channels first moves the spatial dimensions by one).
 */
function spatialAxes(rank: number, dims: number, dataFormat: unknown): number[] {
  const first = dataFormat === 'channelsFirst' ? 2 : 1;
  return Array.from({ length: dims }, (_, i) => first + i);
}

function makeResize(className: string, dims: number, argument: string, fallback: unknown, resize: (dim: number | null, arg: [number, number] | number) => number | null) {
  return class extends KerasLayer {
    static className = className;
    static override defaults = { [argument]: fallback, ...(dims === 3 ? { dataFormat: 'channelsLast' } : {}) };

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = [...firstShape(inputShape)];
      const value = this.args[argument];
      const perAxis = argument === 'size' ? perDim(value, dims) : pairs(value, dims);
      spatialAxes(shape.length, dims, this.args.dataFormat).forEach((axis, i) => {
        shape[axis] = resize(shape[axis], perAxis[i]);
      });
      return shape;
    }
  };
}

const total = (pair: [number, number] | number) => (pair as [number, number])[0] + (pair as [number, number])[1];
const padded = (dim: number | null, pair: [number, number] | number) => plus(dim, total(pair));
const cropped = (dim: number | null, pair: [number, number] | number) => plus(dim, -total(pair));
const upsampled = (dim: number | null, size: [number, number] | number) => timesDim(dim, size as number);

export const ZeroPadding1D = makeResize('ZeroPadding1D', 1, 'padding', 1, padded);
export const ZeroPadding3D = makeResize('ZeroPadding3D', 3, 'padding', 1, padded);
export const Cropping1D = makeResize('Cropping1D', 1, 'cropping', [1, 1], cropped);
export const Cropping3D = makeResize('Cropping3D', 3, 'cropping', [[1, 1], [1, 1], [1, 1]], cropped);
export const UpSampling1D = makeResize('UpSampling1D', 1, 'size', 2, upsampled);
export const UpSampling3D = makeResize('UpSampling3D', 3, 'size', [2, 2, 2], upsampled);

/** Keras's 3-D global pooling: (batch, d, h, w, c) to (batch, c), or (batch, 1, 1, 1, c) with keepdims. */
function makeGlobalPooling3D(className: string) {
  return class extends KerasLayer {
    static className = className;
    static override defaults = { dataFormat: 'channelsLast', keepdims: false };

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = firstShape(inputShape);
      const channelsFirst = this.args.dataFormat === 'channelsFirst';
      const channels = channelsFirst ? shape[1] : shape[4];
      if (!this.args.keepdims) return [shape[0], channels];
      return channelsFirst ? [shape[0], channels, 1, 1, 1] : [shape[0], 1, 1, 1, channels];
    }
  };
}

export const GlobalAveragePooling3D = makeGlobalPooling3D('GlobalAveragePooling3D');
export const GlobalMaxPooling3D = makeGlobalPooling3D('GlobalMaxPooling3D');

/** Keras's SpatialDropout2D and 3D: whole feature maps dropped in training; shapes kept, no weights. */
function makeSpatialDropout(className: string) {
  return class extends KerasLayer {
    static className = className;
    static override defaults = { rate: 0.5, dataFormat: 'channelsLast', seed: null };

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return firstShape(inputShape);
    }
  };
}

export const SpatialDropout2D = makeSpatialDropout('SpatialDropout2D');
export const SpatialDropout3D = makeSpatialDropout('SpatialDropout3D');

/**
 * Keras's Conv1DTranspose: a (kernel_size, filters, input channels) kernel
 * and (filters) bias; length L becomes L * strides + max(kernel - strides, 0)
 * with "valid" padding and L * strides with "same", the kernel dilated first.
 */
export class Conv1DTranspose extends KerasLayer {
  static className = 'Conv1DTranspose';
  static override defaults = {
    filters: undefined, kernelSize: undefined, strides: 1, padding: 'valid', outputPadding: null,
    dataFormat: 'channelsLast', dilationRate: 1, activation: null, useBias: true,
  };

  private get kernel(): number {
    return perDim(this.args.kernelSize, 1)[0];
  }

  protected override validate(): void {
    if (!Number.isInteger(this.args.filters) || !Number.isInteger(this.kernel)) throw new Error('Conv1DTranspose needs filters and kernel_size, positive whole numbers');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, length, channels] = firstShape(inputShape);
    const channelsFirst = this.args.dataFormat === 'channelsFirst';
    const steps = channelsFirst ? channels : length;
    const stride = perDim(this.args.strides, 1)[0];
    const dilation = perDim(this.args.dilationRate, 1)[0];
    const kernel = this.kernel + (this.kernel - 1) * (dilation - 1);
    const outputPadding = this.args.outputPadding === null ? null : perDim(this.args.outputPadding, 1)[0];
    let out: number | null = null;
    if (steps !== null) {
      if (outputPadding === null) out = this.args.padding === 'same' ? steps * stride : steps * stride + Math.max(kernel - stride, 0);
      else out = (steps - 1) * stride + kernel - (this.args.padding === 'same' ? 2 * Math.floor(kernel / 2) : 0) + outputPadding;
    }
    return channelsFirst ? [batch, this.args.filters as number, out] : [batch, out, this.args.filters as number];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    const channels = (this.args.dataFormat === 'channelsFirst' ? shape[1] : shape[2]) as number;
    this.addParams('kernel', [this.kernel, this.args.filters as number, channels]);
    if (this.args.useBias) this.addParams('bias', [this.args.filters as number]);
    super.build(inputShape);
  }
}


/**
 * tfjs's 1-D and 2-D global pooling with Keras 3's keepdims, which tfjs
 * lacks: (batch, c) becomes (batch, 1, c) or (batch, 1, 1, c).
 */
function withKeepdims(className: string) {
  const tfjsClass = tfjsLayerClass(className);
  return class extends tfjsClass {
    static className = className;
    private readonly keepdims: boolean;

    constructor(args: Record<string, unknown> = {}) {
      const { keepdims, ...rest } = args;
      super(rest);
      this.keepdims = Boolean(keepdims);
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const pooled = super.computeOutputShape(inputShape) as Shape;
      if (!this.keepdims) return pooled;
      const rank = firstShape(inputShape).length;
      return [pooled[0], ...Array(rank - 2).fill(1), pooled[1]];
    }
    override getConfig() {
      return { ...super.getConfig(), keepdims: this.keepdims as never };
    }
  };
}

export const GlobalAveragePooling1D = withKeepdims('GlobalAveragePooling1D');
export const GlobalAveragePooling2D = withKeepdims('GlobalAveragePooling2D');
export const GlobalMaxPooling1D = withKeepdims('GlobalMaxPooling1D');
export const GlobalMaxPooling2D = withKeepdims('GlobalMaxPooling2D');
