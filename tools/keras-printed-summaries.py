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
