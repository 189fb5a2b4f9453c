import { firstShape, formatShape, type FullShape } from '../../core/shapes.js';
import { tfl, type Shape } from '../tfjs.js';
import { KerasLayer, perDim } from './keras-layer.js';
import { refuseStridedDilation, refuseUnknownConvDims } from './recurrent.js';

/**
 * Keras's ConvLSTM1D and ConvLSTM3D, which tfjs lacks (it has ConvLSTM2D):
 * an LSTM whose four gates are convolutions of rank 1 or 3, over a sequence
 * (batch, time, *spatial, channels), or channels first. Its weights are
 * Keras's cell's: kernel (*kernel_size, channels, 4 × filters),
 * recurrent_kernel (*kernel_size, filters, 4 × filters), and a bias of
 * 4 × filters.
 */
function makeConvLSTM(className: string, rank: number) {
  return class extends KerasLayer {
    static className = className;
    static override defaults = {
      filters: undefined,
      kernelSize: undefined,
      strides: 1,
      padding: 'valid',
      dataFormat: 'channelsLast',
      dilationRate: 1,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      useBias: true,
      unitForgetBias: true,
      returnSequences: false,
      returnState: false,
      goBackwards: false,
      stateful: false,
      unroll: false,
    };

    protected override validate(): void {
      // Keras's configurations write None for the default data format.
      if (this.args.dataFormat === null) this.args.dataFormat = 'channelsLast';
      refuseStridedDilation(this.args, rank);
      this.inputSpec = [new tfl.InputSpec({ ndim: rank + 3 })];
    }

    get returnSequences(): boolean {
      return Boolean(this.args.returnSequences);
    }
    get returnState(): boolean {
      return Boolean(this.args.returnState);
    }
    get goBackwards(): boolean {
      return Boolean(this.args.goBackwards);
    }
    override get stateful(): boolean {
      return Boolean(this.args.stateful);
    }

    private get channelsFirst(): boolean {
      return this.args.dataFormat === 'channelsFirst';
    }

    /** The state's shape after one step: Keras's convolution output shape of a step, without the batch dimension. */
    private stepOutput(sequences: FullShape): FullShape {
      const step = [sequences[0], ...sequences.slice(2)];
      const spatial = this.channelsFirst ? step.slice(2) : step.slice(1, -1);
      const kernel = perDim(this.args.kernelSize, rank);
      const strides = perDim(this.args.strides, rank);
      const dilation = perDim(this.args.dilationRate, rank);
      const same = this.args.padding === 'same';
      const out = spatial.map((dim, i) => {
        if (dim === null) return null;
        const size = same ? Math.floor((dim - 1) / strides[i]) + 1 : Math.floor((dim - dilation[i] * (kernel[i] - 1) - 1) / strides[i]) + 1;
        if (size <= 0) {
          const channels = step[this.channelsFirst ? 1 : step.length - 1];
          throw new Error(
            `Computed output size would be zero or negative. Received \`inputs shape=${formatShape(step)}\`, \`kernel shape=${formatShape([...kernel, channels, this.args.filters as number])}\`, \`dilation_rate=${formatShape(dilation)}\`, \`strides=${formatShape(strides)}\`, \`padding=${String(this.args.padding)}\`.`,
          );
        }
        return size;
      });
      const filters = this.args.filters as number;
      return this.channelsFirst ? [filters, ...out] : [...out, filters];
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      const sequences = firstShape(inputShape);
      const [batch, steps] = sequences;
      const state = this.stepOutput(sequences);
      const output = this.returnSequences ? [batch, steps, ...state] : [batch, ...state];
      return this.returnState ? [output, [batch, ...state], [batch, ...state]] : output;
    }

    override build(inputShape: Shape | Shape[]): void {
      const sequences = firstShape(inputShape);
      if (this.stateful && sequences[0] === null) {
        throw new Error(`When using \`stateful=True\` in a RNN, the batch size must be static. Found dynamic batch size: sequence.shape=${formatShape(sequences)}`);
      }
      refuseUnknownConvDims(sequences, this.channelsFirst);
      this.stepOutput(sequences);
      const channels = sequences[this.channelsFirst ? 2 : sequences.length - 1] as number;
      const kernel = perDim(this.args.kernelSize, rank);
      const filters = this.args.filters as number;
      this.addParams('kernel', [...kernel, channels, filters * 4]);
      this.addParams('recurrent_kernel', [...kernel, filters, filters * 4]);
      if (this.args.useBias) this.addParams('bias', [filters * 4]);
      super.build(inputShape);
    }
  };
}

export const ConvLSTM1D = makeConvLSTM('ConvLSTM1D', 1);
export const ConvLSTM3D = makeConvLSTM('ConvLSTM3D', 3);
