import { freemem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { UserError } from '../core/errors.js';
import { formatBytes } from '../core/numbers.js';
import { formatShape, type FullShape } from '../core/shapes.js';
import type { BuiltModel } from './build-spec.js';
import { ownersOf } from './call-graph.js';
import type { LayerTiming, ModelProfile, ProfileFacts } from './facts.js';
import { kerasClassName } from './keras-class.js';
import { kernelBackendInfo, preferredKernelBackend, useKernelBackend, type KernelBackendName } from './kernels.js';
import { withFastRandomWeights } from './random-weights.js';
import { useShapeOnlyBackend } from './shape-only-backend.js';
import { KerasLayer } from './layers/keras-layer.js';
import { OPERATION_CLASSES } from './layers/operations.js';
import { userName } from './names.js';
import { KEYWORD_INPUTS, deserialize, isContainer, nodeIndex, nodesInExecutionOrder, tfc, withTemporaryClasses, type Layer, type LayersModel, type Tensor, type TfNode } from './tfjs.js';

/**
 * `profile`: a model run for real on the best kernel backend, with random
 * weights, and timed. The model is built again from its configuration while
 * a kernel backend is current (so its weights hold values), then:
 * - after the warm-up runs, each timed run is one model.predict at the batch
 *   size with its outputs read back: the whole-model latency, as a user of
 *   tfjs measures it;
 * - each layer-by-layer pass calls the model's layers one at a time in
 *   execution order (as model.predict calls them, with the same arguments
 *   and masks), timing each call. The CPU, WASM and tfjs-node backends run
 *   a kernel before the call that launched it returns, so each time is the
 *   layer's whole work; a backend that queues kernels would have its
 *   outputs read back after each call;
 * - one more forward pass under tf.profile gives the most tensor memory
 *   alive at once.
 * The storage-less backend is current again afterwards, whatever happens.
 */

export interface ProfileOptions {
  batchSize: number;
  warmup: number;
  runs: number;
  env?: Record<string, string | undefined>;
  /** Called after each run, with how many of all the runs are done. */
  onProgress?: (done: number, total: number) => void;
}

/** What a model is expected to need, from its summary, before anything is allocated. */
export interface MemoryEstimate {
  name: string;
  weightBytes: number;
  /** Peak live activation memory of inference at the batch size. */
  activationBytes: number;
}

/** WebAssembly's 32-bit memory: the WASM backend's heap can grow to 4 GiB and no further. */
const WASM_MEMORY_LIMIT = 4 * 1024 ** 3;

/** Backends whose kernels have finished when the call that launched them returns. */
const SYNCHRONOUS: ReadonlySet<KernelBackendName> = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * Refuses a model that cannot fit before anything is allocated: its weights
 * and its peak activations against the memory free on this machine (and
 * the 4 GiB a WASM heap can hold). The models are profiled one at a time.
 */
export function checkProfileFits(estimates: MemoryEstimate[], batchSize: number, env: Record<string, string | undefined> = process.env, free = freemem()): void {
  const backend = preferredKernelBackend(env);
  for (const estimate of estimates) {
    const needed = estimate.weightBytes + estimate.activationBytes;
    const what = `weights ${formatBytes(estimate.weightBytes)} and peak activations ${formatBytes(estimate.activationBytes)} at batch size ${batchSize}`;
    if (backend === 'wasm' && needed > WASM_MEMORY_LIMIT) {
      throw new UserError('too-large', `profile: "${estimate.name}" needs about ${formatBytes(needed)} (${what}); the WASM backend's memory holds at most ${formatBytes(WASM_MEMORY_LIMIT)}. Refusing before allocating anything`);
    }
    if (needed > free) {
      throw new UserError('too-large', `profile: "${estimate.name}" needs about ${formatBytes(needed)} (${what}); this machine has ${formatBytes(free)} free. Refusing before allocating anything`);
    }
  }
}

/**
 * Profiles the models on the best kernel backend (the first model's inputs
 * feed every one). With two models (--swap), their runs take turns, so that
 * a change in the machine's load falls on both and not on one.
 */
export async function profileModels(models: { name: string; built: BuiltModel }[], options: ProfileOptions): Promise<ProfileFacts> {
  for (const { built } of models) checkRunnable(built);
  const backend = await useKernelBackend(options.env);
  const runners: Runner[] = [];
  try {
    const info = await kernelBackendInfo(backend);
    const total = (options.warmup + 2 * options.runs + 1) * models.length;
    let done = 0;
    const tick = () => options.onProgress?.(++done, total);
    for (const { name, built } of models) runners.push(prepare(name, built, options, SYNCHRONOUS.has(backend.name)));
    for (const runner of runners) await runner.warmUp(tick);
    for (let i = 0; i < options.runs; i++) for (const runner of runners) await runner.timedRun(tick);
    const profiles: ModelProfile[] = [];
    for (const runner of runners) profiles.push(await runner.finish(tick));
    return { backend: info, batchSize: options.batchSize, warmup: options.warmup, runs: options.runs, models: profiles };
  } finally {
    for (const runner of runners) runner.dispose();
    useShapeOnlyBackend();
  }
}

/**
 * Random numbers need inputs of known sizes, of numbers; and every layer
 * must have kernels: the layers merge-summary adds to tfjs know their
 * shapes and weights, not how to compute.
 */
function checkRunnable(built: BuiltModel): void {
  for (const input of built.model.inputs) {
    const shape = input.shape as FullShape;
    if (shape.slice(1).some((dim) => dim === null)) {
      throw new UserError('usage', `profile feeds inputs of known sizes: input "${userName(input.name)}" has the shape ${formatShape(shape)}; give its sizes in the spec`);
    }
    if (input.dtype === 'string') throw new UserError('usage', `profile feeds random numbers: input "${userName(input.name)}" takes strings`);
  }
  // A class merge-summary adds computes only where it says how (a keras.ops node does): it overrides call().
  const shapeOnly = leafLayers(built.model).find((layer) => layer instanceof KerasLayer && layer.call === KerasLayer.prototype.call);
  if (shapeOnly) {
    throw new UserError(
      'usage',
      `profile runs every layer on tfjs's kernels, and layer "${userName(shapeOnly.name)}" (${kerasClassName(shapeOnly)}) has none: merge-summary builds it for its shapes and weights only; profile cannot time this model`,
    );
  }
}

function leafLayers(layer: Layer): Layer[] {
  return isContainer(layer) ? layer.layers.flatMap(leafLayers) : [layer];
}

/** One model built with random weights on the kernel backend, and its runs. */
interface Runner {
  warmUp(tick: () => void): Promise<void>;
  /** One timed whole-model run, then one layer-by-layer pass. */
  timedRun(tick: () => void): Promise<void>;
  /** One more forward pass under tf.profile for the peak of tensor memory; the figures. */
  finish(tick: () => void): Promise<ModelProfile>;
  dispose(): void;
}

function prepare(name: string, built: BuiltModel, options: ProfileOptions, synchronous: boolean): Runner {
  const before = tfc.memory().numBytes;
  // A Keras 3 file's op nodes are classes only while its model is built (layers/operations.ts).
  const model = withTemporaryClasses(OPERATION_CLASSES, () => deserialize<LayersModel>(built.model.getClassName(), withFastRandomWeights(built.model.getConfig())));
  const weightBytes = tfc.memory().numBytes - before;
  const inputs = model.inputs.map((input, i) => {
    const shape = [input.shape[0] ?? options.batchSize, ...(input.shape.slice(1) as number[])];
    return input.dtype === 'float32' ? tfc.randomUniform(shape, 0, 1, 'float32', 7 + i) : tfc.zeros(shape, input.dtype as 'int32');
  });
  // This model's weights and inputs: with two models, the other's are alive too, and are no part of this one's peak.
  const ownBytes = tfc.memory().numBytes - before;
  const feed = inputs.length === 1 ? inputs[0] : inputs;
  const predict = async () => {
    const outputs = model.predict(feed, { batchSize: options.batchSize }) as Tensor | Tensor[];
    const list = Array.isArray(outputs) ? outputs : [outputs];
    await Promise.all(list.map((tensor) => tensor.data()));
    tfc.dispose(list);
  };
  const nodes = nodesInExecutionOrder(model).filter((node) => node.outboundLayer.getClassName() !== 'InputLayer');
  const times = nodes.map((): number[] => []);
  const runsMs: number[] = [];
  return {
    async warmUp(tick) {
      for (let i = 0; i < options.warmup; i++) {
        await predict();
        tick();
      }
      if (options.warmup > 0) await layerByLayer(model, inputs, nodes, nodes.map((): number[] => []), synchronous);
    },
    // Whole-model runs and layer-by-layer passes take turns, so that both meet the same load on the machine.
    async timedRun(tick) {
      const start = performance.now();
      await predict();
      runsMs.push(performance.now() - start);
      tick();
      await layerByLayer(model, inputs, nodes, times, synchronous);
      tick();
    },
    async finish(tick) {
      const others = tfc.memory().numBytes - ownBytes;
      const memory = await tfc.profile(() => {
        const outputs = model.predict(feed, { batchSize: options.batchSize }) as Tensor | Tensor[];
        tfc.dispose(outputs);
      });
      tick();
      const owners = ownersOf(model);
      const layers: LayerTiming[] = nodes.map((node, i) => ({
        name: userName(node.outboundLayer.name),
        path: owners.get(node.outboundLayer)?.path ?? [],
        type: kerasClassName(node.outboundLayer),
        node: nodeIndex(node),
        medianMs: median(times[i]),
      }));
      // tfjs counts every backend's tensors together (the storage-less model's, the other model's): the peak is counted above them.
      return { name, runsMs, layers, weightBytes, peakTensorBytes: memory.peakBytes - others };
    },
    dispose() {
      tfc.dispose(inputs);
      model.dispose();
    },
  };
}

interface Value {
  tensor: Tensor;
  mask?: Tensor | null;
}

/**
 * One pass through the model, a layer at a time, as tfjs's own execution
 * runs it (layers/engine/executor.js): the inputs of a call as a list, its
 * call arguments, the first input's mask; outputs freed after their last
 * reader. Each call's time goes to `times`.
 */
async function layerByLayer(model: LayersModel, inputs: Tensor[], nodes: TfNode[], times: number[][], synchronous: boolean): Promise<void> {
  const values = new Map<number, Value>();
  const uses = new Map<number, number>();
  model.inputs.forEach((input, i) => values.set(input.id, { tensor: inputs[i] }));
  for (const node of nodes) for (const input of node.inputTensors) uses.set(input.id, (uses.get(input.id) ?? 0) + 1);
  const keep = new Set([...model.inputs, ...model.outputs].map((tensor) => tensor.id));
  const made: Tensor[] = [];
  try {
    for (const [k, node] of nodes.entries()) {
      const layer = node.outboundLayer;
      const given = node.inputTensors.map((input) => values.get(input.id) as Value);
      // A call's keyword tensors (a Keras 3 mask) are edges of the graph, not among the inputs it runs on.
      const { [KEYWORD_INPUTS]: _keywords, ...kwargs }: Record<string, unknown> = { ...(node.callArgs ?? {}) };
      const masks = given.map((value) => value.mask ?? null);
      if (masks.some((mask) => mask !== null) && kwargs.mask == null) kwargs.mask = masks[0];
      const start = performance.now();
      const result = tfc.tidy(() => {
        const out = layer.apply(given.map((value) => value.tensor), kwargs) as Tensor | Tensor[];
        return Array.isArray(out) ? out : [out];
      });
      if (!synchronous) await Promise.all(result.map((tensor) => tensor.data()));
      times[k].push(performance.now() - start);
      const mask = layer.supportsMasking ? (layer.computeMask(given.map((value) => value.tensor), masks as Tensor[]) as Tensor | Tensor[] | null) : null;
      for (const one of Array.isArray(mask) ? mask : [mask]) if (one) made.push(one);
      node.outputTensors.forEach((symbolic, i) => {
        values.set(symbolic.id, { tensor: result[i], mask: Array.isArray(mask) ? mask[0] : mask });
        made.push(result[i]);
      });
      for (const input of node.inputTensors) {
        const left = (uses.get(input.id) ?? 1) - 1;
        uses.set(input.id, left);
        if (left === 0 && !keep.has(input.id)) values.get(input.id)?.tensor.dispose();
      }
    }
  } finally {
    tfc.dispose(made.filter((tensor) => !tensor.isDisposed));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
