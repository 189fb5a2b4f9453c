// Writes a VGG16 saved "with its weights" as Keras's legacy .h5 (about 528 MB),
// for the bench: the architecture is Keras 3.15's own to_json() of
// keras.applications.VGG16 (bench/specs/vgg16.keras.json, written by
// tools/keras-files.py), laid out as Keras's save_model_to_hdf5 lays it out
// (root attributes model_config, keras_version, backend; one group per layer
// under model_weights/ with its weight_names), and every weight a
// zero-filled float32 dataset of the right shape. Written with h5wasm, so the
// bench needs no Python; never committed (bench/out/ is ignored).
import { readFileSync, statSync } from 'node:fs';

/** Keras's published parameter count of VGG16 (keras.applications): the shapes below must add up to it. */
export const VGG16_PARAMS = 138_357_544;

/** The weight shapes of each layer of a chain of Conv2D, MaxPooling2D, Flatten and Dense layers. */
export function chainWeights(config) {
  const layers = config.config.layers;
  let [height, width, channels] = layers[0].config.batch_shape.slice(1);
  let features;
  const weights = [];
  for (const layer of layers.slice(1)) {
    const c = layer.config;
    switch (layer.class_name) {
      case 'Conv2D': {
        const [kh, kw] = c.kernel_size;
        if (c.padding !== 'same' || c.strides.some((s) => s !== 1)) throw new Error(`${c.name}: only stride-1 'same' convolutions are expected in VGG16`);
        weights.push({ layer: c.name, names: ['kernel', 'bias'], shapes: [[kh, kw, channels, c.filters], [c.filters]] });
        channels = c.filters;
        break;
      }
      case 'MaxPooling2D':
        height = Math.floor(height / c.strides[0]);
        width = Math.floor(width / c.strides[1]);
        break;
      case 'Flatten':
        features = height * width * channels;
        break;
      case 'Dense':
        weights.push({ layer: c.name, names: ['kernel', 'bias'], shapes: [[features, c.units], [c.units]] });
        features = c.units;
        break;
      default:
        throw new Error(`unexpected layer class ${layer.class_name} in VGG16`);
    }
  }
  return { layerNames: layers.map((layer) => layer.config.name), weights };
}

export async function writeVgg16H5(jsonPath, outPath) {
  const json = readFileSync(jsonPath, 'utf8');
  const config = JSON.parse(json);
  const { layerNames, weights } = chainWeights(config);
  const total = weights.flatMap((w) => w.shapes).reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
  if (total !== VGG16_PARAMS) throw new Error(`the VGG16 shapes add up to ${total}, not Keras's ${VGG16_PARAMS}`);

  const h5wasm = await import('h5wasm/node');
  const module = await h5wasm.ready;
  // HDF5 errors as exceptions, not messages on the console.
  module.activate_throwing_error_handler();
  const file = new h5wasm.File(outPath, 'w');
  try {
    file.create_attribute('model_config', json);
    file.create_attribute('keras_version', '3.15.1');
    file.create_attribute('backend', 'jax');
    const group = file.create_group('model_weights');
    group.create_attribute('layer_names', layerNames);
    group.create_attribute('keras_version', '3.15.1');
    group.create_attribute('backend', 'jax');
    for (const name of [...layerNames].sort()) {
      const layerGroup = group.create_group(name);
      const entry = weights.find((w) => w.layer === name);
      const weightNames = entry ? entry.names.map((n) => `${name}/${n}`) : [];
      // Keras writes an empty weight_names for layers without weights.
      if (weightNames.length > 0) layerGroup.create_attribute('weight_names', weightNames);
      else layerGroup.create_attribute('weight_names', new Float64Array(0), [0], '<d');
      // Keras names each dataset by its weight's name, so the layer's name appears twice: block1_conv1/block1_conv1/kernel.
      const inner = entry ? layerGroup.create_group(name) : undefined;
      entry?.shapes.forEach((shape, i) => {
        const size = shape.reduce((a, b) => a * b, 1);
        inner.create_dataset({ name: entry.names[i], data: new Float32Array(size), shape, dtype: '<f' });
      });
    }
  } finally {
    file.close();
  }
  return statSync(outPath).size;
}
