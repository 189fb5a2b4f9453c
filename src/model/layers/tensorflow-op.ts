import { tfc, LayerBase, type Layer, type Shape, type Tensor, type Tensor4D } from '../tfjs.js';
import { firstShape } from '../../core/shapes.js';

const Base = LayerBase as unknown as new (config: object) => Layer;

interface NodeDef {
  op?: string;
  attr?: Record<string, { i?: string | number; s?: string }>;
}

/** The raw TensorFlow ops tf.keras 2 wrapped in TensorFlowOpLayer that merge-summary can reshape. */
const OPS: Record<string, (shape: Shape, attr: NonNullable<NodeDef['attr']>) => Shape> = {
  DepthToSpace: ([batch, height, width, channels], attr) => {
    const block = Number(attr.block_size?.i ?? 2);
    return [batch, times(height, block), times(width, block), channels === null ? null : channels / (block * block)];
  },
};

const times = (dim: number | null, factor: number) => (dim === null ? null : dim * factor);

/**
 * tf.keras 2's wrapper for a raw TensorFlow op called on Keras tensors
 * (e.g. tf.nn.depth_to_space in a super-resolution net). Its name is
 * "tf_op_layer_" and the op's, as in Keras. Only ops in OPS are known (NHWC,
 * as the converters write them); others stop the build like an unknown layer.
 */
export class TensorFlowOpLayer extends Base {
  static className = 'TensorFlowOpLayer';
  private readonly config: Record<string, unknown>;
  private readonly nodeDef: NodeDef;

  constructor(config: Record<string, unknown>) {
    const name = String(config.name ?? 'op');
    super({ name: name.startsWith('tf_op_layer_') ? name : `tf_op_layer_${name}`, trainable: config.trainable });
    this.config = config;
    this.nodeDef = (config.nodeDef ?? {}) as NodeDef;
    if (!this.nodeDef.op || !OPS[this.nodeDef.op]) {
      throw new Error(`TensorFlow op ${this.nodeDef.op ?? '(none)'} is not one merge-summary knows the shape of (it knows ${Object.keys(OPS).join(', ')})`);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    return OPS[this.nodeDef.op as string](shape, this.nodeDef.attr ?? {});
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const input = (Array.isArray(inputs) ? inputs[0] : inputs) as Tensor4D;
    const block = Number(this.nodeDef.attr?.block_size?.i ?? 2);
    return tfc.depthToSpace(input, block);
  }

  override getConfig() {
    return { ...(this.config as Record<string, never>) };
  }
}
