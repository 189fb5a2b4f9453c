import { firstShape, shapeList } from '../../core/shapes.js';
import { tfc, type LayerVariable, type Shape, type Tensor } from '../tfjs.js';
import { onlyTensor } from './core.js';
import { KerasLayer } from './keras-layer.js';

/**
 * Layer classes keras.applications defines for its own models, which Keras
 * writes into every file of those models (keras.src.applications.*): read
 * from Keras 3.15's convnext.py and inception_resnet_v2.py.
 */

/** ConvNeXt's LayerScale: its input times a trainable gamma of projection_dim values. */
export class LayerScale extends KerasLayer {
  static className = 'LayerScale';
  static override defaults = { initValues: undefined, projectionDim: undefined };
  private gamma?: LayerVariable;

  protected override validate(): void {
    const dim = this.args.projectionDim;
    if (!Number.isInteger(dim) || (dim as number) <= 0) throw new Error(`LayerScale needs projection_dim, a positive whole number; got ${JSON.stringify(dim)}`);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.gamma = this.addParams('gamma', [this.args.projectionDim as number]);
    super.build(inputShape);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tfc.mul(onlyTensor(inputs), (this.gamma as LayerVariable).read());
  }
}

/** ConvNeXt's StochasticDepth: drops the residual path in training; its input unchanged at inference. */
export class StochasticDepth extends KerasLayer {
  static className = 'StochasticDepth';
  static override defaults = { dropPathRate: undefined };

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return onlyTensor(inputs);
  }
}

/**
 * InceptionResNetV2's CustomScaleLayer: inputs[0] + inputs[1] * scale, the
 * residual sum of each Inception-ResNet block; no weights. Its shape is the
 * two inputs' broadcast, as Keras's symbolic call gives it.
 */
export class CustomScaleLayer extends KerasLayer {
  static className = 'CustomScaleLayer';
  static override defaults = { scale: undefined };

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = shapeList(inputShape);
    if (shapes.length !== 2) throw new Error(`CustomScaleLayer is called on two inputs (the shortcut and the residual), got ${shapes.length}`);
    return broadcastShapes(shapes[0], shapes[1]);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const [shortcut, residual] = inputs as Tensor[];
    return tfc.add(shortcut, tfc.mul(residual, this.args.scale as number));
  }
}

/** Two shapes broadcast as keras.ops broadcasts them (operation_utils.broadcast_shapes), or its error. */
export function broadcastShapes(a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const first: Shape = [...Array(rank - a.length).fill(1), ...a];
  const second: Shape = [...Array(rank - b.length).fill(1), ...b];
  return first.map((x, i) => {
    const y = second[i];
    if (x === 1) return y;
    if (x === null) return y === 1 ? null : y;
    if (y === 1 || y === null || y === x) return x;
    throw new Error(`Cannot broadcast shape, the failure dim has value ${x}, which cannot be broadcasted to ${y}. Input shapes are: ${pyList(a)} and ${pyList(b)}.`);
  });
}

function pyList(shape: Shape): string {
  return `[${shape.map((dim) => (dim === null ? 'None' : String(dim))).join(', ')}]`;
}
