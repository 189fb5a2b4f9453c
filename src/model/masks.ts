import { LayerCallError } from '../core/errors.js';
import { KERAS_MASKING } from '../core/keras-masking.js';
import { KerasNamer, kerasSnakeCase } from '../core/keras-names.js';
import type { LayerCall, ModelGraph } from '../readers/graph.js';
import { kerasClassName } from './keras-class.js';
import { OPERATION_CLASSES, operationClassName } from './layers/operations.js';
import { tfjsName } from './names.js';
import { OPERAND_TENSOR } from '../core/keras-names.js';
import { isContainer, type Layer, type SymbolicTensor } from './tfjs.js';

/**
 * Keras 3's masks in a model built from a spec, as Keras makes them
 * (keras/src/layers/layer.py, Layer.__call__). A tensor can carry a mask: an
 * Embedding with mask_zero=True gives its output the mask
 * `ops.not_equal(inputs, 0)`, a Masking layer `ops.any(ops.not_equal(inputs,
 * mask_value), axis=-1)`. Those ops are nodes of Keras's graph, named when
 * the layer is called (`not_equal`, `not_equal_1`, ...), but they are in the
 * model, as rows of its summary, only when a layer's call takes the mask: a
 * layer whose call has a `mask` argument, called on one tensor (Keras records
 * the mask in the call's node then, and only then: when its single input is
 * a tensor of the layer's own dtype, passed alone). Layers that support
 * masking pass the mask on (or make their own: an RNN's output keeps it only
 * with return_sequences, a merge of masked inputs ORs them with
 * `ops.logical_or`), the others drop it.
 *
 * So a mask is made when Keras would make it (its names taken then) and its
 * ops are built only when a call takes it; the taking call gets it as a
 * keyword input (tfjs.ts, KEYWORD_INPUTS): "Connected to" lists it, the
 * layer never sees it.
 */

/** A mask a tensor carries: an op's output, built the first time a call takes it. */
interface Mask {
  tensor(): SymbolicTensor;
}

/** An op of a mask: its Keras class, its name (taken when Keras makes it), its operands (masks, tensors and constants). */
interface MaskOp {
  kerasClass: string;
  name: string;
  operands: (Mask | SymbolicTensor | number)[];
  config?: Record<string, unknown>;
}

/** The layers that make a mask of their own from their input. */
const MASK_MAKERS = new Set(['Embedding', 'ReversibleEmbedding', 'Masking']);

/** The layers whose compute_mask merge-summary follows (keras/src/layers/...). */
const RECURRENT = new Set(['RNN', 'SimpleRNN', 'LSTM', 'GRU', 'ConvLSTM', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D']);

export class SpecMasks {
  private readonly masks = new Map<SymbolicTensor, Mask>();
  private readonly namer: KerasNamer;

  constructor(graph: ModelGraph) {
    // Ops take Keras's auto-names from the counters layers use; a spec's own names stay theirs.
    this.namer = new KerasNamer(new Set([...graph.inputs.map((input) => input.name), ...graph.calls.map((call) => call.layer)]));
  }

  /** The mask tensors a call takes by keyword (built now if not yet), with the keyword's name. */
  keywordInputs(layer: Layer, inputs: SymbolicTensor[]): { tensors: SymbolicTensor[]; names: string[] } {
    const none = { tensors: [], names: [] };
    if (inputs.length !== 1 || !this.masks.has(inputs[0]) || isContainer(layer)) return none;
    const facts = KERAS_MASKING[kerasClassName(layer)];
    if (!facts?.takesMask) return none;
    // Keras converts an input of another dtype than the layer's first, into a new dict of arguments its node never sees.
    const layerDtype = (layer.getConfig() as { dtype?: unknown }).dtype;
    if (inputs[0].dtype !== 'float32' || (layerDtype !== undefined && layerDtype !== 'float32')) return none;
    const mask = this.masks.get(inputs[0]);
    return mask ? { tensors: [mask.tensor()], names: ['mask'] } : none;
  }

  /** After a call: the masks its outputs carry, as the layer's compute_mask makes them. */
  afterCall(layer: Layer, call: LayerCall, inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    if (isContainer(layer)) return;
    const type = kerasClassName(layer);
    const given = inputs.map((input) => this.masks.get(input));
    // Most calls neither make a mask nor get one: nothing to read (a layer's config is not free to make).
    if (!MASK_MAKERS.has(type) && given.every((mask) => mask === undefined)) return;
    const config = layer.getConfig() as Record<string, unknown>;
    let made: (Mask | undefined)[];
    switch (type) {
      case 'Embedding':
      case 'ReversibleEmbedding':
        made = config.maskZero === true ? [this.op({ kerasClass: 'NotEqual', name: this.name('NotEqual'), operands: [inputs[0], 0] })] : [];
        break;
      case 'Masking': {
        const notEqual = this.op({ kerasClass: 'NotEqual', name: this.name('NotEqual'), operands: [inputs[0], numberOr(config.maskValue, 0)] });
        made = [this.op({ kerasClass: 'Any', name: this.name('Any'), operands: [notEqual], config: { axis: -1, keepdims: false } })];
        break;
      }
      default:
        made = this.computedMask(type, config, given, call);
    }
    outputs.forEach((output, i) => {
      const mask = made[i];
      if (mask) this.masks.set(output, mask);
    });
  }

  /** compute_mask of the layer, for every other class: one mask per output (undefined: none). */
  private computedMask(type: string, config: Record<string, unknown>, given: (Mask | undefined)[], call: LayerCall): (Mask | undefined)[] {
    const facts = KERAS_MASKING[type];
    if (!facts?.supportsMasking || given.every((mask) => mask === undefined)) return [];
    const first = given[0];
    if (facts.computeMask === null) return [first];
    if (RECURRENT.has(facts.computeMask)) {
      const sequences = config.returnSequences === true ? first : undefined;
      return [sequences];
    }
    if (facts.computeMask === 'Bidirectional') {
      const inner = (config.layer as { config?: Record<string, unknown> } | undefined)?.config ?? {};
      if (inner.returnSequences !== true) return [];
      // Without a merge mode the two directions are two outputs, each with the mask.
      return config.mergeMode === null ? [first, first] : [first];
    }
    if (facts.computeMask === 'GlobalAveragePooling1D' || facts.computeMask === 'Dot') return [];
    if (facts.computeMask === 'Merge') {
      if (given.some((mask) => mask === undefined)) return [];
      let merged = given[0] as Mask;
      for (const next of given.slice(1)) merged = this.op({ kerasClass: 'LogicalOr', name: this.name('LogicalOr'), operands: [merged, next as Mask] });
      return [merged];
    }
    if (facts.computeMask === 'Attention') {
      return first ? [this.op({ kerasClass: 'ConvertToTensor', name: this.name('ConvertToTensor'), operands: [first] })] : [];
    }
    throw new LayerCallError(
      call.layer,
      type,
      `an input carries a Keras mask, which ${type}'s compute_mask turns into keras.ops nodes merge-summary does not build yet (the rows and names would differ from Keras's)`,
      call.at,
    );
  }

  private name(kerasClass: string): string {
    return this.namer.next(kerasSnakeCase(kerasClass));
  }

  /** A mask made by an op: named now, built (with its operands) the first time a call takes it. */
  private op(op: MaskOp): Mask {
    let built: SymbolicTensor | undefined;
    return {
      tensor: () => {
        if (built) return built;
        const tensors: SymbolicTensor[] = [];
        const operands = op.operands.map((operand) => {
          if (typeof operand === 'number') return operand;
          tensors.push(isMask(operand) ? operand.tensor() : operand);
          return { ...OPERAND_TENSOR };
        });
        const cls = OPERATION_CLASSES[operationClassName(op.kerasClass)];
        const layer = new cls({ ...(op.config ?? {}), name: tfjsName(op.name), operands });
        built = layer.apply(tensors.length === 1 ? tensors[0] : tensors) as SymbolicTensor;
        return built;
      },
    };
  }
}

function isMask(value: unknown): value is Mask {
  return typeof value === 'object' && value !== null && typeof (value as Mask).tensor === 'function';
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
