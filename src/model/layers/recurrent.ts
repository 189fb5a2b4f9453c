import { firstShape, formatShape, type FullShape } from '../../core/shapes.js';
import { userName } from '../names.js';
import { WeightShapeError, addLayerWeight, copyKerasPolicy, deserialize, isRegistered, setOwnTrainable, tfc, tfjsLayerClass, tfl, type Layer, type LayerVariable, type Shape, type Tensor } from '../tfjs.js';

/**
 * Keras 3's recurrent layers on tfjs's own classes, where tfjs differs:
 * GRU's reset_after (Keras's default, which tfjs refuses), the order of a
 * stack of cells' states, a stateful layer's batch size, a cell given as a
 * list, Bidirectional's backward_layer and its inner layers' names, and
 * Keras's errors where a shape cannot be built. The classes keep tfjs's
 * computation, so `profile` still runs them.
 */

/** What merge-summary reads of a tfjs recurrent layer or cell. */
interface Recurrent extends Layer {
  cell: RecurrentCell;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
}

interface RecurrentCell extends Layer {
  stateSize: number | number[];
  /** Keras's output_size: the width of a cell's output, where it is not its first state's. */
  outputSize?: number;
  units?: number;
}

// tfjs's classes are typed as plain layers; a mixin extends them as constructors of anything.
type RecurrentClass = new (...args: any[]) => Recurrent;

const TfjsRNN = tfjsLayerClass('RNN') as unknown as RecurrentClass;
const TfjsSimpleRNN = tfjsLayerClass('SimpleRNN') as unknown as RecurrentClass;
const TfjsLSTM = tfjsLayerClass('LSTM') as unknown as RecurrentClass;
const TfjsGRU = tfjsLayerClass('GRU') as unknown as RecurrentClass;
const TfjsConvLSTM2D = tfjsLayerClass('ConvLSTM2D') as unknown as RecurrentClass;
const TfjsGRUCell = tfjsLayerClass('GRUCell') as unknown as new (args: object) => TfjsGRUCellInstance;
const TfjsStackedRNNCells = tfjsLayerClass('StackedRNNCells') as unknown as new (args: object) => TfjsStackedCells;
const TfjsBidirectional = tfjsLayerClass('Bidirectional') as unknown as new (args: object) => TfjsBidirectionalInstance;
const TfjsTimeDistributed = tfjsLayerClass('TimeDistributed') as unknown as new (args: object) => Layer & { layer: Layer };

/**
 * Keras's refusal of a weight with a dimension of unknown size: a recurrent
 * kernel takes the input's feature size, so (None, None) sequences cannot be
 * built. `path` is the weight's, as Keras names it (a wrapper adds its own
 * name in front).
 */
export class UndefinedWeightShape extends Error {
  constructor(
    readonly shape: unknown[],
    readonly path: string,
  ) {
    super(`Shapes used to initialize variables must be fully-defined (no \`None\` dimensions). Received: shape=${formatShape(shape.map(knownOrNone))} for variable path='${path}'`);
  }

  within(name: string): UndefinedWeightShape {
    return new UndefinedWeightShape(this.shape, `${name}/${this.path}`);
  }
}

const knownOrNone = (dim: unknown) => (typeof dim === 'number' && Number.isSafeInteger(dim) && dim >= 0 ? dim : null);

/**
 * Builds a layer, a refused weight of unknown shape said as Keras says it:
 * `path` names, for the layer that asked for the weight, the path of its
 * weights (a recurrent layer's cell is within the layer).
 */
function buildingWeights(build: () => void, path: (owner: Layer) => string, wrapper?: string): void {
  try {
    build();
  } catch (error) {
    if (error instanceof WeightShapeError && error.shape.every((dim) => dim === null || knownOrNone(dim) !== null)) {
      throw new UndefinedWeightShape(error.shape, `${path(error.owner)}/${error.weight}`);
    }
    if (error instanceof UndefinedWeightShape && wrapper !== undefined) throw error.within(wrapper);
    throw error;
  }
}

/** A layer's Keras name, as the user wrote it. */
function kerasName(layer: Layer): string {
  return userName(layer.name);
}

/** Keras's snake_case name of a cell class: the name a layer like LSTM gives the cell it makes ('lstm_cell'). */
const CELL_NAMES: Record<string, string> = { SimpleRNNCell: 'simple_rnn_cell', LSTMCell: 'lstm_cell', GRUCell: 'gru_cell', ConvLSTM2DCell: 'conv_lstm_cell' };

/**
 * The Keras rules every recurrent layer follows on top of tfjs's class:
 * a stateful layer needs a batch size, every weight a known shape, and
 * `zero_output_for_mask` (which changes no shape) is a Keras argument it keeps.
 */
function withKerasRecurrence(Base: RecurrentClass, ownCell: boolean) {
  return class extends Base {
    zeroOutputForMask: boolean;

    constructor(...args: any[]) {
      super(...args);
      this.zeroOutputForMask = Boolean((args[0] as { zeroOutputForMask?: unknown } | undefined)?.zeroOutputForMask);
    }

    override build(inputShape: Shape | Shape[]): void {
      const sequences = firstShape(inputShape);
      if (this.stateful && sequences[0] === null) {
        throw new Error(`When using \`stateful=True\` in a RNN, the batch size must be static. Found dynamic batch size: sequence.shape=${formatShape(sequences)}`);
      }
      // LSTM, GRU and SimpleRNN make their cell under a fixed name; an RNN's cell has its own, and a stack's cells theirs within it.
      const cellName = ownCell ? (CELL_NAMES[this.cell.getClassName()] ?? kerasName(this.cell)) : kerasName(this.cell);
      const cellPath = (owner: Layer) => (owner === this.cell || owner === this ? cellName : `${cellName}/${kerasName(owner)}`);
      buildingWeights(() => super.build(inputShape), (owner) => `${kerasName(this)}/${cellPath(owner)}`);
    }

    override getConfig() {
      return { ...super.getConfig(), zeroOutputForMask: this.zeroOutputForMask as never };
    }
  };
}

export class SimpleRNN extends withKerasRecurrence(TfjsSimpleRNN, true) {
  static className = 'SimpleRNN';
}

export class LSTM extends withKerasRecurrence(TfjsLSTM, true) {
  static className = 'LSTM';
}

export class ConvLSTM2D extends withKerasRecurrence(TfjsConvLSTM2D, true) {
  static className = 'ConvLSTM2D';

  constructor(...args: any[]) {
    refuseStridedDilation(args[0] as Record<string, unknown>, 2);
    super(...args);
  }

  override build(inputShape: Shape | Shape[]): void {
    const cell = this.cell as unknown as { dataFormat: string };
    refuseUnknownConvDims(firstShape(inputShape), cell.dataFormat === 'channelsFirst');
    super.build(inputShape);
  }
}

/** Keras's ConvLSTM: strides and dilation cannot both exceed 1. */
export function refuseStridedDilation(args: Record<string, unknown>, rank: number): void {
  const tuple = (value: unknown) => (Array.isArray(value) ? (value as number[]) : Array<number>(rank).fill((value ?? 1) as number));
  const strides = tuple(args.strides);
  const dilation = tuple(args.dilationRate);
  if (Math.max(...strides) > 1 && Math.max(...dilation) > 1) {
    throw new Error(
      `Specifying \`strides > 1\` is not compatible with \`dilation_rate > 1\`. Please provide \`strides=1\` or \`dilation_rate=1\`. Received: strides=${formatShape(strides)} and dilation_rate=${formatShape(dilation)}`,
    );
  }
}

/** Keras's ConvLSTM cells need every spatial dimension and the channels of a step. */
export function refuseUnknownConvDims(sequences: FullShape, channelsFirst: boolean): void {
  const step = [sequences[0], ...sequences.slice(2)];
  const spatial = channelsFirst ? step.slice(2) : step.slice(1, -1);
  if (spatial.includes(null)) {
    throw new Error(`ConvLSTM layers only support static input shapes for the spatial dimension. Received invalid input shape: input_shape=${formatShape(step)}`);
  }
  if (step[channelsFirst ? 1 : step.length - 1] === null) {
    throw new Error(`The channel dimension of the inputs (${channelsFirst ? 'axis 1' : 'last axis'}) should be defined. Found None. Full input shape received: input_shape=${formatShape(step)}`);
  }
}

interface TfjsGRUCellInstance extends RecurrentCell {
  units: number;
  useBias: boolean;
  kernel: LayerVariable;
  recurrentKernel: LayerVariable;
  bias: LayerVariable | null;
  activation: { apply(x: Tensor): Tensor };
  recurrentActivation: { apply(x: Tensor): Tensor };
  call(inputs: Tensor[], kwargs: object): Tensor[];
}

/**
 * Keras's GRUCell, with reset_after (Keras's default since 2.3): the reset
 * gate is applied after the recurrent product, which then has a bias of its
 * own, so the bias is (2, 3 × units), one row for the input and one for the
 * recurrent product. Without it, tfjs's cell as it is.
 */
export class GRUCell extends TfjsGRUCell {
  static className = 'GRUCell';
  resetAfter: boolean;

  constructor(args: Record<string, unknown>) {
    super({ ...args, resetAfter: false });
    // A configuration without the argument is Keras 3's default.
    this.resetAfter = args.resetAfter === undefined || args.resetAfter === null ? true : Boolean(args.resetAfter);
  }

  override build(inputShape: Shape | Shape[]): void {
    if (!this.resetAfter) {
      super.build(inputShape);
      return;
    }
    // tfjs's cell keeps its initializers, regularizers and constraints under these names.
    const self = this as unknown as Record<`${'kernel' | 'recurrent' | 'bias'}${'Initializer' | 'Regularizer' | 'Constraint'}`, unknown>;
    const layer = this as unknown as Layer;
    const inputDim = firstShape(inputShape).at(-1) as number;
    const policy = (of: 'kernel' | 'recurrent' | 'bias') => ({ initializer: self[`${of}Initializer`], regularizer: self[`${of}Regularizer`], constraint: self[`${of}Constraint`] });
    this.kernel = addLayerWeight(layer, 'kernel', [inputDim, this.units * 3], null, true, policy('kernel'));
    this.recurrentKernel = addLayerWeight(layer, 'recurrent_kernel', [this.units, this.units * 3], null, true, policy('recurrent'));
    this.bias = this.useBias ? addLayerWeight(layer, 'bias', [2, this.units * 3], null, true, policy('bias')) : null;
    this.built = true;
  }

  /** One step for `profile` (inference: dropout, a training-time mask, does not apply). */
  override call(inputs: Tensor[], kwargs: object): Tensor[] {
    if (!this.resetAfter) return super.call(inputs, kwargs);
    return tfc.tidy(() => {
      const [x, previous] = inputs;
      let fromInput = tfc.matMul(x, this.kernel.read());
      let fromState = tfc.matMul(previous, this.recurrentKernel.read());
      if (this.bias) {
        const [inputBias, recurrentBias] = tfc.unstack(this.bias.read(), 0);
        fromInput = tfc.add(fromInput, inputBias);
        fromState = tfc.add(fromState, recurrentBias);
      }
      const [xZ, xR, xH] = tfc.split(fromInput, 3, -1);
      const [stateZ, stateR, stateH] = tfc.split(fromState, 3, -1);
      const z = this.recurrentActivation.apply(tfc.add(xZ, stateZ));
      const r = this.recurrentActivation.apply(tfc.add(xR, stateR));
      const candidate = this.activation.apply(tfc.add(xH, tfc.mul(r, stateH)));
      const h = tfc.add(tfc.mul(z, previous), tfc.mul(tfc.sub(1, z), candidate));
      return [h, h];
    });
  }

  override getConfig() {
    return { ...super.getConfig(), resetAfter: this.resetAfter as never };
  }
}

/** Keras's GRU: tfjs's, with Keras's cell (reset_after). */
export class GRU extends withKerasRecurrence(TfjsGRU, true) {
  static className = 'GRU';

  constructor(args: Record<string, unknown>) {
    // tfjs's GRU makes tfjs's cell, which refuses reset_after; the layer's cell is Keras's.
    super({ ...args, resetAfter: false });
    this.cell = new GRUCell(args);
  }
}

interface TfjsStackedCells extends RecurrentCell {
  cells: RecurrentCell[];
  call(inputs: Tensor[], kwargs: object): Tensor[];
}

/** A cell's output width: Keras's output_size, else its first state's size. */
function outputWidth(cell: RecurrentCell): number {
  if (typeof cell.outputSize === 'number') return cell.outputSize;
  return Array.isArray(cell.stateSize) ? cell.stateSize[0] : cell.stateSize;
}

/** A cell's states' sizes, as a flat list. */
function stateSizes(cell: RecurrentCell): number[] {
  return Array.isArray(cell.stateSize) ? cell.stateSize : [cell.stateSize];
}

/**
 * Keras 3's StackedRNNCells: the cells' states in the order of the cells
 * (tfjs, as Keras 2.0, lists the last cell's first), and the output the last
 * cell's.
 */
export class StackedRNNCells extends TfjsStackedRNNCells {
  static className = 'StackedRNNCells';

  constructor(args: { cells?: unknown[] } & Record<string, unknown>) {
    for (const cell of args.cells ?? []) {
      if (!(cell instanceof tfl.layers.Layer) || (cell as Partial<RecurrentCell>).stateSize === undefined) {
        throw new Error(`All cells must have a \`state_size\` attribute. Received cell without a \`state_size\`: ${describeLayer(cell)}`);
      }
    }
    super(args);
  }

  override get stateSize(): number[] {
    return this.cells.flatMap(stateSizes);
  }

  override get outputSize(): number {
    return outputWidth(this.cells[this.cells.length - 1]);
  }

  override build(inputShape: Shape | Shape[]): void {
    let shape = firstShape(inputShape);
    for (const cell of this.cells) {
      cell.build(shape);
      cell.built = true;
      shape = [shape[0], outputWidth(cell)];
    }
    this.built = true;
  }

  /** tfjs's drops the stack's own name. */
  static fromConfig(cls: new (args: object) => Layer, config: Record<string, unknown>): Layer {
    const cells = Array.isArray(config.cells) ? config.cells.map(deserializeLayer) : config.cells;
    return new cls({ ...config, cells });
  }

  /** One step for `profile`: each cell on the output of the one before, its own states in the stack's order. */
  override call(inputs: Tensor[], kwargs: object): Tensor[] {
    return tfc.tidy(() => {
      let output = inputs[0];
      let rest = inputs.slice(1);
      const states: Tensor[] = [];
      for (const cell of this.cells) {
        const count = stateSizes(cell).length;
        const results = (cell as unknown as TfjsStackedCells).call([output, ...rest.slice(0, count)], kwargs);
        rest = rest.slice(count);
        output = results[0];
        states.push(...results.slice(1));
      }
      return [output, ...states];
    });
  }
}

/**
 * Keras's RNN: a cell, or a list of cells stacked; the output as wide as the
 * cell's output (the last of a stack), the states in the stack's order.
 * Keras sets no rank for its input: the cell is built on a step's shape.
 */
export class RNN extends withKerasRecurrence(TfjsRNN, false) {
  static className = 'RNN';

  constructor(args: Record<string, unknown>) {
    // Keras makes the stack of a list of cells itself, under its own auto-name.
    const cell = Array.isArray(args.cell) ? new StackedRNNCells({ cells: args.cell, name: 'stacked_rnn_cells' }) : args.cell;
    if (!(cell instanceof tfl.layers.Layer) || (cell as Partial<RecurrentCell>).stateSize === undefined) {
      throw new Error(`The RNN cell should have a \`state_size\` attribute (single integer or list of integers, one integer per RNN state). Received: cell=${describeLayer(cell)}`);
    }
    super({ ...args, cell });
    this.inputSpec = [new tfl.InputSpec({})];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const sequences = firstShape(inputShape);
    const [batch, steps] = sequences;
    const width = outputWidth(this.cell);
    const output = this.returnSequences ? [batch, steps, width] : [batch, width];
    if (!this.returnState) return output;
    return [output, ...stateSizes(this.cell).map((size) => [batch, size])];
  }

  static fromConfig(cls: new (args: object) => Layer, config: Record<string, unknown>): Layer {
    const cell = Array.isArray(config.cell) ? config.cell.map(deserializeLayer) : deserializeLayer(config.cell);
    return new cls({ ...config, cell });
  }
}

/** An inner layer or cell from its {className, config}, through the registry (where --allow-unknown's stand-ins are too). */
function deserializeLayer(entry: unknown): Layer {
  const { className, config } = (entry ?? {}) as { className?: unknown; config?: unknown };
  if (typeof className !== 'string' || typeof config !== 'object' || config === null) {
    throw new Error(`an inner layer must be given as {class_name, config}; received ${JSON.stringify(entry) ?? String(entry)}`);
  }
  if (!isRegistered(className)) throw new Error(`unknown layer "${className}" (neither Keras's nor one merge-summary knows; a custom one?)`);
  return deserialize<Layer>(className, config);
}

/** A layer as Keras prints one in an error: <Dense name=dense, built=False>. */
function describeLayer(layer: unknown): string {
  if (layer instanceof tfl.layers.Layer) return `<${layer.getClassName()} name=${kerasName(layer)}, built=False>`;
  return JSON.stringify(layer) ?? String(layer);
}

interface TfjsBidirectionalInstance extends Layer {
  forwardLayer: Recurrent;
  backwardLayer: Recurrent;
  mergeMode: string | null | undefined;
  returnSequences: boolean;
  returnState: boolean;
}

const MERGE_MODES = ['sum', 'mul', 'ave', 'concat', null];

/** Python's str.removeprefix. */
function withoutPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** Whether a layer can run backwards as Keras's Bidirectional needs: a recurrent layer. */
function isRecurrentLayer(layer: unknown): layer is Recurrent {
  const candidate = layer as Partial<Recurrent>;
  return typeof candidate.goBackwards === 'boolean' && typeof candidate.returnSequences === 'boolean' && typeof candidate.returnState === 'boolean';
}

/**
 * Keras's Bidirectional: the forward layer is `forward_<name>`, the backward
 * layer the one given (`backward_layer`, which may differ from the forward
 * one: Keras still reports the forward layer's shapes, and counts both), or
 * else the forward layer run backwards, `backward_<name>`.
 */
export class Bidirectional extends TfjsBidirectional {
  static className = 'Bidirectional';

  constructor(args: { layer?: unknown; backwardLayer?: unknown; mergeMode?: unknown } & Record<string, unknown>) {
    const { layer, backwardLayer } = args;
    if (!(layer instanceof tfl.layers.Layer)) throw new Error(`Please initialize \`Bidirectional\` layer with a \`keras.layers.Layer\` instance. Received: ${describeLayer(layer)}`);
    if (backwardLayer !== undefined && backwardLayer !== null && !(backwardLayer instanceof tfl.layers.Layer)) {
      throw new Error(`\`backward_layer\` need to be a \`keras.layers.Layer\` instance. Received: ${describeLayer(backwardLayer)}`);
    }
    for (const inner of [layer, backwardLayer]) {
      if (inner && !isRecurrentLayer(inner)) {
        throw new Error(
          `Bidirectional runs a recurrent layer both ways (LSTM, GRU, SimpleRNN, RNN, ConvLSTM1D/2D/3D: one with go_backwards, return_sequences and return_state); ${inner.getClassName()} is not one (Keras: '${inner.getClassName()}' object has no attribute 'go_backwards')`,
        );
      }
    }
    const mergeMode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!MERGE_MODES.includes(mergeMode as string | null)) {
      throw new Error(`Invalid merge mode. Received: ${String(mergeMode)}. Merge mode should be one of {"sum", "mul", "ave", "concat", None}`);
    }
    super({ ...args, mergeMode });
    this.forwardLayer.name = `forward_${withoutPrefix(layer.name, 'forward_')}`;
    // Keras's own backward layer is the forward layer's configuration with go_backwards true (tfjs's flips it instead).
    this.backwardLayer =
      backwardLayer instanceof tfl.layers.Layer
        ? (backwardLayer as Recurrent)
        : deserialize<Recurrent>(layer.getClassName(), { ...layer.getConfig(), goBackwards: true, name: `backward_${withoutPrefix(layer.name, 'backward_')}` });
    // Both were made from the wrapped layer's tfjs config, which has no dtype: they hold their weights in its policy.
    copyKerasPolicy(layer, this.forwardLayer);
    if (!(backwardLayer instanceof tfl.layers.Layer)) copyKerasPolicy(layer, this.backwardLayer);
    this.verifyDirections();
    // Keras's own flag (tfjs's starts every Bidirectional trainable). Given to the constructor, it stays the
    // wrapper's: Keras counts the weights of the layers it runs, still trainable, as trainable in the model's totals.
    setOwnTrainable(this as unknown as Layer, args.trainable !== false);
  }

  /** Keras's _verify_layer_config: opposite directions, the same stateful, return_sequences and return_state. */
  private verifyDirections(): void {
    const forward = this.forwardLayer;
    const backward = this.backwardLayer;
    const python = (value: boolean) => (value ? 'True' : 'False');
    if (forward.goBackwards === backward.goBackwards) {
      throw new Error(
        `Forward layer and backward layer should have different \`go_backwards\` value. Received: forward_layer.go_backwards ${python(forward.goBackwards)}, backward_layer.go_backwards=${python(backward.goBackwards)}`,
      );
    }
    for (const [attribute, key] of [['stateful', 'stateful'], ['return_sequences', 'returnSequences'], ['return_state', 'returnState']] as const) {
      if (forward[key] !== backward[key]) {
        throw new Error(
          `Forward layer and backward layer are expected to have the same value for attribute "${attribute}", got "${python(forward[key])}" for forward layer and "${python(backward[key])}" for backward layer`,
        );
      }
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    buildingWeights(() => super.build(inputShape), (owner) => `${kerasName(this)}/${kerasName(owner)}`, kerasName(this));
  }

  override getConfig() {
    const config = super.getConfig() as Record<string, unknown>;
    return {
      ...config,
      layer: { className: this.forwardLayer.getClassName(), config: this.forwardLayer.getConfig() },
      backwardLayer: { className: this.backwardLayer.getClassName(), config: this.backwardLayer.getConfig() },
    } as never;
  }

  static fromConfig(cls: new (args: object) => Layer, config: Record<string, unknown>): Layer {
    const { layer, backwardLayer, ...rest } = config;
    const backward = backwardLayer === undefined || backwardLayer === null ? undefined : deserializeLayer(backwardLayer);
    return new cls({ ...rest, layer: deserializeLayer(layer), ...(backward ? { backwardLayer: backward } : {}) });
  }
}

/**
 * Keras's TimeDistributed: the inner layer on every step of a sequence of at
 * least 3 dimensions, said in Keras's words, and every inner weight of a
 * known shape.
 */
export class TimeDistributed extends TfjsTimeDistributed {
  static className = 'TimeDistributed';

  constructor(args: { layer?: unknown } & Record<string, unknown>) {
    if (!(args.layer instanceof tfl.layers.Layer)) {
      throw new Error(`Please initialize \`TimeDistributed\` layer with a \`keras.layers.Layer\` instance. Received: ${describeLayer(args.layer)}`);
    }
    super(args);
  }

  /**
   * Keras's own flag (tfjs's wrapper answers its layer's). Given to the
   * constructor, it stays the wrapper's: Keras counts the weights of the
   * layer it runs, still trainable, as trainable in the model's totals.
   */
  override get trainable(): boolean {
    return (this as unknown as { trainable_: boolean }).trainable_;
  }

  override set trainable(value: boolean) {
    (this as unknown as { trainable_: boolean }).trainable_ = value;
    this.layer.trainable = value;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const output = super.computeOutputShape(inputShape) as Shape | Shape[];
    const inner = this.layer.computeOutputShape([firstShape(inputShape)[0], ...firstShape(inputShape).slice(2)]) as Shape | Shape[];
    if (Array.isArray(inner[0])) {
      throw new Error(`TimeDistributed applies a layer of one output to every step; ${this.layer.getClassName()} "${kerasName(this.layer)}" has ${inner.length} (Keras fails on it: "Cannot convert '${String(firstShape(inputShape)[1])}' to a shape.")`);
    }
    return output as Shape;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    if (shape.length < 3) throw new Error(`\`TimeDistributed\` Layer should be passed an \`input_shape\` with at least 3 dimensions, received: ${formatShape(shape)}`);
    buildingWeights(() => super.build(inputShape), (owner) => `${kerasName(this)}/${kerasName(owner)}`, kerasName(this));
  }
}
