import { firstShape } from '../../core/shapes.js';
import type { Shape } from '../tfjs.js';
import { KerasLayer } from './keras-layer.js';
import { checkDataFormat, isOneOf, py, pyName } from './preprocessing-checks.js';

/**
 * Keras's audio layers. STFTSpectrogram is a strided 1-D convolution whose
 * kernels are the windowed Fourier basis: real and imaginary kernels of
 * (frame_length, 1, fft_length // 2 + 1), trainable weights Keras counts.
 * MelSpectrogram computes its STFT with ops and has no weights.
 */


const STFT_MODES = ['log', 'magnitude', 'psd', 'real', 'imag', 'angle', 'stft'];

export class STFTSpectrogram extends KerasLayer {
  static className = 'STFTSpectrogram';
  static override defaults = {
    mode: 'log',
    frameLength: 256,
    frameStep: null,
    fftLength: null,
    window: 'hann',
    periodic: false,
    scaling: 'density',
    padding: 'valid',
    expandDims: false,
    dataFormat: null,
  };

  protected override validate(): void {
    const { frameLength, frameStep, fftLength, mode, scaling, padding } = this.args;
    const length = frameLength as number;
    if (frameStep !== null && (typeof frameStep !== 'number' || frameStep > length || frameStep < 1)) {
      throw new Error(`\`frame_step\` should be a positive integer not greater than \`frame_length\`. Received frame_step=${py(frameStep)}, frame_length=${py(frameLength)}`);
    }
    if (fftLength !== null && (typeof fftLength !== 'number' || fftLength < length)) {
      throw new Error(`\`fft_length\` should be not less than \`frame_length\`. Received fft_length=${py(fftLength)}, frame_length=${py(frameLength)}`);
    }
    if (!isOneOf(mode, STFT_MODES)) throw new Error(`Output mode is invalid, it must be one of ${STFT_MODES.join(', ')}. Received: mode=${pyName(mode)}`);
    if (scaling !== null && !isOneOf(scaling, ['density', 'spectrum'])) throw new Error(`Scaling is invalid, it must be \`None\`, 'density' or 'spectrum'. Received scaling=${pyName(scaling)}`);
    if (!isOneOf(padding, ['valid', 'same'])) throw new Error(`Padding is invalid, it should be 'valid', 'same'. Received: padding=${pyName(padding)}`);
    this.args.dataFormat = checkDataFormat(this.args.dataFormat);
  }

  private get frameStep(): number {
    return (this.args.frameStep as number | null) ?? Math.floor((this.args.frameLength as number) / 2);
  }

  /** Keras's _fft_length: the given one, or the next power of two of the frame. */
  private get fftLength(): number {
    return (this.args.fftLength as number | null) ?? 2 ** Math.ceil(Math.log2(this.args.frameLength as number));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = [this.args.frameLength as number, 1, Math.floor(this.fftLength / 2) + 1];
    if (this.args.mode !== 'imag') this.addParams('real_kernel', shape);
    if (this.args.mode !== 'real') this.addParams('imag_kernel', shape);
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    if (shape.length !== 3) throw new Error(`Input 0 of layer "${this.name}" is incompatible with the layer: expected ndim=3, found ndim=${shape.length}. Full shape received: ${pyShape(shape)}`);
    const channelsLast = this.args.dataFormat === 'channelsLast';
    const [batch, first, second] = shape;
    const channels = channelsLast ? second : first;
    const time = channelsLast ? first : second;
    let freq = Math.floor(this.fftLength / 2) + 1;
    if (this.args.mode === 'stft') freq *= 2;
    const frames = convolvedLength(time, this.args.frameLength as number, this.frameStep, this.args.padding as string);
    if (frames !== null && frames <= 0) {
      // Keras convolves each channel alone: its message shows the per-channel kernel of real (or imaginary) parts.
      const kernel = `(${this.args.frameLength as number}, 1, ${Math.floor(this.fftLength / 2) + 1})`;
      throw new Error(`Computed output size would be zero or negative. Received \`inputs shape=${pyShape(shape)}\`, \`kernel shape=${kernel}\`, \`dilation_rate=[1]\`, \`strides=(${this.frameStep},)\`, \`padding=valid\`.`);
    }
    if (this.args.expandDims) return channelsLast ? [batch, frames, freq, channels] : [batch, channels, frames, freq];
    const features = channels === null ? null : freq * channels;
    return channelsLast ? [batch, frames, features] : [batch, features, frames];
  }
}

/** Keras's compute_conv_output_shape along one axis: valid or same padding; a None length stays None. */
function convolvedLength(length: number | null, kernel: number, stride: number, padding: string): number | null {
  if (length === null) return null;
  if (padding === 'same') return Math.floor((length - 1) / stride) + 1;
  return Math.floor((length - kernel) / stride) + 1;
}

function pyShape(shape: Shape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/**
 * Keras's MelSpectrogram: audio of (batch, samples) to (batch, num_mel_bins,
 * frames), frames = (samples + sequence_stride + 1) // sequence_stride.
 */
export class MelSpectrogram extends KerasLayer {
  static className = 'MelSpectrogram';
  static override defaults = {
    fftLength: 2048,
    sequenceStride: 512,
    sequenceLength: null,
    window: 'hann',
    samplingRate: 16000,
    numMelBins: 128,
    minFreq: 20.0,
    maxFreq: null,
    powerToDb: true,
    topDb: 80.0,
    magExp: 2.0,
    minPower: 1e-10,
    refPower: 1.0,
  };

  protected override validate(): void {
    // Keras keeps sequence_length = sequence_length or fft_length, and saves that.
    this.args.sequenceLength = (this.args.sequenceLength as number | null) || this.args.fftLength;
    const { fftLength, sequenceLength } = this.args;
    if ((fftLength as number) < (sequenceLength as number)) {
      throw new Error(`\`fft_length\` must be greater than or equal to   \`sequence_length\`. Received: \`sequence_length\`=${py(sequenceLength)}, \`fft_length\`=${py(fftLength)}.`);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    const stride = this.args.sequenceStride as number;
    const frames = (samples: number | null) => (samples === null ? null : Math.floor((samples + stride + 1) / stride));
    if (shape.length === 1) return [this.args.numMelBins as number, frames(shape[0])];
    return [shape[0], this.args.numMelBins as number, frames(shape[1])];
  }
}
