import { firstShape, type FullShape } from '../../core/shapes.js';
import { weightShapes } from '../execution.js';
import type { WeightShape } from '../facts.js';
import { kerasClassName } from '../keras-class.js';
import { userName } from '../names.js';
import { impossibleInput, impossibleOutput } from '../shape-guard.js';
import { LayerBase, deserialize, freeSymbolicTensor, registeredLayerClasses, type Layer, type LayerVariable, type Shape, type SymbolicTensor } from '../tfjs.js';
import { Equalization } from './augmentation.js';
import { KerasLayer } from './keras-layer.js';
import { py } from './preprocessing-checks.js';

/** One call of a layer inside a pipeline, as the cost rules read a call (src/analysis/costs.ts, LayerCallFacts). */
export interface PipelineStep {
  type: string;
  config: Record<string, unknown>;
  weights: WeightShape[];
  inputShapes: FullShape[];
  outputShapes: FullShape[];
}

/**
 * Keras's Pipeline: a layer that runs its layers in sequence, each on the
 * previous one's output, as one row of the summary. Its output shape is the
 * last layer's; its weights are its layers' (Keras tracks them as its own),
 * all non-trainable when the pipeline is frozen. Each inner call passes the
 * same shape checks as a model's layers.
 *
 * Its configuration is Keras's (`layers`, each {className, config}), and,
 * once it has run, `steps`: each run's inner calls with their shapes and
 * weights, which is what its mult-add rule sums.
 */
export class Pipeline extends KerasLayer {
  static className = 'Pipeline';
  static override defaults = { layers: undefined };
  private inner: Layer[] = [];
  private steps: { input: FullShape; calls: PipelineStep[] }[] = [];

  constructor(config: Record<string, unknown> = {}) {
    super(config);
    const layers = this.args.layers;
    if (!Array.isArray(layers)) {
      throw new Error(`\`Pipeline\` config must contain a \`layers\` key mapping to a list of serialized layers. Received config with layers=${py(layers)}.`);
    }
    this.inner = layers.map((entry, i) => innerLayer(entry, i));
    for (const layer of this.inner) if (layer instanceof Equalization) layer.insidePipeline = true;
    if (!this.trainable) for (const layer of this.inner) layer.trainable = false;
  }

  override get trainable(): boolean {
    return super.trainable;
  }

  /** Freezing the pipeline freezes its layers, as Keras's trainable setter does. */
  override set trainable(value: boolean) {
    super.trainable = value;
    for (const layer of this.inner ?? []) layer.trainable = value;
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? (this.inner ?? []).flatMap((layer) => layer.trainableWeights) : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    const inner = this.inner ?? [];
    return this.trainable ? inner.flatMap((layer) => layer.nonTrainableWeights) : inner.flatMap((layer) => layer.weights);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const input = firstShape(inputShape);
    let tensor = freeSymbolicTensor(input);
    const calls: PipelineStep[] = [];
    for (const layer of this.inner) {
      const type = layer.getClassName();
      const what = `its layer "${userName(layer.name)}" (${type})`;
      const config = () => layer.getConfig() as Record<string, unknown>;
      const before = tensor.shape as FullShape;
      const refused = impossibleInput(type, config, [before]);
      if (refused) throw new Error(`${what}: ${refused}`);
      const output = layer.apply(tensor) as SymbolicTensor | SymbolicTensor[];
      if (Array.isArray(output)) throw new Error(`${what} gives ${output.length} outputs; a pipeline passes one tensor from each layer to the next`);
      const after = output.shape as FullShape;
      const impossible = impossibleOutput(type, config, [before], [after]);
      if (impossible) throw new Error(`${what}: ${impossible}`);
      calls.push({ type: kerasClassName(layer), config: config(), weights: weightShapes(layer), inputShapes: [before], outputShapes: [after] });
      tensor = output;
    }
    this.steps.push({ input, calls });
    return tensor.shape as Shape;
  }

  override getConfig() {
    const { layers: _layers, ...rest } = super.getConfig() as Record<string, unknown>;
    const layers = this.inner.map((layer) => ({ className: layer.getClassName(), config: layer.getConfig() }));
    return { ...rest, layers, ...(this.steps.length > 0 ? { steps: this.steps } : {}) } as never;
  }
}

/** A pipeline's layer: one built already (from a spec), or its configuration (from a file, or rebuilt). */
function innerLayer(entry: unknown, index: number): Layer {
  if (entry instanceof LayerBase) return entry as Layer;
  const record = (typeof entry === 'object' && entry !== null ? entry : {}) as { className?: unknown; config?: unknown };
  const className = record.className;
  if (typeof className !== 'string' || typeof record.config !== 'object' || record.config === null) {
    throw new Error(`layer ${index + 1} of the pipeline must be a serialized layer ({class_name, config}). Received: ${py(entry)}`);
  }
  if (!registeredLayerClasses().has(className)) {
    // No stand-in here (--allow-unknown): the pipeline's own row would then show a guess as a known layer's shape.
    throw new Error(`layer ${index + 1} of the pipeline is of class ${className}, which is neither a Keras layer tfjs has nor one merge-summary adds (a custom layer?); --allow-unknown does not reach inside a Pipeline`);
  }
  return deserialize<Layer>(className, structuredClone(record.config));
}

