import { firstShape } from '../../core/shapes.js';
import type { Shape } from '../tfjs.js';
import { KerasLayer } from './keras-layer.js';

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
