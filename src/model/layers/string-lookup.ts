import { LayerBase, type Layer, type Shape } from '../tfjs.js';
import { firstShape } from '../../core/shapes.js';

const Base = LayerBase as unknown as new (config: object) => Layer;

interface StringLookupConfig {
  name?: string;
  vocabulary?: unknown[] | null;
  maxTokens?: number | null;
  numOovIndices?: number;
  maskToken?: string | null;
  outputMode?: string;
  [key: string]: unknown;
}

/**
 * Keras's StringLookup (a preprocessing layer tfjs lacks): strings to
 * vocabulary indices. It has no weights. With output_mode "int" the shape is
 * kept; the other modes give one column per token of the vocabulary (its
 * size counts the OOV indices and the mask token), as Keras computes it.
 */
export class StringLookup extends Base {
  static className = 'StringLookup';
  private readonly config: StringLookupConfig;

  constructor(config: StringLookupConfig) {
    super({ name: config.name, trainable: false });
    this.config = config;
  }

  private vocabularySize(): number | null {
    const { vocabulary, maxTokens, numOovIndices = 1, maskToken } = this.config;
    if (Array.isArray(vocabulary)) return vocabulary.length + numOovIndices + (maskToken ? 1 : 0);
    return maxTokens ?? null;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    const mode = this.config.outputMode ?? 'int';
    if (mode === 'int') return shape;
    const depth = this.vocabularySize();
    if (mode === 'oneHot' && shape[shape.length - 1] !== 1) return [...shape, depth];
    return [...shape.slice(0, shape.length === 1 ? 1 : -1), depth];
  }

  /** The arguments its shape rule reads, with Keras's defaults: what it honours. */
  override getConfig() {
    const honoured = { vocabulary: null, maxTokens: null, numOovIndices: 1, maskToken: null, outputMode: 'int' };
    return { ...honoured, ...(this.config as Record<string, never>) };
  }
}
