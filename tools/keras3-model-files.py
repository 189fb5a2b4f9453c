"""Writes the Keras 3 model files of fixtures/files/ with Keras 3 itself, and
records each model's totals as Keras counts them in fixtures/files/totals.json.

test/model-files.test.ts summarises every file to those totals; neither the
tests nor the tool need Python. Run again only to change the fixtures:

    KERAS_BACKEND=tensorflow /work/venv-tf/bin/python tools/keras3-model-files.py

(any Python with keras 3 and tensorflow: StringLookup needs TensorFlow).

One file is a format no tool here writes: the TF.js converter's model.json
of a Keras 3 model (the Python tensorflowjs package is not in this machine's
package store). It is made from this script's own Keras 3 to_json() output,
wrapped as converter 4.22 wraps it; see fixtures/files/README.md.
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
from keras import layers  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "files")


def count(weights):
    total = 0
    for w in weights:
        size = 1
        for d in w.shape:
            size *= d
        total += size
    return total


def totals(model, how):
    return {
        "params": count(model.weights),
        "trainable": count(model.trainable_weights),
        "nonTrainable": count(model.non_trainable_weights),
        "source": "Keras %s (model.weights, trainable_weights, non_trainable_weights)" % keras.__version__,
        "how": how,
    }


def functional():
    """Two branches joined by Concatenate, a residual Add, BatchNormalization: Keras 3's
    __keras_tensor__ call arguments, DTypePolicy objects, batch_shape, module and registered_name."""
    keras.backend.clear_session()
    image = keras.Input(shape=(16, 16, 3), name="image")
    a = layers.Conv2D(8, 3, padding="same", name="branch_a")(image)
    b = layers.Conv2D(8, 1, padding="same", name="branch_b")(image)
    joined = layers.Concatenate(name="joined")([a, b])
    x = layers.BatchNormalization(name="bn")(joined)
    x = layers.ReLU(name="relu")(x)
    y = layers.Conv2D(16, 3, padding="same", name="residual")(x)
    x = layers.Add(name="add")([x, y])
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    out = layers.Dense(4, activation="softmax", name="classes")(x)
    return keras.Model(image, out, name="two_branch")


def nested_frozen():
    """A shared nested Functional encoder applied to two inputs (called twice, Keras 3 numbers
    the calls from 0), holding a frozen nested Sequential base; a Subtract of the two codes."""
    keras.backend.clear_session()
    base = keras.Sequential([keras.Input(shape=(12,)), layers.Dense(16, activation="relu", name="base_dense"), layers.BatchNormalization(name="base_bn")], name="base")
    base.trainable = False
    x_in = keras.Input(shape=(12,), name="features")
    code = layers.Dense(6, name="code")(base(x_in))
    encoder = keras.Model(x_in, code, name="encoder")
    left = keras.Input(shape=(12,), name="left")
    right = keras.Input(shape=(12,), name="right")
    diff = layers.Subtract(name="difference")([encoder(left), encoder(right)])
    out = layers.Dense(1, activation="sigmoid", name="same")(diff)
    return keras.Model([left, right], out, name="siamese")


def nested_residual():
    """A residual block as a nested Functional (an Add of its input and a Dense of it), then a
    Dense head: swapping the inner Add for a Concatenate doubles the block's output and grows
    the head outside it, the path of a nested merge's counterfactual."""
    keras.backend.clear_session()
    block_in = keras.Input(shape=(8,), name="block_in")
    inner = layers.Dense(8, activation="relu", name="inner_dense")(block_in)
    block = keras.Model(block_in, layers.Add(name="inner_add")([block_in, inner]), name="block")
    x = keras.Input(shape=(8,), name="x")
    out = layers.Dense(4, name="head")(block(x))
    return keras.Model(x, out, name="nested_residual")


def nested_two_deep():
    """An Add two models deep (outer -> mid -> inner) whose change stops inside the innermost
    model (at its Dense "stop"): swapped for a Concatenate, it changes the parameters of inner and
    of mid around it, while no output shape outside inner changes."""
    keras.backend.clear_session()
    inner_in = keras.Input(shape=(4,), name="inner_in")
    a = layers.Dense(4, name="d1")(inner_in)
    b = layers.Dense(4, name="d2")(inner_in)
    merged = layers.Add(name="inner_add")([a, b])
    inner = keras.Model(inner_in, layers.Dense(3, name="stop")(merged), name="inner")
    mid_in = keras.Input(shape=(4,), name="mid_in")
    mid = keras.Model(mid_in, layers.Dense(2, name="mid_dense")(inner(mid_in)), name="mid")
    x = keras.Input(shape=(4,), name="x")
    return keras.Model(x, layers.Dense(1, name="head")(mid(x)), name="nested_two_deep")


def string_towers():
    """Two string inputs, each through a nested Sequential of StringLookup (vocabulary inline)
    and Embedding, joined by Dot: the two-tower recommender's layout."""
    keras.backend.clear_session()

    def tower(name, vocabulary):
        return keras.Sequential([
            keras.Input(shape=(), dtype="string"),
            layers.StringLookup(vocabulary=vocabulary, name=name + "_lookup"),
            layers.Embedding(len(vocabulary) + 1, 8, name=name + "_embedding"),
        ], name=name)

    user = keras.Input(shape=(), dtype="string", name="user_id")
    item = keras.Input(shape=(), dtype="string", name="item_title")
    users = tower("user_tower", ["ana", "ben", "chloe", "dev"])
    items = tower("item_tower", ["lamp", "desk", "chair", "shelf", "rug", "sofa"])
    score = layers.Dot(axes=-1, name="score")([users(user), items(item)])
    return keras.Model([user, item], score, name="two_tower")


def tfjs_converter_json(model):
    """model.json as TF.js converter 4.22 writes a Keras 3 model: the Keras 3 to_json() under
    modelTopology.model_config, and a weights manifest of every weight's name and shape."""
    return {
        "format": "layers-model",
        "generatedBy": "keras v" + keras.__version__,
        "convertedBy": "TensorFlow.js Converter v4.22.0",
        "modelTopology": {
            "keras_version": keras.__version__,
            "backend": keras.backend.backend(),
            "model_config": json.loads(model.to_json()),
        },
        "weightsManifest": [{
            "paths": ["group1-shard1of1.bin"],
            "weights": [{"name": w.path, "shape": list(w.shape), "dtype": "float32"} for w in model.weights],
        }],
    }


def write(name, text):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(text)
    print("wrote fixtures/files/" + name)


def main():
    path = os.path.join(OUT, "totals.json")
    with open(path) as f:
        recorded = json.load(f)

    model = functional()
    write("keras3-functional.json", model.to_json() + "\n")
    recorded["keras3-functional.json"] = totals(model, "Keras 3 model.to_json().")

    os.makedirs(os.path.join(OUT, "tfjs-keras3-converter"), exist_ok=True)
    write("tfjs-keras3-converter/model.json", json.dumps(tfjs_converter_json(model)) + "\n")
    recorded["tfjs-keras3-converter/model.json"] = totals(model, "Derived: the Keras 3 to_json() of keras3-functional.json under modelTopology.model_config with keras_version and backend, format \"layers-model\", generatedBy and convertedBy as converter 4.22 writes them, and a weightsManifest listing each of model.weights by its path and shape.")

    model = nested_frozen()
    write("keras3-nested-frozen.json", model.to_json() + "\n")
    recorded["keras3-nested-frozen.json"] = totals(model, "Keras 3 model.to_json().")

    model = nested_residual()
    write("keras3-nested-residual.json", model.to_json() + "\n")
    recorded["keras3-nested-residual.json"] = totals(model, "Keras 3 model.to_json().")

    model = nested_two_deep()
    write("keras3-nested-two-deep.json", model.to_json() + "\n")
    recorded["keras3-nested-two-deep.json"] = totals(model, "Keras 3 model.to_json().")

    model = string_towers()
    # json.dump of the to_json() string: the file holds a JSON string whose content is the model.
    write("keras3-string-towers-double-encoded.json", json.dumps(model.to_json()) + "\n")
    recorded["keras3-string-towers-double-encoded.json"] = totals(model, "json.dump(model.to_json()): a JSON string holding the Keras 3 model JSON.")

    with open(path, "w") as f:
        json.dump(dict(sorted(recorded.items())), f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
