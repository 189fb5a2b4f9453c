import { isShapeList } from '../../core/shapes.js';
import { tfjsLayerClass, type Shape, type Tensor } from '../tfjs.js';

/**
 * Keras 3's merges take a list of at least one input (Add()([x]) is x, as
 * is Concatenate()([x])); tfjs's refuse fewer than two. Subtract (exactly
 * two) and Dot (two) keep their own rules. With two inputs or more, tfjs's
 * rules are Keras's.
 */
function fromOneInput(className: string) {
  const TfjsMerge = tfjsLayerClass(className) as unknown as new (args?: object) => {
    built: boolean;
    build(inputShape: Shape | Shape[]): void;
    computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[];
    call(inputs: Tensor | Tensor[], kwargs: object): Tensor | Tensor[];
  };
  return class extends TfjsMerge {
    static className = className;

    override build(inputShape: Shape | Shape[]): void {
      const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
      if (shapes.length === 1) this.built = true;
      else super.build(shapes);
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
      return shapes.length === 1 ? shapes[0] : super.computeOutputShape(shapes);
    }

    override call(inputs: Tensor | Tensor[], kwargs: object): Tensor | Tensor[] {
      if (!Array.isArray(inputs)) return inputs;
      return inputs.length === 1 ? inputs[0] : super.call(inputs, kwargs);
    }
  };
}

export const Add = fromOneInput('Add');
export const Multiply = fromOneInput('Multiply');
export const Average = fromOneInput('Average');
export const Maximum = fromOneInput('Maximum');
export const Minimum = fromOneInput('Minimum');
export const Concatenate = fromOneInput('Concatenate');
