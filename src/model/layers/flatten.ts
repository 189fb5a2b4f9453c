import { firstShape } from '../../core/shapes.js';
import { tfc, tfjsLayerClass, type Shape, type Tensor } from '../tfjs.js';

const TfjsFlatten = tfjsLayerClass('Flatten');

/**
 * Keras's Flatten. tfjs refuses inputs of fewer than three dimensions and
 * inputs with an unknown dimension; Keras flattens a (None, 10) tensor to
 * (None, 10), a (None,) tensor to (None, 1), and gives None where any
 * flattened dimension is unknown. The seed model ends with such a Flatten.
 */
export class KerasFlatten extends TfjsFlatten {
  static className = 'Flatten';

  constructor(args: object = {}) {
    super(args);
    this.inputSpec = [{ minNDim: 1 }];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    const rest = shape.slice(1);
    const flattened = rest.includes(null) ? null : rest.reduce<number>((product, dim) => product * (dim as number), 1);
    return [shape[0], flattened];
  }

  override call(inputs: Tensor | Tensor[]) {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    return tfc.reshape(input, [input.shape[0], -1]);
  }
}
