import { createRequire } from 'node:module';
import { UserError } from '../core/errors.js';
import { tfc } from './tfjs.js';

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
