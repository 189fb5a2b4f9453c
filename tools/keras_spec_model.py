"""Shared by tools/keras-conformance.py and tools/keras-applications.py.

Builds a Keras 3 functional model from a merge-summary spec document (the
format of ../shared/model-spec.md, as a Python dict) and describes a model the
way Keras's own `model.summary()` does (keras/src/utils/summary_utils.py):
one row per entry of `model._operations`, in that order, with the printed
class name, the output shape of the layer's last call, `count_params()`, and
the per-row trainable / non-trainable split; totals as the summary's footer
computes them.

Spec conventions beyond ../shared/model-spec.md, used by the conformance suite:
- a constructor argument named `layer`, `backward_layer` or `cell` whose value
  is a mapping with `type` is an inner layer, built the same way (a list of
  mappings for `cell`, `cells` and Pipeline's `layers`);
- `from: [a, b]` passes a list to the layer (merges, Attention,
  AdditiveAttention, HashedCrossing), except for MultiHeadAttention and
  GroupQueryAttention, which Keras calls with positional tensors
  `layer(query, value)` / `layer(query, value, key)`.
"""
import json
import math
import re

import keras
from keras.src import tree
from keras.src.saving import serialization_lib

# Layers whose Keras call takes several positional tensors (query, value, key).
POSITIONAL_CALL = {"MultiHeadAttention", "GroupedQueryAttention", "GroupQueryAttention"}
# Constructor arguments that hold inner layers, written as nested mappings.
NESTED_LAYER_ARGS = {"layer", "backward_layer", "cell", "cells", "layers"}


class BuildError(Exception):
    """Keras refused the model: at which stage, at which spec entry, and why."""

    def __init__(self, stage, index, cause, layer=None):
        super().__init__(f"{stage}: {cause}")
        self.stage = stage
        self.index = index
        self.cause = cause
        self.layer = layer


def snake(key):
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", key).lower()


def error_text(error):
    """Keras's message, without what changes from run to run (object addresses)."""
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # Keras's bold and colour codes
    message = re.sub(r" at 0x[0-9a-f]+", " at 0x...", message)
    # Keras's call errors end with a listing of the call's arguments: not the reason.
    message = message.split("\n\nArguments received by ", 1)[0]
    return f"{type(error).__name__}: {message}".strip()


def is_layer_mapping(value):
    return isinstance(value, dict) and "type" in value


def layer_kwargs(entry):
    """The constructor arguments of a spec entry, inner layers built."""
    kwargs = {}
    for key, value in entry.items():
        if key in ("type", "from", "use"):
            continue
        key = snake(key)
        if key in NESTED_LAYER_ARGS and is_layer_mapping(value):
            value = make_layer(value)
        elif key in NESTED_LAYER_ARGS and isinstance(value, list) and value and all(is_layer_mapping(v) for v in value):
            value = [make_layer(v) for v in value]
        kwargs[key] = value
    return kwargs


def make_layer(entry):
    return getattr(keras.layers, entry["type"])(**layer_kwargs(entry))


class Built:
    """What building a spec produced, as far as it went."""

    def __init__(self):
        self.inputs = []
        self.tensors = {}  # spec reference -> tensor (or list of tensors)
        self.layers = []  # (spec index, layer) for every layer constructed
        self.model = None


def build(spec):
    """spec -> keras.Model, or BuildError with the stage Keras refused it at.

    Raises BuildError whose `built` attribute holds what was made before the
    refusal (the synthesised JSON of a rejected case needs it).
    """
    keras.backend.clear_session()
    # Random layers draw a seed for their config when given none: the same one every run.
    keras.utils.set_random_seed(0)
    built = Built()
    for entry in spec["inputs"]:
        kwargs = {"shape": tuple(entry["shape"])}
        for key in ("name", "dtype", "batch_size"):
            if key in entry:
                kwargs[key] = entry[key]
        tensor = keras.Input(**kwargs)
        built.tensors[tensor._keras_history.operation.name] = tensor
        built.inputs.append(tensor)
    previous = built.inputs[0] if len(built.inputs) == 1 else None
    shared = {}
    for index, entry in enumerate(spec["layers"]):
        source = entry.get("from")
        args = previous if source is None else pick_all(built.tensors, source)
        if "use" in entry:
            layer = shared[entry["use"]]
        else:
            try:
                layer = make_layer(entry)
            except Exception as error:  # Keras's constructor refused the arguments
                raise_with(BuildError("construct", index, error), built)
            shared[layer.name] = layer
            built.layers.append((index, layer))
        try:
            if layer.__class__.__name__ in POSITIONAL_CALL and isinstance(args, list):
                output = layer(*args)
            else:
                output = layer(args)
        except Exception as error:
            raise_with(BuildError("call", index, error, layer), built)
        built.tensors[entry.get("name", layer.name)] = output
        previous = output
    outs = spec.get("outputs")
    outputs = previous if outs is None else pick_all(built.tensors, outs)
    try:
        named = {"name": spec["name"]} if "name" in spec else {}
        built.model = keras.Model(built.inputs if len(built.inputs) > 1 else built.inputs[0], outputs, **named)
    except Exception as error:
        raise_with(BuildError("call", len(spec["layers"]) - 1, error), built)
    return built


def raise_with(error, built):
    error.built = built
    raise error


def pick_all(tensors, refs):
    """A reference or a list of them: the tensor, or the list of tensors."""
    if isinstance(refs, list):
        return [pick(tensors, ref) for ref in refs]
    return pick(tensors, refs)


def pick(tensors, ref):
    match = re.fullmatch(r"(.*)\[(\d+)\]", ref)
    if match:
        return tensors[match.group(1)][int(match.group(2))]
    return tensors[ref]


def count_params(weights):
    """summary_utils.count_params: the sum over the list as given."""
    return int(sum(math.prod(w.shape) for w in weights))


def memory_bytes(weights):
    """summary_utils.weight_memory_size: bits of each distinct weight at its dtype, over 8."""
    from keras.src.utils import dtype_utils

    unique = {id(w): w for w in weights}.values()
    bits = sum(math.prod(w.shape) * dtype_utils.dtype_size(keras.backend.standardize_dtype(w.dtype)) for w in unique)
    return bits / 8


def plain_shape(shape):
    return [None if d is None else int(d) for d in shape]


def output_shape(operation):
    """The summary's output shape: the last inbound node's outputs; a list (or mapping) when several."""
    nodes = operation._inbound_nodes
    if not nodes:
        return None
    outputs = nodes[-1].output_tensors
    flat = tree.flatten(outputs)
    if len(flat) == 1:
        return plain_shape(flat[0].shape)
    return tree.map_structure(lambda t: plain_shape(t.shape), outputs) if isinstance(outputs, dict) else [
        output_structure(o) for o in outputs
    ]


def output_structure(outputs):
    if isinstance(outputs, (list, tuple)):
        return [output_structure(o) for o in outputs]
    if isinstance(outputs, dict):
        return {k: output_structure(v) for k, v in outputs.items()}
    return plain_shape(outputs.shape)


def sequential_like(model):
    """summary_utils.print_summary's test: Keras leaves out "Connected to" for a plain chain."""
    if isinstance(model, keras.Sequential) or not isinstance(model, keras.src.models.Functional):
        return True
    nodes = []
    for v in model._nodes_by_depth.values():
        if len(v) > 1 or (len(v) == 1 and len(tree.flatten(v[0].input_tensors)) > 1):
            return False
        nodes += v
    for layer in model.layers:
        seen = False
        for node in layer._inbound_nodes:
            if node in nodes:
                if seen:
                    return False
                seen = True
    return True


def connected_to(operation, relevant_nodes):
    """The "Connected to" cell as Keras prints it, without colour markup."""
    parts = []
    for node in operation._inbound_nodes:
        if relevant_nodes and node not in relevant_nodes:
            continue
        for kt in node.input_tensors:
            history = kt._keras_history
            parts.append(f"{history.operation.name}[{history.node_index}][{history.tensor_index}]")
    return ", ".join(parts) if parts else "-"


def describe(model, connections=False):
    """Keras's summary of a model as data: rows in the summary's order, and its totals."""
    if isinstance(model, keras.Sequential):
        operations = model.layers
        relevant = []
    else:
        operations = model._operations
        relevant = [node for nodes in model._nodes_by_depth.values() for node in nodes]
    rows = []
    for op in operations:
        has_weights = hasattr(op, "weights")
        row = {
            "name": op.name,
            "type": op.__class__.__name__,
            "outputShape": output_shape(op),
        }
        if not hasattr(op, "built"):
            row["params"] = 0
        elif not op.built:
            row["params"] = 0
            row["unbuilt"] = True
        else:
            row["params"] = op.count_params()
        row["trainable"] = count_params(op.trainable_weights) if has_weights else 0
        row["nonTrainable"] = count_params(op.non_trainable_weights) if has_weights else 0
        if connections:
            row["connectedTo"] = connected_to(op, relevant)
        rows.append(row)
    trainable_weights = getattr(model, "_collected_trainable_weights", None)
    if trainable_weights is None:
        trainable_weights = model.trainable_weights
    trainable = count_params(trainable_weights)
    non_trainable = count_params(model.non_trainable_weights)
    totals = {"params": trainable + non_trainable, "trainable": trainable, "nonTrainable": non_trainable}
    memory = {
        "trainable": memory_bytes(trainable_weights),
        "nonTrainable": memory_bytes(model.non_trainable_weights),
    }
    memory["total"] = memory["trainable"] + memory["nonTrainable"]
    return rows, totals, memory


def model_json(model):
    return json.loads(model.to_json())


def serialized(layer):
    return serialization_lib.serialize_keras_object(layer)


def printed_summary(model, **options):
    """model.summary() as the plain text Keras prints (no colour)."""
    import os

    lines = []
    # rich sizes its console from COLUMNS (80 when not a terminal) and crops the table to it.
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(max(options.get("line_length") or 0, 200) + 10)
    try:
        model.summary(print_fn=lambda text, line_break=True: lines.append(text), **options)
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    return "\n".join(lines)


def printed_shape(shape):
    """summary_utils.format_layer_shape of a recorded shape."""
    if shape is None:
        return "?"
    if shape and all(isinstance(s, list) for s in shape):
        return "[" + ", ".join(printed_shape(s) for s in shape) + "]"
    return "(" + ", ".join(str(d) for d in shape) + ")"


def check_against_printed(model, rows, totals):
    """Fails unless every row and total equals what model.summary() prints."""
    text = printed_summary(model, line_length=4000)
    table_rows = []
    for line in text.splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            if cells[0]:
                table_rows.append(cells)
    if len(table_rows) != len(rows):
        raise AssertionError(f"{len(table_rows)} printed rows, {len(rows)} recorded")
    for cells, row in zip(table_rows, rows):
        params = f"{row['params']:,}" + (" (unbuilt)" if row.get("unbuilt") else "")
        expected = [f"{row['name']} ({row['type']})", printed_shape(row["outputShape"]), params]
        if "connectedTo" in row and len(cells) > 3:
            expected.append(row["connectedTo"])
        if cells[: len(expected)] != expected:
            raise AssertionError(f"printed {cells}, recorded {expected}")
    for label, key in (("Total params", "params"), ("Trainable params", "trainable"), ("Non-trainable params", "nonTrainable")):
        if f" {label}: {totals[key]:,} (" not in text:
            raise AssertionError(f"{label}: {totals[key]:,} not in the printed summary")
