import { firstShape } from '../../core/shapes.js';
import type { Shape } from '../tfjs.js';
import { isChannelsFirst } from './geometry.js';
import { KerasLayer } from './keras-layer.js';

/**
 * Keras's Resizing. tfjs's takes its input as one unbatched image and gives
 * (height, width, input's axis 2): a (None, 124, 129, 1) batch becomes
 * (32, 32, 129). Keras replaces the spatial axes of a batch (rank 4), or of
 * a single image (rank 3), and keeps the rest (resizing.py,
 * compute_output_shape). Interpolation, cropping and padding to the aspect
 * ratio change no shape.
 */
export class Resizing extends KerasLayer {
  static className = 'Resizing';
  static override defaults = {
    height: undefined,
    width: undefined,
    interpolation: 'bilinear',
    cropToAspectRatio: false,
    padToAspectRatio: false,
    fillMode: 'constant',
    fillValue: 0,
    antialias: false,
    dataFormat: 'channelsLast',
  };

  protected override validate(): void {
    for (const key of ['height', 'width']) {
      if (!Number.isInteger(this.args[key])) throw new Error(`Resizing needs an integer ${key}, got ${JSON.stringify(this.args[key])}`);
    }
    isChannelsFirst(this.args.dataFormat);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = [...firstShape(inputShape)];
    const channelsFirst = isChannelsFirst(this.args.dataFormat);
    const heightAxis = (shape.length === 4 ? 1 : 0) + (channelsFirst ? 1 : 0);
    shape[heightAxis] = this.args.height as number;
    shape[heightAxis + 1] = this.args.width as number;
    return shape;
  }
}
