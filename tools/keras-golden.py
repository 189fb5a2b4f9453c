"""Builds merge-summary specs with real Keras 3 and writes what Keras reports.

The test suite compares merge-summary's names, shapes and counts with these
files; neither the suite nor the tool needs Python. Regenerate by hand:

    python -m venv /tmp/kenv && /tmp/kenv/bin/pip install keras jax pyyaml
    KERAS_BACKEND=jax /tmp/kenv/bin/python tools/keras-golden.py fixtures/*.yaml

Each spec gives test/golden/keras/<spec name>.json. Unnamed entries are left
unnamed here so that Keras itself chooses their names.
"""
import json
import os
import re
import sys

import keras
import yaml


def snake(key):
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", key).lower()


def build(spec):
    keras.backend.clear_session()
    tensors = {}
    inputs = []
    for entry in spec["inputs"]:
        kwargs = {"shape": tuple(entry["shape"])}
        if "name" in entry:
            kwargs["name"] = entry["name"]
        if "dtype" in entry:
            kwargs["dtype"] = entry["dtype"]
        batch = entry.get("batch_size", entry.get("batchSize"))
        if batch is not None:
            kwargs["batch_size"] = batch
        tensor = keras.Input(**kwargs)
        tensors[tensor._keras_history.operation.name] = tensor
        inputs.append(tensor)
    layers = {}
    previous = inputs[0] if len(inputs) == 1 else None
    for entry in spec["layers"]:
        entry = dict(entry)
        source = entry.pop("from", None)
        args = previous if source is None else pick_all(tensors, source)
        if "use" in entry:
            layer = layers[entry["use"]]
            label = entry.get("name")
        else:
            kind = entry.pop("type")
            kwargs = {snake(k): v for k, v in entry.items()}
            layer = getattr(keras.layers, kind)(**kwargs)
            layers[layer.name] = layer
            label = layer.name
        # MultiHeadAttention takes query, value and key as separate arguments.
        output = layer(*args) if kind_of(layer) == "MultiHeadAttention" else layer(args)
        if label is not None:
            tensors[label] = output
        previous = output
    outs = spec.get("outputs")
    outputs = previous if outs is None else pick_all(tensors, outs)
    return keras.Model(inputs if len(inputs) > 1 else inputs[0], outputs)


def pick_all(tensors, refs):
    """A name or a list of names: the tensor, or the list of tensors."""
    picked = [pick(tensors, ref) for ref in (refs if isinstance(refs, list) else [refs])]
    return picked[0] if len(picked) == 1 else picked


def kind_of(layer):
    return layer.__class__.__name__


def pick(tensors, ref):
    match = re.fullmatch(r"(.*)\[(\d+)\]", ref)
    if match:
        return tensors[match.group(1)][int(match.group(2))]
    return tensors[ref]


def count(weights):
    seen, total = set(), 0
    for w in weights:
        if id(w) in seen:
            continue
        seen.add(id(w))
        size = 1
        for d in w.shape:
            size *= d
        total += size
    return total


def shape_of(outputs):
    if isinstance(outputs, (list, tuple)):
        shapes = [list(o.shape) for o in outputs]
        return shapes[0] if len(shapes) == 1 else shapes
    return list(outputs.shape)


def describe(model):
    relevant = [node for nodes in model._nodes_by_depth.values() for node in nodes]
    rows = []
    for layer in model.layers:
        nodes = [n for n in layer._inbound_nodes if any(n is r for r in relevant)]
        connections = []
        for node in nodes:
            for kt in node.input_tensors:
                history = kt._keras_history
                connections.append([history.operation.name, history.node_index, history.tensor_index])
        rows.append({
            "name": layer.name,
            "type": layer.__class__.__name__,
            "outputShape": shape_of(nodes[-1].output_tensors) if nodes else None,
            "params": layer.count_params(),
            "trainable": count(layer.trainable_weights),
            "nonTrainable": count(layer.non_trainable_weights),
            "connections": connections,
        })
    return {
        "keras": keras.__version__,
        "layers": rows,
        "totals": {
            "params": count(model.weights),
            "trainable": count(model.trainable_weights),
            "nonTrainable": count(model.non_trainable_weights),
        },
    }


def main(paths):
    out_dir = os.path.join(os.path.dirname(__file__), "..", "test", "golden", "keras")
    for path in paths:
        with open(path) as f:
            spec = yaml.safe_load(f)
        result = describe(build(spec))
        name = os.path.splitext(os.path.basename(path))[0]
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
        print(name, result["totals"])


if __name__ == "__main__":
    main(sys.argv[1:])
