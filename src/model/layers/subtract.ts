import { shapeList } from '../../core/shapes.js';
import { tfc, MergeBase, type Shape, type Tensor } from '../tfjs.js';
import { checkElementwise, pyShape } from './merging.js';

/**
 * Keras's Subtract: the first input minus the second, elementwise, with the
 * shape rules of every elementwise merge (equal shapes, or shapes that
 * broadcast). tfjs has no Subtract; the rules live in tfjs's Merge base.
 */
export class Subtract extends MergeBase {
  static className = 'Subtract';

  override build(inputShape: Shape | Shape[]): void {
    const inputs = shapeList(inputShape).length;
    if (inputs !== 2) throw new Error(`A \`Subtract\` layer should be called on exactly 2 inputs. Received: input_shape=[${shapeList(inputShape).map(pyShape).join(', ')}]`);
    checkElementwise(shapeList(inputShape));
    super.build(inputShape);
  }

  override mergeFunction(inputs: Tensor[]): Tensor {
    return tfc.sub(inputs[0], inputs[1]);
  }
}
