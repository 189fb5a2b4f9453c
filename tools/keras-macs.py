"""Mult-adds of Keras Applications by merge-summary's convention, computed in Python.

A twin of src/analysis/costs.ts written from docs/costs.md, applied to the
layers Keras itself builds (keras.applications.*, weights=None): for each
model it writes test/golden/macs/keras-<model>.json with every layer call's
facts (class, config, weight shapes, input and output shapes), its mult-adds,
the total, the execution graph and its peak live activation memory, and a
comparison with the published figure and with torchvision's per-module counts
(test/golden/macs/<torchvision model>.json, from tools/torch-macs.py). It then
rewrites the table of docs/costs.md between its markers.

    KERAS_BACKEND=jax /work/venv/bin/python tools/keras-macs.py [MODEL ...]
    KERAS_BACKEND=jax /work/venv/bin/python tools/keras-macs.py --table   (the table only, from the files)

Only the rules for the classes these applications use run here; the rest of
the table lives in costs.ts and its hand-computed tests.
"""
import json
import math
import os
import re
import sys

import keras

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
GOLDEN = os.path.join(ROOT, "test", "golden", "macs")
DOC = os.path.join(ROOT, "docs", "costs.md")

# Keras application, its input side, and the torchvision model it corresponds to.
MODELS = {
    "VGG16": (224, "vgg16"),
    "DenseNet121": (224, "densenet121"),
    "MobileNetV2": (224, "mobilenet_v2"),
    "InceptionV3": (299, "inception_v3"),
    "ConvNeXtTiny": (224, "convnext_tiny"),
    "EfficientNetB0": (224, "efficientnet_b0"),
    "MobileNetV3Large": (224, "mobilenet_v3_large"),
}

STATISTICS_PER_ELEMENT = 4
INTERPOLATION_TAPS = {"nearest": 1, "bilinear": 4, "bicubic": 16, "lanczos3": 36, "lanczos5": 100}


def option(config, key):
    """A config value under its Keras (snake_case) or tfjs (camelCase) key."""
    snake = re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), key)
    return config.get(snake, config.get(key))


def with_batch(shape, batch):
    return [batch] + list(shape[1:]) if shape and shape[0] is None else list(shape)


def elements(shape, batch):
    dims = with_batch(shape, batch)
    if any(d is None for d in dims):
        raise ValueError(f"unknown dimension in {shape}")
    return math.prod(dims)


def leaf(name):
    return re.sub(r":\d+$", "", name.split("/")[-1])


def weights_named(facts, *names):
    return [w["shape"] for w in facts["weights"] if leaf(w["name"]) in names]


def convolution(facts, batch):
    (kernel,) = weights_named(facts, "kernel", "depthwise_kernel")[:1]
    outputs = elements(facts["outputShapes"][0], batch)
    depthwise = facts["type"].startswith("Depthwise")
    out_channels = kernel[-2] * kernel[-1] if depthwise else kernel[-1]
    assert outputs % out_channels == 0
    return outputs // out_channels * math.prod(kernel)


def separable_convolution(facts, batch):
    (depthwise,) = weights_named(facts, "depthwise_kernel")
    (pointwise,) = weights_named(facts, "pointwise_kernel")
    positions = elements(facts["outputShapes"][0], batch) // pointwise[-1]
    return positions * (math.prod(depthwise) + math.prod(pointwise))


def transposed_convolution(facts, batch):
    (kernel,) = weights_named(facts, "kernel")
    return elements(facts["inputShapes"][0], batch) // kernel[-1] * math.prod(kernel)


def dense(facts, batch):
    return elements(facts["inputShapes"][0], batch) * facts["outputShapes"][0][-1]


def runtime_normalization(facts, batch):
    per_element = STATISTICS_PER_ELEMENT + (1 if facts["weights"] else 0)
    return per_element * elements(facts["inputShapes"][0], batch)


def average_pooling(facts, batch):
    rank = int(re.search(r"(\d)D$", facts["type"]).group(1))
    pool = option(facts["config"], "poolSize")
    pool = list(pool) if isinstance(pool, (list, tuple)) else [pool] * rank
    return elements(facts["outputShapes"][0], batch) * math.prod(pool)


def input_elements(facts, batch):
    return elements(facts["inputShapes"][0], batch)


def resize(facts, batch):
    default = "nearest" if facts["type"] == "UpSampling2D" else "bilinear"
    interpolation = option(facts["config"], "interpolation") or default
    if interpolation == "area":
        return elements(facts["inputShapes"][0], batch)
    return INTERPOLATION_TAPS[interpolation] * elements(facts["outputShapes"][0], batch)


def zero(facts, batch):
    return 0


RULES = {
    **{name: convolution for name in ["Conv1D", "Conv2D", "Conv3D", "DepthwiseConv1D", "DepthwiseConv2D"]},
    **{name: separable_convolution for name in ["SeparableConv1D", "SeparableConv2D"]},
    **{name: transposed_convolution for name in ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"]},
    "Dense": dense,
    **{name: runtime_normalization for name in ["LayerNormalization", "GroupNormalization", "UnitNormalization", "RMSNormalization"]},
    **{f"AveragePooling{d}D": average_pooling for d in (1, 2, 3)},
    **{f"GlobalAveragePooling{d}D": input_elements for d in (1, 2, 3)},
    "UpSampling2D": resize,
    "Resizing": resize,
    **{
        name: zero
        for name in [
            "InputLayer", "BatchNormalization", "Normalization", "Rescaling", "Activation", "ReLU", "Softmax",
            "Add", "Multiply", "Concatenate", "Flatten", "Reshape", "Dropout", "ZeroPadding2D", "Cropping2D",
            "MaxPooling2D", "GlobalMaxPooling2D", "Identity",
        ]
    },
}

# Keras Applications name a few classes that keras.layers does not export (LayerScale, StochasticDepth in
# ConvNeXt): per-channel scaling and an inference-time identity, both elementwise.
RULES["LayerScale"] = zero
RULES["StochasticDepth"] = zero


def peak_activation_bytes(graph, batch):
    """The liveness walk of docs/costs.md: inputs live from the start, a call's inputs and outputs live while it runs,
    a tensor freed after its last consumer unless it is a model output; every output its own buffer."""
    size = {t["id"]: elements(t["shape"], batch) * {"float32": 4, "float16": 2, "int32": 4}[t["dtype"]] for t in graph["tensors"]}
    last_use = {}
    for index, call in enumerate(graph["calls"]):
        for tensor in call["inputs"]:
            last_use[tensor] = index
    keep = set(graph["outputs"])
    live = dict.fromkeys(graph["inputs"])
    peak, at = sum(size[t] for t in live), None
    for index, call in enumerate(graph["calls"]):
        missing = [tensor for tensor in call["inputs"] if tensor not in live]
        if missing:
            raise ValueError(f"call {call['name']} reads {missing} before anything makes them")
        for tensor in call["outputs"]:
            live.setdefault(tensor)
        now = sum(size[t] for t in live)
        if at is None or now > peak:
            peak, at = now, call["name"]
        for tensor in call["inputs"] + call["outputs"]:
            if tensor in live and tensor not in keep and last_use.get(tensor, -1) <= index:
                del live[tensor]
    return {"peakBytes": peak, "atCall": at}


def clean_config(config):
    kept = {}
    for key, value in config.items():
        if re.search(r"_(initializer|regularizer|constraint)$", key) or key in ("dtype", "trainable"):
            continue
        kept[key] = list(value) if isinstance(value, tuple) else value
    return kept


def tensor_id(tensor):
    history = tensor._keras_history
    return f"{history.operation.name}[{history.node_index}][{history.tensor_index}]"


def layer_facts(model, graph, rename=None, prefix=""):
    """The facts of every call of the model's operations, in execution order (model.operations is topological).

    A model used as a layer is one row whose "nested" rows are its own calls; in the execution graph its
    calls are inlined, its inner tensors named under the layer's name, its inputs and outputs being the
    tensors of the outer call.
    """
    rename = rename or {}

    def tid(tensor):
        raw = tensor_id(tensor)
        return rename.get(raw, prefix + raw)

    rows = []
    # model.operations, not model.layers: `x + y` on Keras tensors is an operation of keras.ops, not a layer.
    # A Sequential has no operations of its own, only its layers (without their InputLayer).
    for layer in model.operations if hasattr(model, "operations") else model.layers:
        for node in layer._inbound_nodes:
            inputs = [tid(t) for t in node.input_tensors]
            outputs = [tid(t) for t in node.output_tensors]
            facts = {
                "name": layer.name,
                "type": type(layer).__name__,
                "config": clean_config(layer.get_config()),
                "weights": [{"name": w.path, "shape": list(w.shape)} for w in getattr(layer, "weights", [])],
                "inputShapes": [list(t.shape) for t in node.input_tensors],
                "outputShapes": [list(t.shape) for t in node.output_tensors],
            }
            if not isinstance(layer, keras.layers.Layer):
                facts["operation"] = f"{type(layer).__module__}.{type(layer).__name__}"
            if isinstance(layer, keras.Model):
                inner_rename = {tensor_id(t): outer for t, outer in zip(layer.inputs, inputs)}
                inner_rename.update({tensor_id(t): outer for t, outer in zip(layer.outputs, outputs)})
                facts["config"] = {"name": layer.name}
                facts["nested"] = layer_facts(layer, graph, inner_rename, f"{prefix}{layer.name}/")
            else:
                for t, out in zip(node.output_tensors, outputs):
                    if out not in graph["known"]:
                        graph["known"].add(out)
                        graph["tensors"].append({"id": out, "shape": list(t.shape), "dtype": t.dtype})
                if type(layer).__name__ != "InputLayer":
                    graph["calls"].append({"name": prefix + layer.name, "inputs": inputs, "outputs": outputs})
            rows.append(facts)
    return rows


def cost(rows, batch):
    for row in rows:
        if "nested" in row:
            row["macs"] = sum(cost(row["nested"], batch))
            continue
        rule = RULES.get(row["type"])
        if rule is None:
            raise SystemExit(f"no rule in this twin for {row['type']} ({row['name']})")
        row["macs"] = rule(row, batch)
    return [r["macs"] for r in rows]


def published_and_torch(torch_name):
    path = os.path.join(GOLDEN, f"{torch_name}.json")
    with open(path) as f:
        return json.load(f)


def leaves(rows):
    for row in rows:
        yield from leaves(row["nested"]) if "nested" in row else [row]


def compare_with_torchvision(calls, torch_ref):
    """Convolutions and matrix products in execution order, Keras against torchvision."""
    keras_products = [(c["name"], c["macs"]) for c in leaves(calls) if c["type"] in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense") and c["macs"]]
    torch_products = [
        (m["name"], m["flopCounterMacs"]) for m in torch_ref["modules"] if m["leaf"] and m["type"] in ("Conv2d", "Linear") and m["flopCounterMacs"]
    ]
    keras_sorted = sorted(m for _, m in keras_products)
    torch_sorted = sorted(m for _, m in torch_products)
    in_order = sum(1 for (_, a), (_, b) in zip(keras_products, torch_products) if a == b)
    remaining = list(torch_sorted)
    unmatched_keras = []
    for macs in keras_sorted:
        if macs in remaining:
            remaining.remove(macs)
        else:
            unmatched_keras.append(macs)
    first_difference = next(
        ({"keras": k, "torchvision": t} for k, t in zip(keras_products, torch_products) if k[1] != t[1]),
        None,
    )
    return {
        "kerasProducts": len(keras_products),
        "torchvisionProducts": len(torch_products),
        "equalInExecutionOrder": in_order,
        "firstDifferenceInOrder": first_difference,
        "kerasCountsWithoutTorchvisionTwin": unmatched_keras,
        "torchvisionCountsWithoutKerasTwin": remaining,
        "kerasProductsTotal": sum(m for _, m in keras_products),
        "torchvisionProductsTotal": sum(m for _, m in torch_products),
    }


def analyse(name):
    side, torch_name = MODELS[name]
    keras.backend.clear_session()
    model = getattr(keras.applications, name)(weights=None, input_shape=(side, side, 3))
    graph = {"tensors": [], "known": set(), "calls": []}
    calls = layer_facts(model, graph)
    batch = 1
    total = sum(cost(calls, batch))
    graph = {
        "tensors": graph["tensors"],
        "inputs": [tensor_id(t) for t in model.inputs],
        "outputs": [tensor_id(t) for t in model.outputs],
        "calls": graph["calls"],
    }
    torch_ref = published_and_torch(torch_name)
    published = torch_ref["published"]
    figure = published["metaOps"] * 1e9
    return {
        "model": name,
        "keras": keras.__version__,
        "input": [None, side, side, 3],
        "batchSize": batch,
        "totalMacs": total,
        "published": published,
        "differenceFromPublished": (total - figure) / figure,
        "torchvision": {
            "model": torch_name,
            "fvcoreTotal": torch_ref["fvcore"]["total"],
            "fvcoreWithoutBatchNorm": torch_ref["fvcore"]["totalWithoutBatchNorm"],
            "flopCounterMacs": torch_ref["flopCounter"]["totalMacs"],
            "products": compare_with_torchvision(calls, torch_ref),
        },
        "peakActivation": peak_activation_bytes(graph, batch),
        "layers": calls,
        "graph": graph,
    }


def dump(result, path):
    """One line per layer, tensor and call, so that a change shows as a change to that line."""
    lines = ["{"]
    items = list(result.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if key == "layers":
            rows = [" " + json.dumps(row) for row in value]
            lines.append(f' "layers": [\n' + ",\n".join(rows) + f"\n ]{comma}")
        elif key == "graph":
            parts = []
            for gkey, gvalue in value.items():
                if isinstance(gvalue, list) and gvalue and isinstance(gvalue[0], dict):
                    parts.append(f'  "{gkey}": [\n' + ",\n".join("   " + json.dumps(v) for v in gvalue) + "\n  ]")
                else:
                    parts.append(f'  "{gkey}": {json.dumps(gvalue)}')
            lines.append(' "graph": {\n' + ",\n".join(parts) + f"\n }}{comma}")
        else:
            lines.append(f' "{key}": {json.dumps(value)}{comma}')
    lines.append("}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def giga(value):
    return f"{value / 1e9:.3f} G"


def write_table(results):
    rows = [
        "| model | published (torchvision) | Keras, this convention | difference from meta['_ops'] | torchvision, fvcore | fvcore without batch norm | torchvision, FlopCounterMode | peak activations (Keras, batch 1) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        t = r["torchvision"]
        p = r["published"]
        rows.append(
            f"| {r['model']} ({r['input'][1]}×{r['input'][2]}) | {p['gmacs']:.2f} G ({p['metaOps']} G) | {r['totalMacs']:,} ({giga(r['totalMacs'])}) | "
            f"{r['differenceFromPublished'] * 100:+.2f}% | {giga(t['fvcoreTotal'])} | {giga(t['fvcoreWithoutBatchNorm'])} | "
            f"{giga(t['flopCounterMacs'])} | {r['peakActivation']['peakBytes'] / 2**20:.1f} MiB at {r['peakActivation']['atCall']} |"
        )
    table = "\n".join(rows)
    begin, end = "<!-- keras-macs table: begin -->", "<!-- keras-macs table: end -->"
    with open(DOC) as f:
        text = f.read()
    if begin not in text or end not in text:
        raise SystemExit(f"{DOC} has no {begin} ... {end} markers")
    before, rest = text.split(begin, 1)
    _, after = rest.split(end, 1)
    with open(DOC, "w") as f:
        f.write(f"{before}{begin}\n{table}\n{end}{after}")


def write_classes():
    """Every layer class keras.layers exports, for the test that each has a rule."""
    names = sorted(
        n for n in dir(keras.layers) if isinstance(getattr(keras.layers, n), type) and issubclass(getattr(keras.layers, n), keras.layers.Layer)
    )
    with open(os.path.join(GOLDEN, "keras-layer-classes.json"), "w") as f:
        json.dump({"keras": keras.__version__, "source": "dir(keras.layers), the classes that are Layers", "classes": names}, f, indent=1)
        f.write("\n")


def main():
    if sys.argv[1:] == ["--table"]:
        # The table again from the committed files, without building the models.
        results = []
        for name in MODELS:
            with open(os.path.join(GOLDEN, f"keras-{name}.json")) as f:
                results.append(json.load(f))
        write_table(results)
        return
    os.makedirs(GOLDEN, exist_ok=True)
    write_classes()
    names = sys.argv[1:] or list(MODELS)
    results = []
    for name in names:
        result = analyse(name)
        dump(result, os.path.join(GOLDEN, f"keras-{name}.json"))
        results.append(result)
        cmp = result["torchvision"]["products"]
        print(
            f"{name}: {giga(result['totalMacs'])}, published {result['published']['metaOps']} G ({result['differenceFromPublished'] * 100:+.2f}%), "
            f"products equal in order {cmp['equalInExecutionOrder']}/{cmp['kerasProducts']} (torchvision {cmp['torchvisionProducts']}), "
            f"peak {result['peakActivation']['peakBytes'] / 2**20:.1f} MiB at {result['peakActivation']['atCall']}"
        )
    if len(results) == len(MODELS):
        write_table(results)


if __name__ == "__main__":
    main()
