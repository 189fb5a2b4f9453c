/**
 * The most dimensions a tensor has, the batch dimension included:
 * TensorFlow's own limit (TensorShape::MaxDimensions). A shape past it is no
 * model's, and would only cost time and stack.
 */
export const MAX_RANK = 254;

/** A dimension of unknown size is null, as in Keras. */
export type Dim = number | null;

/** A shape with its batch dimension; null is a dimension of unknown size. */
export type FullShape = Dim[];

/** Keras's way: `(None, 32, 32, 64)`. */
export function formatShape(shape: FullShape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** One shape, or the shapes of a layer's several outputs as Keras's summary prints them: `[(None, 10, 64), (None, 64)]`. */
export function formatShapes(shape: FullShape | FullShape[]): string {
  return isShapeList(shape) ? `[${shape.map(formatShape).join(', ')}]` : formatShape(shape);
}

export function isShapeList(shape: FullShape | FullShape[]): shape is FullShape[] {
  return shape.length > 0 && Array.isArray(shape[0]);
}

/** A layer's input shape(s) as tfjs passes them (one shape, or a list): the first. */
export function firstShape(shapes: FullShape | FullShape[]): FullShape {
  return isShapeList(shapes) ? shapes[0] : shapes;
}

/** A layer's input shape(s) as tfjs passes them (one shape, or a list): always a list. */
export function shapeList(shapes: FullShape | FullShape[]): FullShape[] {
  return isShapeList(shapes) ? shapes : [shapes];
}

export function sameShape(a: FullShape | FullShape[], b: FullShape | FullShape[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
