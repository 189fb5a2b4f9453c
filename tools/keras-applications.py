"""Every keras.applications model as Keras 3.15.1 builds it: test/applications/.

    KERAS_BACKEND=jax python tools/keras-applications.py [NAME ...]

For each model, built with weights=None at its default input size (and
include_top, 1000 classes), writes
  <Name>.json.br         model.to_json(), brotli-compressed
  <Name>.golden.json.br  Keras's model.summary() as data: one row per printed
                         row (name, type as printed, output shape with a null
                         batch dimension, params, trainable, non-trainable,
                         "Connected to" as printed, "-" for none), the totals
                         and the weight memory in bytes; `sequentialLike` says
                         whether Keras leaves out the "Connected to" column.
Every golden row is checked against the text model.summary() prints, and the
JSON against keras.models.model_from_json (same rows, same totals).
Node reads the files with zlib.brotliDecompressSync; Python needs `brotli`
(pip install brotli). Output is deterministic: re-running gives the same bytes.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Some of Keras's messages list a set of names, whose order follows str hashing: fix it, for the same bytes every run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.execve(sys.executable, [sys.executable, *sys.argv], dict(os.environ, PYTHONHASHSEED="0"))

import brotli  # noqa: E402
import keras  # noqa: E402

from keras_spec_model import check_against_printed, describe, sequential_like  # noqa: E402

KERAS_VERSION = "3.15.1"
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "applications")


def application_names():
    return sorted(n for n in dir(keras.applications) if n[0].isupper() and callable(getattr(keras.applications, n)))


def golden(name, model):
    rows, totals, memory = describe(model, connections=True)
    check_against_printed(model, rows, totals)
    return {
        "keras": KERAS_VERSION,
        "model": name,
        "modelName": model.name,
        "sequentialLike": sequential_like(model),
        "layers": rows,
        "totals": totals,
        "memory": memory,
    }


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write(path, text):
    data = brotli.compress(text.encode("utf-8"), quality=11)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def main(names):
    if keras.__version__ != KERAS_VERSION:
        raise SystemExit(f"Keras {KERAS_VERSION} is the reference; this is {keras.__version__}")
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for name in names or application_names():
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model = getattr(keras.applications, name)(weights=None)
        summary = golden(name, model)
        config = model.to_json()
        keras.backend.clear_session()
        rebuilt = keras.models.model_from_json(config)
        again = golden(name, rebuilt)
        if (again["layers"], again["totals"]) != (summary["layers"], summary["totals"]):
            raise SystemExit(f"{name}: model_from_json rebuilds a different model")
        size = write(os.path.join(OUT_DIR, f"{name}.json.br"), config)
        size += write(os.path.join(OUT_DIR, f"{name}.golden.json.br"), compact(summary) + "\n")
        total += size
        print(f"{name}: {len(summary['layers'])} rows, {summary['totals']['params']:,} params, {size:,} bytes", flush=True)
        del model, rebuilt
    print(f"total {total:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
