import { tfc, LayerClass } from './tf.js';

/**
 * A tfjs backend whose tensors carry a shape and a dtype but no data.
 *
 * A summary needs every weight's shape, never its values. Building a model on
 * this backend runs tfjs-layers' own build() and computeOutputShape(), so
 * shapes and parameter counts are the framework's, while no weight memory is
 * allocated or initialised: VGG16 builds in milliseconds and a model with
 * billions of parameters fits. No kernel is registered for it, so anything
 * that tried to compute would fail loudly instead of silently allocating.
 */
export const SHAPE_ONLY_BACKEND = 'merge-summary-shape-only';

type DataId = object;

class ShapeOnlyBackend extends tfc.KernelBackend {
  private readonly refCounts = new Map<DataId, number>();

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

let installed = false;

/** Makes the shape-only backend current and weights shape-only while it is. */
export function useShapeOnlyBackend(): void {
  if (!installed) {
    tfc.registerBackend(SHAPE_ONLY_BACKEND, () => new ShapeOnlyBackend(), 0);
    giveWeightsNoValuesOnShapeOnlyBackend();
    installed = true;
  }
  if (tfc.getBackend() !== SHAPE_ONLY_BACKEND) {
    // setBackend is async only to await a backend's initialisation; ours has none.
    void tfc.setBackend(SHAPE_ONLY_BACKEND);
  }
}

/**
 * tfjs initialisers build their values in JavaScript arrays before any backend
 * sees them (a Dense of 100000 x 100000 would need 40 GB), so replacing the
 * backend alone is not enough: while the shape-only backend is current, every
 * weight a layer adds is created from a data-less tensor of the same shape.
 * With any other backend current (the kernel examples of --explain), layers
 * behave exactly as tfjs defines them.
 */
function giveWeightsNoValuesOnShapeOnlyBackend(): void {
  const proto = LayerClass.prototype;
  const addWeight = proto.addWeight;
  const shapeOnlyInitializer = {
    apply(shape: number[], dtype: 'float32' | 'int32' | 'bool' = 'float32') {
      const engine = tfc.engine();
      const backend = engine.backend;
      const dataId = backend.write(null as never, shape, dtype);
      return engine.makeTensorFromDataId(dataId, shape, dtype, backend);
    },
  };
  proto.addWeight = function (this: unknown, name: unknown, shape: unknown, dtype: unknown, initializer: unknown, ...rest: unknown[]) {
    const onShapeOnly = tfc.getBackend() === SHAPE_ONLY_BACKEND;
    return addWeight.call(this, name, shape, dtype, onShapeOnly ? shapeOnlyInitializer : initializer, ...rest);
  };
}
