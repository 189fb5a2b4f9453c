import { firstShape } from '../../core/shapes.js';
import { LayerBase, type Layer, type LayerConstructor, type Shape } from '../tfjs.js';


/**
 * A stand-in for a class that cannot be known from its configuration (a
 * Lambda, a user's custom layer), used only with --allow-unknown: it has no
 * weights and keeps its first input's shape. The summary marks it, and what
 * follows it, as unverified.
 */
export function unknownLayerClass(className: string): LayerConstructor & { fromConfig: unknown } {
  const Base = LayerBase as unknown as new (config: object) => Layer;
  class UnknownLayer extends Base {
    static className = className;
    private readonly originalConfig: object;

    constructor(config: Record<string, unknown>) {
      // The first layer of a Keras 2 Sequential carries the model's input shape.
      super({ name: config.name, trainable: config.trainable, dtype: config.dtype, batchInputShape: config.batchInputShape });
      this.originalConfig = config;
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      return firstShape(inputShape);
    }
    override call(inputs: unknown): never {
      void inputs;
      throw new Error(`${className} is unknown; it has no computation here`);
    }
    override getConfig() {
      return { ...(this.originalConfig as Record<string, never>) };
    }
    override getClassName(): string {
      return className;
    }
    static fromConfig(cls: LayerConstructor, config: object): Layer {
      return new cls(config);
    }
  }
  return UnknownLayer as unknown as LayerConstructor & { fromConfig: unknown };
}
