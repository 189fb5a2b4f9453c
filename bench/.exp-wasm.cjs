const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-wasm');
const wasm = require('@tensorflow/tfjs-backend-wasm');
(async () => {
  if (process.argv[2] === 'threads') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  if (process.argv[2] === 'nosimd') tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
  const t0 = Date.now();
  try {
    const ok = await Promise.race([tf.setBackend('wasm'), new Promise((r) => setTimeout(() => r('timeout'), 10000))]);
    console.log('setBackend', ok, Date.now() - t0, 'ms', 'simd', await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), 'threads', wasm.getThreadsCount && wasm.getThreadsCount());
    const a = tf.randomNormal([512, 512]);
    const b = tf.randomNormal([512, 512]);
    tf.matMul(a, b).dataSync();
    const t1 = Date.now();
    for (let i = 0; i < 20; i++) tf.matMul(a, b).dataSync();
    const x = tf.randomNormal([1, 56, 56, 64]); const k = tf.randomNormal([3, 3, 64, 64]);
    tf.conv2d(x, k, 1, 'same').dataSync();
    const t2 = Date.now();
    for (let i = 0; i < 20; i++) tf.conv2d(x, k, 1, 'same').dataSync();
    console.log('matmul 512 x20', Date.now() - t1, 'ms; conv 56x56x64 3x3 x20', Date.now() - t2, 'ms');
  } catch (e) { console.log('error', e.message || e); }
  process.exit(0);
})();
