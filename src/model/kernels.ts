import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { UserError } from '../core/errors.js';
import { tfc, withoutConsole } from './tfjs.js';

const require = createRequire(import.meta.url);

/**
 * Backends that run real kernels, best first. tfjs-node is an optional
 * dependency whose install downloads libtensorflow; where that download is
 * impossible it is absent, and the WASM (XNNPACK) backend, shipped inside its
 * npm package, takes over, then the pure-JavaScript CPU backend.
 */
export const KERNEL_BACKENDS = [
  { name: 'tensorflow', label: 'tfjs-node (native TensorFlow)', module: '@tensorflow/tfjs-node' },
  { name: 'wasm', label: 'WASM (XNNPACK)', module: '@tensorflow/tfjs-backend-wasm' },
  { name: 'cpu', label: 'pure-JS CPU', module: '@tensorflow/tfjs-backend-cpu' },
] as const;

export type KernelBackendName = (typeof KERNEL_BACKENDS)[number]['name'];

/** MERGE_SUMMARY_BACKEND=wasm|cpu skips better backends: how the fallback is tested. */
const FORCE_ENV = 'MERGE_SUMMARY_BACKEND';

let active: { name: KernelBackendName; label: string; forced?: string } | undefined;

/** Makes the best available kernel backend current (or the one MERGE_SUMMARY_BACKEND forces) and says which it is. */
export async function useKernelBackend(env: Record<string, string | undefined> = process.env): Promise<{ name: KernelBackendName; label: string }> {
  const forced = env[FORCE_ENV] || undefined;
  if (active && active.forced === forced && tfc.getBackend() === active.name) return active;
  const start = forced ? KERNEL_BACKENDS.findIndex((b) => b.name === forced) : 0;
  if (start < 0) {
    throw new UserError('usage', `${FORCE_ENV}=${forced} names no backend; use one of ${KERNEL_BACKENDS.map((b) => b.name).join(', ')}`);
  }
  const failures: string[] = [];
  for (const backend of KERNEL_BACKENDS.slice(start)) {
    try {
      require(backend.module);
      if (await tfc.setBackend(backend.name)) {
        await tfc.ready();
        // The CPU backend's first tensor prints an advice to install tfjs-node on the console, which would
        // land before merge-summary's own output: write that first tensor here, with the console silenced.
        withoutConsole(() => tfc.dispose(tfc.scalar(0)));
        active = { name: backend.name, label: backend.label, forced };
        return active;
      }
      failures.push(`${backend.name}: did not initialise`);
    } catch (error) {
      failures.push(`${backend.name}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no tfjs kernel backend could be loaded (${failures.join('; ')})`);
}

/** Which kernel backend would be used, without switching to it: for --version. */
export function availableKernelBackend(env: Record<string, string | undefined> = process.env): string {
  const forced = KERNEL_BACKENDS.findIndex((b) => b.name === env[FORCE_ENV]);
  for (const backend of KERNEL_BACKENDS.slice(Math.max(0, forced))) {
    try {
      require.resolve(backend.module);
      if (backend.name === 'tensorflow') require(backend.module);
      return backend.label;
    } catch {
      continue;
    }
  }
  return 'none';
}

/** What runs the kernels: the backend, and how many threads and which instructions it uses. */
export interface KernelBackendInfo {
  name: KernelBackendName;
  label: string;
  threads: number;
  /** For WASM: whether its SIMD build runs (WebAssembly SIMD, which Node 16.4+ has). */
  simd?: boolean;
  /** Why the thread count is what it is. */
  threadsNote: string;
}

/**
 * The current kernel backend's threads and SIMD. tfjs-backend-wasm 4.22
 * picks its SIMD build wherever WebAssembly SIMD validates (Node 20 does: it
 * runs XNNPACK about twice as fast as the plain build), and never its
 * threaded build in Node: its WASM_HAS_MULTITHREAD_SUPPORT flag is false
 * there (tfjs issue 3830), and forcing it fails, as the threaded build
 * starts its pthreads from a blob: URL that Node's worker_threads refuse. So
 * WASM runs on one thread. tfjs-node runs TensorFlow's own thread pool, one
 * thread per core by default; the CPU backend is JavaScript on the main thread.
 */
export async function kernelBackendInfo(active: { name: KernelBackendName; label: string }): Promise<KernelBackendInfo> {
  const backend = { name: active.name, label: active.label };
  if (backend.name === 'wasm') {
    const simd = Boolean(await tfc.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number };
    return {
      ...backend,
      label: `WASM (XNNPACK${simd ? ', SIMD' : ''})`,
      simd,
      threads: wasm.getThreadsCount(),
      threadsNote: 'tfjs-backend-wasm runs single-threaded in Node: its threaded build needs browser workers',
    };
  }
  if (backend.name === 'tensorflow') return { ...backend, threads: availableParallelism(), threadsNote: "TensorFlow's thread pool, one thread per core" };
  return { ...backend, threads: 1, threadsNote: 'JavaScript on the main thread' };
}

/** The backend useKernelBackend would make current, without loading it: to check what a model needs before anything is allocated. */
export function preferredKernelBackend(env: Record<string, string | undefined> = process.env): KernelBackendName {
  const forced = env[FORCE_ENV] || undefined;
  const start = forced ? KERNEL_BACKENDS.findIndex((b) => b.name === forced) : 0;
  if (start < 0) throw new UserError('usage', `${FORCE_ENV}=${forced} names no backend; use one of ${KERNEL_BACKENDS.map((b) => b.name).join(', ')}`);
  for (const backend of KERNEL_BACKENDS.slice(start)) {
    try {
      require.resolve(backend.module);
      return backend.name;
    } catch {
      continue;
    }
  }
  return 'cpu';
}
