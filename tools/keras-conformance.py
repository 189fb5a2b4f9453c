"""Keras's own answers for every public keras.layers class: test/conformance/<Class>.json.

Run it with Keras 3.15.1 on the JAX backend:

    KERAS_BACKEND=jax python tools/keras-conformance.py

The classes that Keras implements with TensorFlow even on other backends
(StringLookup, IntegerLookup, TextVectorization, Hashing, HashedCrossing) fail
with "requires TensorFlow" where tensorflow is not installed; their cases are
then made by a child run of this script with a Python that has it
(KERAS_TF_PYTHON: a virtual environment with tensorflow-cpu 2.21, e.g.
~/venv-tf/bin/python; run on KERAS_BACKEND=tensorflow).
Shapes and counts do not depend on the backend. `--classes A,B` limits a run to
those classes; `--check` regenerates in memory and fails when a committed file
would change.

Every case is a merge-summary spec document (docs/model-spec.md) and the
Keras model is built FROM that document (tools/keras_spec_model.py), so the
two cannot drift. Unnamed entries stay unnamed so that Keras picks the names.
How multi-input layers are called, as written in a spec's `from`:
- Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot,
  Attention, AdditiveAttention, HashedCrossing: `from: [a, b, ...]` is ONE list
  argument, `layer([a, b])` (Attention: [query, value] or [query, value, key]);
- MultiHeadAttention and GroupQueryAttention (whose class, as the summary
  prints it, is GroupedQueryAttention): `from: [query, value]` or
  `[query, value, key]` are positional arguments, `layer(query, value, key)`.
Wrappers take their inner layers as nested mappings: `layer` (Bidirectional,
TimeDistributed, SpectralNormalization), `backward_layer`, `cell` (RNN; a list
of cell mappings for stacked cells) and `layers` (Pipeline).

A file is {"keras": "3.15.1", "class": NAME, "cases": [...]}; a case is
  id        unique across all files
  spec      the spec document (inputs without the batch dimension)
  kerasJson json.loads(model.to_json()); for a rejected case, the JSON a user
            could have: the to_json() of the same model with a valid
            configuration of the layer (the case's `valid` arguments), its
            config replaced by the rejected one and its shapes by the real ones
            (null when no such JSON makes sense)
  expected  {"outcome": "ok", "layers": [...], "totals": {...}, "memory": {...}}
            with one row per row of Keras's model.summary() (checked against
            the text it prints), or
            {"outcome": "error", "stage": "construct" | "call", "error": "..."}
  jsonError         (rejected cases) what keras.models.model_from_json says
  jsonExpected      (rejected cases whose JSON Keras builds all the same: a
                    from_config that accepts what the constructor refuses)
                    the summary of what model_from_json builds
  jsonRoundTrip     (ok cases, only when it fails) what went wrong rebuilding
                    the model from its own JSON
"""
import argparse
import copy
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Some of Keras's messages list a set of names, whose order follows str hashing: fix it, for the same bytes every run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.execve(sys.executable, [sys.executable, *sys.argv], dict(os.environ, PYTHONHASHSEED="0"))

import keras  # noqa: E402

from keras_spec_model import (  # noqa: E402
    BuildError,
    build,
    check_against_printed,
    describe,
    error_text,
    is_layer_mapping,
    make_layer,
    model_json,
    plain_shape,
    serialized,
    snake,
)

KERAS_VERSION = "3.15.1"
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "conformance")
NEEDS_TENSORFLOW = {"StringLookup", "IntegerLookup", "TextVectorization", "Hashing", "HashedCrossing"}

# Keras's other names for a class: spec `type` -> the class the summary prints.
ALIASES = {}
for _name in dir(keras.layers):
    _obj = getattr(keras.layers, _name)
    if isinstance(_obj, type) and _obj.__name__ != _name:
        ALIASES[_name] = _obj.__name__


class Case:
    def __init__(self, id, spec, cls, valid=None, valid_inputs=None):
        self.id = id
        self.spec = spec
        self.cls = cls
        self.valid = valid
        self.valid_inputs = valid_inputs


CASES = []


def fmt_value(value):
    return json.dumps(value, separators=(", ", ": "))


def fmt_shape(shape):
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def fmt_args(args):
    parts = []
    for key, value in args.items():
        if is_layer_mapping(value):
            parts.append(f"{key}={fmt_layer(value)}")
        elif isinstance(value, list) and value and all(is_layer_mapping(v) for v in value):
            parts.append(f"{key}=[{', '.join(fmt_layer(v) for v in value)}]")
        else:
            parts.append(f"{key}={fmt_value(value)}")
    return ", ".join(parts)


def fmt_layer(entry):
    args = {k: v for k, v in entry.items() if k not in ("type", "from")}
    return f"{entry['type']}({fmt_args(args)})"


def canonical(kind):
    return ALIASES.get(kind, kind)


def add(layers, inputs, id=None, cls=None, outputs=None, valid=None, valid_inputs=None):
    """One case: inputs are (shape) or dicts with shape/dtype/name/batch_size."""
    spec_inputs = []
    for item in inputs:
        spec_inputs.append({"shape": list(item)} if isinstance(item, (list, tuple)) else dict(item, shape=list(item["shape"])))
    spec = {"inputs": spec_inputs, "layers": layers}
    if outputs is not None:
        spec["outputs"] = outputs
    if id is None:
        described = []
        for item in spec_inputs:
            text = fmt_shape(item["shape"])
            extras = [f"{k}={item[k]}" for k in ("dtype", "batch_size") if k in item]
            described.append(text + (f" {' '.join(extras)}" if extras else ""))
        id = f"{' -> '.join(fmt_layer(l) for l in layers)} on {' + '.join(described)}"
    CASES.append(Case(id, spec, cls or canonical(layers[-1]["type"]), valid, valid_inputs))


def one(kind, shape, input_dtype=None, batch_size=None, valid=None, valid_inputs=None, id=None, **args):
    """One layer on one input."""
    item = {"shape": list(shape)}
    if input_dtype is not None:
        item["dtype"] = input_dtype
    if batch_size is not None:
        item["batch_size"] = batch_size
    add([dict({"type": kind}, **args)], [item], id=id, valid=valid, valid_inputs=valid_inputs)


def merge(kind, shapes, valid_inputs=None, id=None, **args):
    """A layer called on a list of inputs (named a, b, c, ...)."""
    names = "abcdefgh"
    inputs = [{"name": names[i], "shape": list(s)} for i, s in enumerate(shapes)]
    add([dict({"type": kind, "from": [names[i] for i in range(len(shapes))]}, **args)], inputs, id=id, valid_inputs=valid_inputs)


# --------------------------------------------------------------------------
# Running one case
# --------------------------------------------------------------------------


def run_case(case):
    record = {"id": case.id, "spec": case.spec}
    try:
        built = build(case.spec)
    except BuildError as error:
        record["kerasJson"] = None
        record["expected"] = {"outcome": "error", "stage": error.stage, "error": error_text(error.cause)}
        if case.valid is not None or case.valid_inputs is not None:
            doc = rejected_json(case, error)
            record["kerasJson"] = doc
            record.update(json_outcome(doc))
        return record
    rows, totals, memory = describe(built.model)
    try:
        check_against_printed(built.model, rows, totals)
    except AssertionError as mismatch:
        raise CaseProblem(f"the recorded summary is not what model.summary() prints: {mismatch}")
    doc = model_json(built.model)
    record["kerasJson"] = doc
    record["expected"] = {"outcome": "ok", "layers": rows, "totals": totals, "memory": memory}
    problem = round_trip_problem(doc, rows, totals)
    if problem is not None:
        record["jsonRoundTrip"] = problem
    return record


def round_trip_problem(doc, rows, totals):
    keras.backend.clear_session()
    try:
        rebuilt = keras.models.model_from_json(json.dumps(doc))
    except Exception as error:
        return deserialization_error_text(error)
    again_rows, again_totals, _ = describe(rebuilt)
    if again_totals != totals:
        return f"rebuilt totals {again_totals} differ from {totals}"
    if again_rows != rows:
        return f"rebuilt rows differ: {again_rows}"
    return None


def json_outcome(doc):
    """What model_from_json makes of a rejected case's JSON: usually its error; else (a from_config
    that accepts what the constructor refuses) the model it builds, as `jsonExpected`."""
    keras.backend.clear_session()
    try:
        rebuilt = keras.models.model_from_json(json.dumps(doc))
    except Exception as error:
        return {"jsonError": deserialization_error_text(error)}
    rows, totals, memory = describe(rebuilt)
    return {"jsonExpected": {"outcome": "ok", "layers": rows, "totals": totals, "memory": memory}}


def deserialization_error_text(error):
    """Keras wraps a failing from_config in TypeErrors that repeat every config on the way: keep the first line and the cause."""
    text = error_text(error)
    marker = "Exception encountered: "
    if marker not in text:
        return text
    return f"{text.splitlines()[0]} [...] {marker}{text.rsplit(marker, 1)[1].strip()}"


def valid_spec(case, index):
    spec = copy.deepcopy(case.spec)
    if case.valid is not None:
        spec["layers"][index].update(case.valid)
    if case.valid_inputs is not None:
        for entry, shape in zip(spec["inputs"], case.valid_inputs):
            entry["shape"] = list(shape)
    return spec


def rejected_json(case, error):
    """The to_json() of the valid variant, with the rejected configuration and the real shapes put back."""
    if error.index != len(case.spec["layers"]) - 1:
        raise CaseProblem("a rejected case's failing layer must be its last")
    try:
        valid = build(valid_spec(case, error.index))
    except BuildError as failure:
        raise CaseProblem(f"the valid variant fails too: {error_text(failure.cause)}")
    doc = model_json(valid.model)
    entries = {entry["name"]: entry for entry in doc["config"]["layers"]}
    rejected = error.built
    for tensor in rejected.inputs:
        op = tensor._keras_history.operation
        entries[op.name]["config"] = serialized(op)["config"]
    for _, layer in rejected.layers:
        entry = entries[layer.name]
        entry["config"] = serialized(layer)["config"]
        if layer.built:
            entry["build_config"] = serialized(layer).get("build_config", entry.get("build_config"))
    if error.stage == "construct":
        valid_layer = dict(valid.layers)[error.index]
        entry = entries[valid_layer.name]
        written = case.spec["layers"][error.index]
        for key in case.valid or {}:
            if key not in written:  # the rejected layer leaves it at its default
                entry["config"].pop(snake(key), None)
        for key, value in written.items():
            if key in ("type", "from"):
                continue
            if is_layer_mapping(value):
                value = serialized(make_layer(value))
            elif isinstance(value, list) and value and all(is_layer_mapping(v) for v in value):
                value = [serialized(make_layer(v)) for v in value]
            entry["config"][snake(key)] = value
    shapes = {}
    for value in rejected.tensors.values():
        for tensor in keras.tree.flatten(value):
            history = tensor._keras_history
            shapes[(history.operation.name, history.node_index, history.tensor_index)] = plain_shape(tensor.shape)
    put_tensor_shapes(doc, shapes)
    if error.stage == "call":
        failing = entries[error.layer.name]
        source = case.spec["layers"][error.index].get("from")
        if source is None:
            call_inputs = [rejected.inputs[0]] if error.index == 0 else None
        else:
            call_inputs = [rejected.tensors[ref] for ref in (source if isinstance(source, list) else [source])]
        if call_inputs is None:
            previous_layer = dict(rejected.layers)[error.index - 1]
            call_inputs = keras.tree.flatten(rejected.tensors[previous_layer.name])
        if "build_config" in failing:
            queue = [plain_shape(t.shape) for t in keras.tree.flatten(call_inputs)]
            failing["build_config"] = replace_shapes(failing["build_config"], queue)
    return doc


def is_shape(value):
    return isinstance(value, list) and all(d is None or isinstance(d, int) for d in value)


def replace_shapes(value, queue):
    if is_shape(value):
        return queue.pop(0) if queue else value
    if isinstance(value, list):
        return [replace_shapes(v, queue) for v in value]
    if isinstance(value, dict):
        return {k: replace_shapes(v, queue) for k, v in value.items()}
    return value


def put_tensor_shapes(value, shapes):
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            key = tuple(value["config"]["keras_history"])
            if key in shapes:
                value["config"]["shape"] = shapes[key]
        for v in value.values():
            put_tensor_shapes(v, shapes)
    elif isinstance(value, list):
        for v in value:
            put_tensor_shapes(v, shapes)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def tensorflow_available():
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return False
    return True


PROBLEMS = []


def run_cases(cases):
    records = {}
    for case in cases:
        try:
            records[case.id] = run_case(case)
        except CaseProblem as problem:
            PROBLEMS.append(f"{case.id}: {problem}")
    return records


class CaseProblem(Exception):
    """A case the generator cannot record faithfully: a mistake in the case list."""


def start_elsewhere(classes):
    """A run of this script for `classes` under a Python with TensorFlow, alongside this one."""
    python = os.environ.get("KERAS_TF_PYTHON")
    if not python:
        sys.exit(f"{', '.join(sorted(classes))} need TensorFlow: set KERAS_TF_PYTHON to the python of a virtual environment with tensorflow-cpu")
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.Popen(
        [python, os.path.abspath(__file__), "--classes", ",".join(sorted(classes)), "--stdout"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_elsewhere(child):
    out, err = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"the TensorFlow run failed:\n{err}")
    result = json.loads(out)
    PROBLEMS.extend(result["problems"])
    return result["records"]


FIELD_ORDER = ["id", "spec", "expected", "jsonRoundTrip", "jsonError", "jsonExpected", "kerasJson"]


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def render(cls, records):
    """One field of a case a line (the expected rows one a line): readable diffs, a third of indent's size."""
    cases = []
    for record in records:
        fields = []
        for key in FIELD_ORDER:
            if key not in record:
                continue
            value = record[key]
            if key in ("expected", "jsonExpected") and value["outcome"] == "ok":
                rows = ",\n".join(f"    {compact(row)}" for row in value["layers"])
                rest = ", ".join(f"{compact(k)}: {compact(v)}" for k, v in value.items() if k != "layers")
                text = f'{{"outcome": "ok", "layers": [\n{rows}\n   ], {rest.split(", ", 1)[1]}}}'
            else:
                text = compact(value)
            fields.append(f"   {compact(key)}: {text}")
        cases.append("  {\n" + ",\n".join(fields) + "\n  }")
    head = f'{{\n "keras": {compact(KERAS_VERSION)},\n "class": {compact(cls)},\n "cases": [\n'
    return head + ",\n".join(cases) + "\n ]\n}\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--classes", help="only these classes (comma-separated)")
    parser.add_argument("--stdout", action="store_true", help="print the records as JSON instead of writing files")
    parser.add_argument("--check", action="store_true", help="fail when a committed file would change")
    options = parser.parse_args()
    if keras.__version__ != KERAS_VERSION:
        raise SystemExit(f"Keras {KERAS_VERSION} is the reference; this is {keras.__version__}")
    define_cases()
    ids = [case.id for case in CASES]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SystemExit(f"duplicate case ids: {duplicates}")
    wanted = set(options.classes.split(",")) if options.classes else None
    cases = [c for c in CASES if wanted is None or c.cls in wanted]
    here = [c for c in cases if tensorflow_available() or c.cls not in NEEDS_TENSORFLOW]
    elsewhere = {c.cls for c in cases if c not in here}
    child = start_elsewhere(elsewhere) if elsewhere else None
    records = run_cases(here)
    if child is not None:
        records.update(finish_elsewhere(child))
    if options.stdout:
        json.dump({"records": records, "problems": PROBLEMS}, sys.stdout)
        return
    if PROBLEMS:
        raise SystemExit("mistakes in the case list:\n" + "\n".join(PROBLEMS))
    by_class = {}
    for case in cases:
        by_class.setdefault(case.cls, []).append(records[case.id])
    os.makedirs(OUT_DIR, exist_ok=True)
    changed = []
    for cls in sorted(by_class):
        path = os.path.join(OUT_DIR, f"{cls}.json")
        text = render(cls, by_class[cls])
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            changed.append(cls)
            if not options.check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    ok = sum(1 for r in records.values() if r["expected"]["outcome"] == "ok")
    print(f"{len(by_class)} classes, {len(records)} cases ({ok} ok, {len(records) - ok} rejected by Keras)")
    if options.check and changed:
        raise SystemExit(f"would change: {', '.join(changed)}")


# --------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------


def define_cases():
    from keras_conformance_cases import define

    define(one, add, merge)


if __name__ == "__main__":
    main()
