import { isShapeList } from '../../core/shapes.js';
import { tfjsLayerClass, type Shape, type Tensor } from '../tfjs.js';

/** A shape as Python prints a tuple: (4, 5), (5,), (None, 4, 5). */
export const pyShape = (shape: Shape) => `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;

/**
 * Keras's elementwise merge rule (Merge._compute_elemwise_op_output_shape)
 * over the inputs' shapes without the batch, with its error: shapes align
 * from the right, and a 1 or an unknown size goes with anything.
 */
export function checkElementwise(shapes: Shape[]): void {
  let running: Shape | null = shapes[0].slice(1);
  for (const next of shapes.slice(1)) running = elementwise(running, next.slice(1));
}

function elementwise(a: Shape | null, b: Shape | null): Shape | null {
  if (a === null || b === null) return null;
  if (a.length < b.length) return elementwise(b, a);
  if (b.length === 0) return a;
  const out = a.slice(0, a.length - b.length);
  a.slice(a.length - b.length).forEach((i, k) => {
    const j = b[k];
    if (i === null || j === null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1 || i === j) out.push(i);
    else throw new Error(`Inputs have incompatible shapes. Received shapes ${pyShape(a)} and ${pyShape(b)}`);
  });
  return out;
}

/**
 * Keras 3's merges take a list of at least one input (Add()([x]) is x, as
 * is Concatenate()([x])); tfjs's refuse fewer than two. Subtract (exactly
 * two) and Dot (two) keep their own rules. With two inputs or more, tfjs's
 * rules are Keras's.
 */
function fromOneInput(className: string, buildWithKerasWords: (shapes: Shape[], tfjsBuild: () => void) => void) {
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
      if (shapes.length === 1) {
        this.built = true;
        return;
      }
      buildWithKerasWords(shapes, () => super.build(shapes));
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

/** Keras's elementwise check first, then tfjs's build (the same rule). */
function elementwiseBuild(shapes: Shape[], tfjsBuild: () => void): void {
  checkElementwise(shapes);
  tfjsBuild();
}

/** Keras's words when Concatenate's inputs do not line up (tfjs's check is the same rule, worded its own way). */
function concatenateBuild(shapes: Shape[], tfjsBuild: () => void): void {
  try {
    tfjsBuild();
  } catch {
    throw new Error(`A \`Concatenate\` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=[${shapes.map(pyShape).join(', ')}]`);
  }
}

export const Add = fromOneInput('Add', elementwiseBuild);
export const Multiply = fromOneInput('Multiply', elementwiseBuild);
export const Average = fromOneInput('Average', elementwiseBuild);
export const Maximum = fromOneInput('Maximum', elementwiseBuild);
export const Minimum = fromOneInput('Minimum', elementwiseBuild);
export const Concatenate = fromOneInput('Concatenate', concatenateBuild);

const TfjsDot = tfjsLayerClass('Dot') as unknown as new (args?: object) => { axes: number | number[]; build(inputShape: Shape | Shape[]): void };

/** Keras's Dot: its check of the dot axes first, in its words (tfjs's: "Dimension incompatibility: 5 !== 6"). */
export class Dot extends TfjsDot {
  static className = 'Dot';

  override build(inputShape: Shape | Shape[]): void {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    const axes = this.axes;
    if (shapes.length === 2 && (typeof axes === 'number' || (Array.isArray(axes) && axes.length === 2))) {
      const [a, b] = shapes;
      const [i, j] = typeof axes === 'number' ? (axes < 0 ? [mod(axes, a.length), mod(axes, b.length)] : [axes, axes]) : axes;
      // Python's indexing: a negative axis counts from the end.
      const x = a.at(i);
      const y = b.at(j);
      if (x !== undefined && y !== undefined && x !== y) {
        throw new Error(`Incompatible input shapes: axis values ${x ?? 'None'} (at axis ${i}) != ${y ?? 'None'} (at axis ${j}). Full input shapes: ${pyShape(a)}, ${pyShape(b)}`);
      }
    }
    super.build(inputShape);
  }
}

/** Python's modulo: the sign of the divisor. */
const mod = (a: number, n: number) => ((a % n) + n) % n;
