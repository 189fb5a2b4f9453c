import { kerasSignature } from '../../core/keras-classes.js';
import { firstShape } from '../../core/shapes.js';
import { userName } from '../names.js';
import type { Shape } from '../tfjs.js';
import { KerasLayer } from './keras-layer.js';
import { checkDataFormat, checkEachFactor, checkFactor, checkSupported, checkValueRange, isNumber, py } from './preprocessing-checks.js';

/**
 * Keras's image augmentation layers. In inference (what a summary shows)
 * each keeps its input's shape, as its compute_output_shape says, except
 * RandomCrop (height and width become the crop's); none has weights. Each
 * checks its arguments as Keras's constructor does, with Keras's messages,
 * including the checks of the layers Keras builds inside AugMix,
 * RandAugment and RandomColorJitter.
 */

/** Arguments of every Keras layer, which the base class handles. */
const BASE_ARGS = new Set(['activity_regularizer', 'autocast', 'dtype', 'input_dim', 'input_shape', 'name', 'trainable']);

/** A class's own arguments with Keras's defaults (its signature, in camelCase as tfjs holds them); required ones undefined. */
function kerasDefaults(className: string): Record<string, unknown> {
  const signature = kerasSignature(className);
  if (!signature) throw new Error(`no Keras signature for ${className}`);
  const camel = (name: string) => name.replace(/_+(\w|$)/g, (_, next: string) => next.toUpperCase());
  const defaults: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(signature.defaults)) if (!BASE_ARGS.has(name)) defaults[camel(name)] = typeof value === 'string' ? camel(value) : value;
  for (const name of signature.required) defaults[camel(name)] = undefined;
  return defaults;
}

const INTERPOLATIONS = ['nearest', 'bilinear'] as const;
const FILL_MODES = ['reflect', 'wrap', 'constant', 'nearest'] as const;

/** RandomShear's sentence, also said by AugMix and RandAugment, whose shear takes their factor. */
const SHEAR_FACTOR = 'The `factor` argument should be a number (or a list of two numbers) in the range [0, 1.0]. ';
const inUnitInterval = (n: number) => n >= 0 && n <= 1;


/** A layer whose output, in inference, is its input's shape. */
abstract class ShapeKeeping extends KerasLayer {
  protected override validate(): void {
    if ('dataFormat' in this.args) this.args.dataFormat = checkDataFormat(this.args.dataFormat);
    this.check();
  }

  /** The class's own checks of its arguments. */
  protected check(): void {}

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }
}

/** Keras's factor (lower, upper) after BaseImagePreprocessingLayer._set_factor: a number f is (max(-f, lower bound), f); a list, sorted. */
function factorRange(factor: number | number[], lowerBound: number): number[] {
  return Array.isArray(factor) ? [...factor].sort((a, b) => a - b) : [Math.max(-Math.abs(factor), lowerBound), Math.abs(factor)];
}

/**
 * AugMix's and RandAugment's checks: the factor in [0, 1], and the layers
 * they build from it (RandomShear takes the factor's range, each end in
 * [0, 1]; Solarization and RandomPosterization the value_range).
 */
function checkAugmentationMix(args: Record<string, unknown>): void {
  checkFactor(args.factor, [0, 1]);
  checkEachFactor(factorRange(args.factor as number | number[], 0), 'x_factor', SHEAR_FACTOR, inUnitInterval);
  checkSupported(args.interpolation, INTERPOLATIONS, 'interpolation');
  checkValueRange(args.valueRange);
}

export class AugMix extends ShapeKeeping {
  static className = 'AugMix';
  static override defaults = kerasDefaults('AugMix');
  protected override check(): void {
    checkAugmentationMix(this.args);
  }
}

export class RandAugment extends ShapeKeeping {
  static className = 'RandAugment';
  static override defaults = kerasDefaults('RandAugment');
  protected override check(): void {
    checkAugmentationMix(this.args);
  }
}

export class AutoContrast extends ShapeKeeping {
  static className = 'AutoContrast';
  static override defaults = kerasDefaults('AutoContrast');
  protected override check(): void {
    checkValueRange(this.args.valueRange);
  }
}

export class ContrastLimitedAdaptiveHistogramEqualization extends ShapeKeeping {
  static className = 'ContrastLimitedAdaptiveHistogramEqualization';
  static override defaults = kerasDefaults('ContrastLimitedAdaptiveHistogramEqualization');
}

export class CutMix extends ShapeKeeping {
  static className = 'CutMix';
  static override defaults = kerasDefaults('CutMix');
  protected override check(): void {
    checkFactor(this.args.factor, [0, 1]);
  }
}

/**
 * Keras's Equalization cannot be part of a model: its compute_output_spec
 * returns its input tensor itself, so the layer's output is the tensor it
 * was called on, and Keras's graph of the model has a cycle (or, right
 * after a model input, the layer drops out of the model). Keras refuses
 * such a model; so does this. Inside a Pipeline, whose output Keras traces
 * anew, it works, and keeps its input's shape.
 */
export class Equalization extends ShapeKeeping {
  static className = 'Equalization';
  static override defaults = kerasDefaults('Equalization');
  /** Set by the Pipeline that runs it. */
  insidePipeline = false;

  protected override check(): void {
    checkValueRange(this.args.valueRange);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    if (this.insidePipeline) return shape;
    const tensor = `<KerasTensor shape=(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}), dtype=float32, sparse=False, ragged=False, name=keras_tensor>`;
    throw new Error(
      `Tensor ${tensor} from operation '${userName(this.name)}' is part of a cycle. (Keras's Equalization gives back the very tensor it is called on, so Keras builds no model around one; a Pipeline can hold one.)`,
    );
  }
}

/** MaxNumBoundingBoxes pads or trims bounding boxes; the images go through unchanged. */
export class MaxNumBoundingBoxes extends ShapeKeeping {
  static className = 'MaxNumBoundingBoxes';
  static override defaults = kerasDefaults('MaxNumBoundingBoxes');
  protected override check(): void {
    for (const key of ['maxNumber', 'fillValue']) {
      const value = this.args[key];
      if (!isNumber(value)) throw new Error(`int() argument must be a string, a bytes-like object or a real number, not '${value === null ? 'NoneType' : typeof value}'`);
    }
  }
}

export class MixUp extends ShapeKeeping {
  static className = 'MixUp';
  static override defaults = kerasDefaults('MixUp');
}

export class RandomBrightness extends ShapeKeeping {
  static className = 'RandomBrightness';
  static override defaults = kerasDefaults('RandomBrightness');
  protected override check(): void {
    checkFactor(this.args.factor, [-1, 1]);
    checkValueRange(this.args.valueRange);
  }
}

/** RandomColorDegeneration also checks, in compute_output_shape, for images of 3 channels. */
export class RandomColorDegeneration extends ShapeKeeping {
  static className = 'RandomColorDegeneration';
  static override defaults = kerasDefaults('RandomColorDegeneration');
  protected override check(): void {
    checkFactor(this.args.factor, [-1, 1]);
    checkValueRange(this.args.valueRange);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    if (shape.length !== 3 && shape.length !== 4) {
      throw new Error(`Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received: input_shape=(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`);
    }
    const channels = shape[this.args.dataFormat === 'channelsLast' ? shape.length - 1 : shape.length - 3];
    if (channels !== null && channels !== 3) throw new Error(`Input images must have 3 channels, but received images with ${channels} channels.`);
    return shape;
  }
}

/** RandomColorJitter builds RandomBrightness, RandomContrast, RandomSaturation and RandomHue for the factors it is given. */
export class RandomColorJitter extends ShapeKeeping {
  static className = 'RandomColorJitter';
  static override defaults = kerasDefaults('RandomColorJitter');
  protected override check(): void {
    const { brightnessFactor, contrastFactor, saturationFactor, hueFactor, valueRange } = this.args;
    if (brightnessFactor !== null) {
      checkFactor(brightnessFactor, [-1, 1]);
      checkValueRange(valueRange);
    }
    if (contrastFactor !== null) checkFactor(contrastFactor, [0, 1]);
    if (saturationFactor !== null) {
      checkFactor(saturationFactor, [-1, 1]);
      checkValueRange(valueRange);
    }
    if (hueFactor !== null) checkFactor(hueFactor, [0, 1]);
  }
}

export class RandomContrast extends ShapeKeeping {
  static className = 'RandomContrast';
  static override defaults = kerasDefaults('RandomContrast');
  protected override check(): void {
    checkFactor(this.args.factor, [0, 1]);
  }
}

/** RandomCrop gives (height, width) in inference too: a center crop, resized when the image is smaller. */
export class RandomCrop extends ShapeKeeping {
  static className = 'RandomCrop';
  static override defaults = kerasDefaults('RandomCrop');

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = [...firstShape(inputShape)];
    const heightAxis = shape.length + (this.args.dataFormat === 'channelsFirst' ? -2 : -3);
    if (heightAxis < 0) throw new Error(`list assignment index out of range: RandomCrop takes images of rank 3 or more; received input_shape=(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`);
    shape[heightAxis] = this.args.height as number;
    shape[heightAxis + 1] = this.args.width as number;
    return shape;
  }
}

export class RandomElasticTransform extends ShapeKeeping {
  static className = 'RandomElasticTransform';
  static override defaults = kerasDefaults('RandomElasticTransform');
  protected override check(): void {
    checkFactor(this.args.factor, [0, 1]);
    checkFactor(this.args.scale, [0, 1], 'scale');
    checkSupported(this.args.interpolation, INTERPOLATIONS, 'interpolation');
    checkSupported(this.args.fillMode, ['constant', 'nearest', 'wrap', 'mirror', 'reflect'], 'fill_mode', true);
  }
}

export class RandomErasing extends ShapeKeeping {
  static className = 'RandomErasing';
  static override defaults = kerasDefaults('RandomErasing');
  protected override check(): void {
    checkFactor(this.args.factor, [0, 1]);
    checkFactor(this.args.scale, [0, 1], 'scale');
  }
}

/** RandomFlip: Keras does not check the mode (an unknown one flips nothing). */
export class RandomFlip extends ShapeKeeping {
  static className = 'RandomFlip';
  static override defaults = kerasDefaults('RandomFlip');
}

export class RandomGaussianBlur extends ShapeKeeping {
  static className = 'RandomGaussianBlur';
  static override defaults = kerasDefaults('RandomGaussianBlur');
  protected override check(): void {
    checkFactor(this.args.factor, [0, 1]);
    const size = this.args.kernelSize;
    const odd = `kernel_size must be an odd number. Received: kernel_size=${py(size)}`;
    if (Array.isArray(size)) {
      if (size.length !== 2) throw new Error(`The \`kernel_size\` argument should be a number (or a list of two numbers) Received: kernel_size=${py(size)}`);
      if (size.some((n) => !isNumber(n) || n % 2 === 0)) throw new Error(odd);
    } else if (!isNumber(size) || size % 2 === 0) {
      throw new Error(odd);
    }
    checkFactor(this.args.sigma, [0, 1], 'sigma');
  }
}

/** RandomGrayscale keeps the channels: a grayscale image is repeated over them. */
export class RandomGrayscale extends ShapeKeeping {
  static className = 'RandomGrayscale';
  static override defaults = kerasDefaults('RandomGrayscale');
  protected override check(): void {
    const factor = this.args.factor;
    if (!isNumber(factor) || factor < 0 || factor > 1) throw new Error(`\`factor\` should be between 0 and 1. Received: factor=${py(factor)}`);
  }
}

export class RandomHue extends ShapeKeeping {
  static className = 'RandomHue';
  static override defaults = kerasDefaults('RandomHue');
  protected override check(): void {
    checkFactor(this.args.factor, [0, 1]);
  }
}

export class RandomInvert extends ShapeKeeping {
  static className = 'RandomInvert';
  static override defaults = kerasDefaults('RandomInvert');
  protected override check(): void {
    checkFactor(this.args.factor, [0, 1]);
  }
}

export class RandomPerspective extends ShapeKeeping {
  static className = 'RandomPerspective';
  static override defaults = kerasDefaults('RandomPerspective');
  protected override check(): void {
    checkFactor(this.args.factor, [0, 1]);
    const scale = this.args.scale;
    if (!isNumber(scale) || scale < 0 || scale > 1) throw new Error(`The \`scale\` argument should be a number in the range [0,1]. Received: scale=${py(scale)}`);
    checkSupported(this.args.interpolation, INTERPOLATIONS, 'interpolation');
  }
}

export class RandomPosterization extends ShapeKeeping {
  static className = 'RandomPosterization';
  static override defaults = kerasDefaults('RandomPosterization');
  protected override check(): void {
    checkFactor(this.args.factor, [1, 8]);
    checkValueRange(this.args.valueRange);
  }
}

export class RandomRotation extends ShapeKeeping {
  static className = 'RandomRotation';
  static override defaults = kerasDefaults('RandomRotation');
  protected override check(): void {
    checkFactor(this.args.factor, [-1, 1]);
    checkSupported(this.args.fillMode, FILL_MODES, 'fill_mode');
    checkSupported(this.args.interpolation, INTERPOLATIONS, 'interpolation');
  }
}

export class RandomSaturation extends ShapeKeeping {
  static className = 'RandomSaturation';
  static override defaults = kerasDefaults('RandomSaturation');
  protected override check(): void {
    checkFactor(this.args.factor, [-1, 1]);
    checkValueRange(this.args.valueRange);
  }
}

export class RandomSharpness extends ShapeKeeping {
  static className = 'RandomSharpness';
  static override defaults = kerasDefaults('RandomSharpness');
  protected override check(): void {
    checkFactor(this.args.factor, [0, 1]);
    checkValueRange(this.args.valueRange);
  }
}

/**
 * RandomShear: each end of x_factor and y_factor within [0, 1]. Keras
 * saves a factor f as [-f, f], which its own check then refuses: a
 * RandomShear with a non-zero factor read back from Keras's JSON fails in
 * Keras, and here.
 */
export class RandomShear extends ShapeKeeping {
  static className = 'RandomShear';
  static override defaults = kerasDefaults('RandomShear');
  protected override check(): void {
    checkEachFactor(this.args.xFactor, 'x_factor', SHEAR_FACTOR, inUnitInterval);
    checkEachFactor(this.args.yFactor, 'y_factor', SHEAR_FACTOR, inUnitInterval);
    checkSupported(this.args.fillMode, FILL_MODES, 'fill_mode');
    checkSupported(this.args.interpolation, INTERPOLATIONS, 'interpolation');
  }
}

export class RandomTranslation extends ShapeKeeping {
  static className = 'RandomTranslation';
  static override defaults = kerasDefaults('RandomTranslation');
  protected override check(): void {
    const prefix = 'The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. ';
    checkEachFactor(this.args.heightFactor, 'height_factor', prefix, (n) => n >= -1 && n <= 1);
    checkEachFactor(this.args.widthFactor, 'width_factor', prefix, (n) => n >= -1 && n <= 1);
    checkSupported(this.args.fillMode, FILL_MODES, 'fill_mode');
    checkSupported(this.args.interpolation, INTERPOLATIONS, 'interpolation');
  }
}

export class RandomZoom extends ShapeKeeping {
  static className = 'RandomZoom';
  static override defaults = kerasDefaults('RandomZoom');
  protected override check(): void {
    const prefix = 'The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the range (-1.0, 1.0]. ';
    checkEachFactor(this.args.heightFactor, 'height_factor', prefix, (n) => n > -1 && n <= 1);
    if (this.args.widthFactor !== null) checkEachFactor(this.args.widthFactor, 'width_factor', prefix, (n) => n > -1 && n <= 1);
    checkSupported(this.args.fillMode, FILL_MODES, 'fill_mode');
    checkSupported(this.args.interpolation, INTERPOLATIONS, 'interpolation');
  }
}

export class Solarization extends ShapeKeeping {
  static className = 'Solarization';
  static override defaults = kerasDefaults('Solarization');
  protected override check(): void {
    const prefix = 'The `addition_factor` and `threshold_factor` arguments should be a number (or a list of two numbers) in the range [0, 1]. ';
    checkEachFactor(this.args.additionFactor, 'addition_factor', prefix, inUnitInterval);
    checkEachFactor(this.args.thresholdFactor, 'threshold_factor', prefix, inUnitInterval);
    checkValueRange(this.args.valueRange);
  }
}
