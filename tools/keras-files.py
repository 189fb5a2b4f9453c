"""Writes small Keras model files, in every format Keras 3 saves, for the tests.

The test suite reads these files and checks that each gives the same summary
as its to_json() twin, which Keras wrote from the very same model; neither the
suite nor the tool needs Python. Regenerate by hand (the files are committed):

    KERAS_BACKEND=jax /work/venv/bin/python tools/keras-files.py

Writes into test/golden/keras-files/:
- <model>.h5           model.save("x.h5"): the legacy HDF5 format (model_config
                       attribute, weights under model_weights/)
- <model>.json         model.to_json() of the same model: the twin
- <model>.weights.h5   model.save_weights(): the Keras 3 weights-only file
                       (weights under layers/)
- <model>.keras        model.save("x.keras"): a Keras 3 archive
- merges-tampered.weights.h5, merges-tampered.h5, merges-tampered.keras: one
                       dataset ("dense"'s kernel) given another shape with
                       h5py, as a file that no longer fits the model would
                       have it (in the archive, in its model.weights.h5, which
                       is zipped again uncompressed, as Keras stores it)
- merges-userblock.h5  merges.h5 behind a 512-byte HDF5 user block
- totals.json          what Keras reports for each model (count_params and the
                       trainable split), for the tests to assert
and bench/specs/vgg16.keras.json, Keras's to_json() of VGG16, from which the
bench writes its large .h5 file.

The models are kept tiny (a few KB each) and cover merges (Add,
Concatenate), nested models (a Sequential and a shared Functional inside a
Functional), frozen layers, BatchNormalization and recurrent layers
(Bidirectional LSTM, GRU with reset_after false, which TensorFlow.js
supports).
"""
import json
import os
import shutil
import tempfile
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")

import h5py  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "golden", "keras-files")


def merges_model():
    """Two convolution branches joined by an Add, then a Concatenate with a third."""
    keras.backend.clear_session()
    image = keras.Input(shape=(8, 8, 3), name="image")
    stem = layers.Conv2D(4, 3, padding="same", name="stem")(image)
    stem = layers.BatchNormalization(name="stem_bn")(stem)
    stem = layers.ReLU(name="stem_relu")(stem)
    left = layers.Conv2D(4, 3, padding="same", name="left")(stem)
    right = layers.Conv2D(4, 1, name="right")(stem)
    added = layers.Add(name="add")([left, right])
    side = layers.Conv2D(2, 1, name="side")(stem)
    joined = layers.Concatenate(name="concatenate")([added, side])
    pooled = layers.GlobalAveragePooling2D(name="pool")(joined)
    out = layers.Dense(3, activation="softmax", name="dense")(pooled)
    return keras.Model(image, out, name="merges")


def nested_model():
    """A Sequential inside a Functional, and a Functional encoder shared by two inputs."""
    keras.backend.clear_session()
    inner = keras.Sequential(
        [keras.Input(shape=(6,)), layers.Dense(5, name="inner_dense"), layers.BatchNormalization(name="inner_bn")],
        name="inner",
    )
    code = keras.Input(shape=(4,), name="code")
    encoded = layers.Dense(6, activation="relu", name="encode")(code)
    encoder = keras.Model(code, encoded, name="encoder")
    left = keras.Input(shape=(4,), name="left")
    right = keras.Input(shape=(4,), name="right")
    a = inner(encoder(left))
    b = inner(encoder(right))
    joined = layers.Concatenate(name="join")([a, b])
    out = layers.Dense(2, name="head")(joined)
    return keras.Model([left, right], out, name="nested")


def frozen_model():
    """A Sequential whose first Dense and BatchNormalization are frozen, after a frozen nested model."""
    keras.backend.clear_session()
    base = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(8, name="base_dense"), layers.BatchNormalization(name="base_bn")], name="base")
    base.trainable = False
    model = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            base,
            layers.Dense(6, name="frozen_dense", trainable=False),
            layers.BatchNormalization(name="frozen_bn", trainable=False),
            layers.Dense(4, activation="relu", name="trained_dense"),
            layers.Dropout(0.5, name="dropout"),
            layers.Dense(1, name="out"),
        ],
        name="frozen",
    )
    return model


def recurrent_model():
    """Embedding, Bidirectional LSTM, GRU (reset_after false, as Keras 2 wrote it), Dense."""
    keras.backend.clear_session()
    return keras.Sequential(
        [
            keras.Input(shape=(7,)),
            layers.Embedding(20, 4, name="embedding"),
            layers.Bidirectional(layers.LSTM(3, return_sequences=True), name="bidirectional"),
            layers.GRU(3, reset_after=False, name="gru"),
            layers.Dense(2, name="dense"),
        ],
        name="recurrent",
    )


MODELS = {"merges": merges_model, "nested": nested_model, "frozen": frozen_model, "recurrent": recurrent_model}


def totals(model):
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    return {"params": model.count_params(), "trainable": trainable, "nonTrainable": non_trainable}


def tamper(source, target, dataset):
    """Copies an HDF5 file and gives one dataset one more row, as a mismatched file would have it."""
    if source != target:
        shutil.copyfile(source, target)
    with h5py.File(target, "r+") as f:
        old = f[dataset]
        shape = (old.shape[0] + 1,) + old.shape[1:]
        dtype = old.dtype
        del f[dataset]
        f.create_dataset(dataset, shape=shape, dtype=dtype)


def tamper_archive(source, target, dataset):
    """Copies a .keras archive with one dataset of its model.weights.h5 tampered, its members in Keras's order, stored as Keras stores them."""
    with zipfile.ZipFile(source) as archive, tempfile.TemporaryDirectory() as scratch:
        names = archive.namelist()
        weights = os.path.join(scratch, "model.weights.h5")
        with open(weights, "wb") as f:
            f.write(archive.read("model.weights.h5"))
        tamper(weights, weights, dataset)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as out:
            for name in names:
                if name == "model.weights.h5":
                    out.write(weights, name)
                else:
                    out.writestr(name, archive.read(name))


def with_userblock(source, target):
    """The same HDF5 content behind a 512-byte user block (the signature then sits at offset 512)."""
    with h5py.File(source, "r") as src, h5py.File(target, "w", userblock_size=512) as dst:
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        for key in src:
            src.copy(src[key], dst, name=key)


def main():
    os.makedirs(OUT, exist_ok=True)
    report = {}
    for name, make in MODELS.items():
        model = make()
        model.compile(optimizer="adam", loss="mse")
        model.save(os.path.join(OUT, f"{name}.h5"))
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            f.write(model.to_json())
        model.save_weights(os.path.join(OUT, f"{name}.weights.h5"))
        report[name] = totals(model)
    merges_model().save(os.path.join(OUT, "merges.keras"))
    tamper(os.path.join(OUT, "merges.weights.h5"), os.path.join(OUT, "merges-tampered.weights.h5"), "layers/dense/vars/0")
    tamper(os.path.join(OUT, "merges.h5"), os.path.join(OUT, "merges-tampered.h5"), "model_weights/dense/dense/kernel")
    tamper_archive(os.path.join(OUT, "merges.keras"), os.path.join(OUT, "merges-tampered.keras"), "layers/dense/vars/0")
    with_userblock(os.path.join(OUT, "merges.h5"), os.path.join(OUT, "merges-userblock.h5"))
    with open(os.path.join(OUT, "totals.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "models": report}, f, indent=2)
        f.write("\n")

    keras.backend.clear_session()
    vgg16 = keras.applications.VGG16(weights=None)
    with open(os.path.join(ROOT, "bench", "specs", "vgg16.keras.json"), "w") as f:
        f.write(vgg16.to_json())


if __name__ == "__main__":
    main()
