"""Keras 3.15.1's printed model.summary() for a few small models: test/conformance/printed/.

    KERAS_BACKEND=jax python tools/keras-printed-summaries.py

Oracles for the printed format, each as <name>.txt (exactly what
model.summary(print_fn=...) prints, without colour, at a fixed line_length)
and <name>.json: {"keras", "options" (the summary() arguments), "spec" (the
merge-summary spec of the model, or null when the spec format cannot say it:
a Sequential, a nested model, keras.ops calls), "kerasJson" (model.to_json())}.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Some of Keras's messages list a set of names, whose order follows str hashing: fix it, for the same bytes every run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.execve(sys.executable, [sys.executable, *sys.argv], dict(os.environ, PYTHONHASHSEED="0"))

import keras  # noqa: E402

from keras_spec_model import build, printed_summary  # noqa: E402

KERAS_VERSION = "3.15.1"
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "conformance", "printed")
LINE_LENGTH = 120


def sequential():
    """A Keras 3 Sequential: no input row; a plain chain, so no "Connected to"."""
    return keras.Sequential(
        [keras.Input((8,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)],
        name="sequential_model",
    ), None


def several_outputs():
    """A layer with several outputs: its shape cell is a list."""
    spec = {
        "name": "several_outputs",
        "inputs": [{"shape": [10, 16]}],
        "layers": [
            {"type": "LSTM", "units": 64, "return_sequences": True, "return_state": True},
            {"type": "Dense", "units": 3, "from": "lstm[1]"},
        ],
        "outputs": ["lstm[0]", "dense"],
    }
    return build(spec).model, spec


def nested_twice():
    """A model used as a layer on two inputs: connected as encoder[0][0] and encoder[1][0]."""
    inner_input = keras.Input((8,), name="features")
    inner = keras.layers.Dense(4, activation="relu", name="encode")(inner_input)
    inner = keras.layers.BatchNormalization(name="encode_bn")(inner)
    encoder = keras.Model(inner_input, inner, name="encoder")
    left = keras.Input((8,), name="left")
    right = keras.Input((8,), name="right")
    joined = keras.layers.Concatenate(name="joined")([encoder(left), encoder(right)])
    output = keras.layers.Dense(1, name="score")(joined)
    return keras.Model([left, right], output, name="siamese"), None


def trainable_mix():
    """show_trainable: Y for trainable weights, N for a frozen layer, - for a layer without weights."""
    spec = {
        "name": "trainable_mix",
        "inputs": [{"shape": [8, 8, 3]}],
        "layers": [
            {"type": "Conv2D", "filters": 4, "kernel_size": 3},
            {"type": "BatchNormalization", "trainable": False},
            {"type": "Flatten"},
            {"type": "Dropout", "rate": 0.5},
            {"type": "Dense", "units": 2},
        ],
    }
    return build(spec).model, spec


def branches():
    """Two branches merged: the functional table with "Connected to", for layer_range."""
    spec = {
        "name": "branches",
        "inputs": [{"shape": [16, 16, 3]}],
        "layers": [
            {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same"},
            {"type": "Conv2D", "filters": 8, "kernel_size": 1, "from": "input_layer"},
            {"type": "Add", "from": ["conv2d", "conv2d_1"]},
            {"type": "GlobalAveragePooling2D"},
            {"type": "Dense", "units": 10},
        ],
    }
    return build(spec).model, spec


def hard_sigmoid_ops():
    """keras.ops calls in a functional model (as MobileNetV3's hard_sigmoid): rows of their own."""
    x = keras.Input((8, 8, 3))
    y = keras.layers.Conv2D(4, 3, padding="same")(x)
    gate = keras.layers.ReLU(6.0)(keras.ops.add(y, 3.0))
    gate = keras.ops.multiply(gate, 1.0 / 6.0)
    y = keras.layers.Multiply()([y, gate])
    return keras.Model(x, y, name="hard_sigmoid_ops"), None


def mask_spec(name, layers, outputs=None):
    """A model on (5,) int32 token ids whose Embedding (mask_zero) gives its output a mask."""
    spec = {"name": name, "inputs": [{"shape": [5], "dtype": "int32"}], "layers": layers}
    if outputs is not None:
        spec["outputs"] = outputs
    return build(spec).model, spec


def embedding_mask():
    """The mask passes a Dropout (which supports masking) and reaches the LSTM: a not_equal row, and the LSTM connected to it."""
    return mask_spec("embedding_mask", [
        {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True},
        {"type": "Dropout", "rate": 0.1},
        {"type": "LSTM", "units": 3},
    ])


def masks_merged():
    """Two masked inputs of an Add: their masks are ORed by a logical_or op, which the LSTM after it takes."""
    return mask_spec("masks_merged", [
        {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True},
        {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True, "from": "input_layer"},
        {"type": "Add", "from": ["embedding", "embedding_1"]},
        {"type": "LSTM", "units": 3},
    ])


def mask_unused():
    """A mask no layer takes is no row, but its op took its name: the mask the LSTM takes is not_equal_1."""
    return mask_spec("mask_unused", [
        {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True},
        {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True, "from": "input_layer"},
        {"type": "LSTM", "units": 3},
    ], outputs=["embedding", "lstm"])


def mask_sequences():
    """An LSTM with return_sequences (and states) passes the mask on to its sequence output, which the next LSTM takes."""
    return mask_spec("mask_sequences", [
        {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True},
        {"type": "LSTM", "units": 3, "return_sequences": True, "return_state": True},
        {"type": "LSTM", "units": 2, "from": "lstm[0]"},
    ])


def mask_attention():
    """Attention takes no mask edge (its input is a list), and makes its output's mask with a convert_to_tensor op."""
    return mask_spec("mask_attention", [
        {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True},
        {"type": "Attention", "from": ["embedding", "embedding"]},
        {"type": "LSTM", "units": 3},
    ])


def mask_multi_head_attention():
    """MultiHeadAttention passes the query's mask on without an edge of its own."""
    return mask_spec("mask_multi_head_attention", [
        {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True},
        {"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 4, "from": ["embedding", "embedding"]},
        {"type": "LSTM", "units": 3},
    ])


def masking():
    """Masking's mask is any(not_equal(inputs, mask_value), axis=-1): two op rows around it."""
    spec = {
        "name": "masking",
        "inputs": [{"shape": [5, 3]}],
        "layers": [{"type": "Masking", "mask_value": -1.0}, {"type": "SimpleRNN", "units": 4}],
    }
    return build(spec).model, spec


def initial_state_keyword():
    """An LSTM given its initial states by keyword: they are its inputs after the sequence; and, the call having a
    keyword argument, Keras records no mask for it though its input carries one (no not_equal row)."""
    tokens = keras.Input((5,), dtype="int32", name="tokens")
    h = keras.Input((4,), name="h")
    c = keras.Input((4,), name="c")
    embedded = keras.layers.Embedding(10, 3, mask_zero=True)(tokens)
    out = keras.layers.LSTM(4)(embedded, initial_state=[h, c])
    return keras.Model([tokens, h, c], out, name="initial_state_keyword"), None


def nested_mask():
    """A nested model whose LSTM takes an Embedding's mask: expanded, it shows its layers (Functional.layers), not its
    not_equal op, which only the model's own rows (model._operations) would list."""
    ids = keras.Input((5,), dtype="int32", name="ids")
    embedded = keras.layers.Embedding(10, 3, mask_zero=True)(ids)
    pooled = keras.layers.GlobalAveragePooling1D()(keras.layers.LSTM(4, return_sequences=True)(embedded))
    encoder = keras.Model(ids, pooled, name="encoder")
    a = keras.Input((5,), dtype="int32", name="a")
    b = keras.Input((5,), dtype="int32", name="b")
    out = keras.layers.Dense(1, name="score")(keras.layers.Concatenate(name="joined")([encoder(a), encoder(b)]))
    return keras.Model([a, b], out, name="nested_mask"), None


def ops_zoo():
    """keras.ops calls of each kind merge-summary has a rule for, with constants among their arguments."""
    x = keras.Input((4, 6), name="x")
    y = keras.ops.reshape(x, (-1, 8, 3))
    y = keras.ops.transpose(y, (0, 2, 1))
    y = keras.ops.expand_dims(y, axis=1)
    y = keras.ops.squeeze(y, axis=1)
    y = keras.ops.concatenate([y, keras.ops.multiply(y, 2.0)], axis=-1)
    z = keras.ops.stack([y, keras.ops.negative(y)], axis=1)
    m = keras.ops.mean(z, axis=[1, 2])
    g = keras.ops.cast(keras.ops.greater(m, 0.5), "float32")
    w = keras.ops.where(keras.ops.any(keras.ops.equal(z, 0.0), axis=1), 1.0, keras.ops.sqrt(keras.ops.abs(z[:, 0])))
    out = keras.layers.Dense(2, name="head")(keras.layers.Concatenate(name="joined")([g, keras.ops.sum(w, axis=1)]))
    return keras.Model(x, out, name="ops_zoo"), None


def ops_products():
    """keras.ops.matmul and keras.ops.einsum: batched, with a 1-D operand, implicit and ellipsis subscripts, then a layer."""
    x = keras.Input((5, 4), name="x")
    y = keras.Input((4, 3), name="y")
    v = keras.Input((4,), name="v")
    m = keras.ops.matmul(x, y)
    mv = keras.ops.matmul(x, v)
    e = keras.ops.einsum("bij,bjk->bik", x, y)
    implicit = keras.ops.einsum("...ij,...jk", x, y)
    outer = keras.ops.einsum("bi,bj->bij", v, v)
    traced = keras.ops.einsum("bii->b", keras.ops.matmul(x, keras.ops.transpose(x, (0, 2, 1))))
    joined = keras.layers.Concatenate(name="joined")([keras.layers.Flatten()(t) for t in (m, mv, e, implicit, outer)] + [keras.ops.expand_dims(traced, -1)])
    return keras.Model([x, y, v], keras.layers.Dense(2, name="head")(joined), name="ops_products"), None


EXAMPLES = [
    ("sequential", sequential, {}),
    ("several-outputs", several_outputs, {}),
    ("nested-twice", nested_twice, {}),
    ("nested-twice-expand-nested", nested_twice, {"expand_nested": True}),
    ("trainable-mix-show-trainable", trainable_mix, {"show_trainable": True}),
    ("branches", branches, {}),
    ("branches-layer-range", branches, {"layer_range": ["conv2d_1", "global_average_pooling2d"]}),
    ("hard-sigmoid-ops", hard_sigmoid_ops, {}),
    ("hard-sigmoid-ops-show-trainable", hard_sigmoid_ops, {"show_trainable": True}),
    ("embedding-mask", embedding_mask, {}),
    ("masks-merged", masks_merged, {}),
    ("mask-unused", mask_unused, {}),
    ("mask-sequences", mask_sequences, {}),
    ("mask-attention", mask_attention, {}),
    ("mask-multi-head-attention", mask_multi_head_attention, {}),
    ("masking", masking, {}),
    ("ops-zoo", ops_zoo, {}),
    ("ops-products", ops_products, {}),
    ("initial-state-keyword", initial_state_keyword, {}),
    ("nested-mask-expand-nested", nested_mask, {"expand_nested": True}),
]


def main():
    if keras.__version__ != KERAS_VERSION:
        raise SystemExit(f"Keras {KERAS_VERSION} is the reference; this is {keras.__version__}")
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, make, options in EXAMPLES:
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model, spec = make()
        options = dict(options, line_length=LINE_LENGTH)
        text = printed_summary(model, **options)
        with open(os.path.join(OUT_DIR, f"{name}.txt"), "w", encoding="utf-8") as f:
            f.write(text if text.endswith("\n") else text + "\n")
        record = {"keras": KERAS_VERSION, "options": options, "spec": spec, "kerasJson": json.loads(model.to_json())}
        with open(os.path.join(OUT_DIR, f"{name}.json"), "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(name)


if __name__ == "__main__":
    main()
