"""Keras 3's own printed summaries of small models, as oracles for the table's rows.

For each model: NAME.json (model.to_json(), which merge-summary reads) and
NAME.CASE.txt (what model.summary(...) prints for that case). The tests read
the rows of these texts (names with their nested prefix, types, shapes,
counts, "Connected to", "Trainable") and compare them with merge-summary's.

    KERAS_BACKEND=jax /work/venv/bin/python tools/keras-printed.py test/golden/keras-printed
"""
import io
import os
import sys

# rich draws on a console as wide as COLUMNS (80 when it is unset and the output is not a terminal).
os.environ["COLUMNS"] = "200"
from contextlib import redirect_stdout

import keras
from keras import layers


def nested_frozen():
    """A frozen Sequential holding a Sequential, inside a Functional with a merge."""
    inner = keras.Sequential(
        [keras.Input((8,)), layers.Dense(4, name="inner_dense"), layers.BatchNormalization(name="inner_bn")],
        name="inner",
    )
    block = keras.Sequential([inner, layers.Dense(3, name="deep")], name="outer_block")
    block.trainable = False
    x = keras.Input((8,), name="x")
    y = block(x)
    z = layers.Dense(2, name="head")(y)
    w = layers.Add(name="add")([z, z])
    out = layers.Normalization(name="norm")
    return keras.Model(x, out(w), name="nested_frozen")


CASES = {
    "expand_nested.show_trainable": dict(expand_nested=True, show_trainable=True),
    "layer_range": dict(layer_range=["outer", "head"]),
    "plain": dict(),
}


def main(folder):
    os.makedirs(folder, exist_ok=True)
    model = nested_frozen()
    model.get_layer("norm").adapt(keras.ops.ones((4, 2)))
    with open(os.path.join(folder, "nested-frozen.json"), "w") as f:
        f.write(model.to_json())
    for case, options in CASES.items():
        text = io.StringIO()
        with redirect_stdout(text):
            # Wide enough that rich cuts nothing: the rows are the oracle, not Keras's widths.
            model.summary(line_length=150, **options)
        with open(os.path.join(folder, f"nested-frozen.{case}.txt"), "w") as f:
            f.write(text.getvalue())


if __name__ == "__main__":
    main(sys.argv[1])
