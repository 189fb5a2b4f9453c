import { installPolicyRecording, installShapeCopies, installWeightFactory, registerBackendOnce, tensorFromDataId, tfc, useBackendNow, weightDataId, type LayerVariable } from './tfjs.js';

/**
 * A tfjs backend whose tensors carry a shape and a dtype but no data.
 *
 * A summary needs every weight's shape, never its values. Building a model on
 * this backend runs tfjs-layers' own build() and computeOutputShape(), so
 * shapes and parameter counts are the framework's, while no weight memory is
 * allocated or initialised: VGG16 builds in milliseconds and a model with
 * billions of parameters fits. The only kernels registered for it are the
 * ones that make a tensor of a shape without computing a value (SHAPE_KERNELS),
 * so anything that tried to compute would fail loudly instead of silently
 * allocating.
 */
export const SHAPE_ONLY_BACKEND = 'merge-summary-shape-only';

type DataId = object;

class ShapeOnlyBackend extends tfc.KernelBackend {
  private readonly refCounts = new Map<DataId, number>();

  /** Whether this backend handed out `dataId` (so the tensor behind it holds no data). */
  holds(dataId: DataId): boolean {
    return this.refCounts.has(dataId);
  }

  override write(): DataId {
    const dataId = {};
    this.refCounts.set(dataId, 1);
    return dataId;
  }
  override move(dataId: DataId, _values: unknown, _shape: number[], _dtype: unknown, refCount: number): void {
    this.refCounts.set(dataId, refCount);
  }
  override incRef(dataId: DataId): void {
    this.refCounts.set(dataId, (this.refCounts.get(dataId) ?? 0) + 1);
  }
  override refCount(dataId: DataId): number {
    return this.refCounts.get(dataId) ?? 0;
  }
  override disposeData(dataId: DataId, force = false): boolean {
    const remaining = (this.refCounts.get(dataId) ?? 0) - 1;
    if (force || remaining <= 0) {
      this.refCounts.delete(dataId);
      return true;
    }
    this.refCounts.set(dataId, remaining);
    return false;
  }
  override numDataIds(): number {
    return this.refCounts.size;
  }
  override memory() {
    return { unreliable: true, reasons: ['tensors on the shape-only backend hold no data'] };
  }
  override read(): never {
    throw new Error('the shape-only backend holds no tensor values');
  }
  override readSync(): never {
    throw new Error('the shape-only backend holds no tensor values');
  }
  override floatPrecision(): 32 {
    return 32;
  }
  override epsilon(): number {
    return 1e-7;
  }
  override timerAvailable(): boolean {
    return false;
  }
  override dispose(): void {
    this.refCounts.clear();
  }
}

let backend: ShapeOnlyBackend | undefined;

interface TensorInfo {
  dataId: DataId;
  shape: number[];
  dtype: string;
}

/**
 * Kernels whose output is a tensor of a shape known without any value: a
 * stateful RNN keeps its state tensors as copies (`state.clone()`, the
 * Identity kernel) when it is built. The copy is a new data-less tensor of
 * the same shape and dtype.
 */
const SHAPE_KERNELS: Record<string, (input: TensorInfo, backend: ShapeOnlyBackend) => TensorInfo> = {
  Identity: (x, shapeOnly) => ({ dataId: shapeOnly.write(), shape: [...x.shape], dtype: x.dtype }),
};

function registerShapeKernels(): void {
  for (const [kernelName, make] of Object.entries(SHAPE_KERNELS)) {
    if (tfc.getKernel(kernelName, SHAPE_ONLY_BACKEND)) continue;
    tfc.registerKernel({
      kernelName,
      backendName: SHAPE_ONLY_BACKEND,
      kernelFunc: ({ inputs, backend: current }) => make(Object.values(inputs)[0] as unknown as TensorInfo, current as unknown as ShapeOnlyBackend) as never,
    });
  }
}

/** Makes the shape-only backend current, and weights data-less while it is. */
export function useShapeOnlyBackend(): void {
  if (!backend) {
    registerBackendOnce(SHAPE_ONLY_BACKEND, () => (backend = new ShapeOnlyBackend()));
    installWeightFactory(
      () => tfc.getBackend() === SHAPE_ONLY_BACKEND,
      (shape, dtype) => {
        // A dimension tfjs could not compute (an axis the input lacks) would count NaN bytes, and tfjs's count of memory would stay NaN for the process.
        if (!shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
          const shown = shape.map((dim) => (dim === null ? 'None' : typeof dim === 'number' && Number.isFinite(dim) ? String(dim) : '?')).join(', ');
          throw new Error(`its weights would have the shape (${shown}), which no tensor can have: a dimension of its input it needs is unknown or missing`);
        }
        return tensorFromDataId(tfc.engine().backend.write(null as never, shape, dtype as never), shape, dtype);
      },
    );
    installShapeCopies();
    installPolicyRecording();
    registerShapeKernels();
  }
  useBackendNow(SHAPE_ONLY_BACKEND);
}

/**
 * The guarantee the summary rests on: no weight was given values. A weight
 * built while another backend was current would have been initialised (and,
 * for a large model, have exhausted memory first); this is checked, not assumed.
 */
export function assertDataless(weights: LayerVariable[]): void {
  for (const weight of weights) {
    if (!backend?.holds(weightDataId(weight))) {
      throw new Error(`weight ${weight.name} was built with values; the storage-less build must never allocate weights`);
    }
  }
}
