"""Reference mult-adds of torchvision models, counted by fvcore and by torch.

For each model it writes test/golden/macs/<model>.json: the published figure
(torchvision's weights metadata, `_ops`, in GFLOPS that are in fact
giga-mult-adds), fvcore's FlopCountAnalysis total and per-operator split, a
second opinion from torch.utils.flop_counter.FlopCounterMode (2 FLOPs per
mult-add of a convolution or matrix product), and every module in execution
order: its type, name, input and output shapes, kernel shape and both counts.
Neither the tool nor its outputs are needed by the test suite; the outputs are
committed as data.

    /work/venv-torch/bin/python tools/torch-macs.py [--fvcore PATH] [MODEL ...]

fvcore: `pip install fvcore`, or --fvcore pointing at a checkout of
github.com/facebookresearch/fvcore (its fvcore/nn/ needs numpy, tabulate and
tqdm). Where iopath is missing, fvcore.common.checkpoint cannot be imported;
fvcore's jit analysis takes one helper from it (named modules, duplicates
included), which this tool then supplies itself.
"""
import argparse
import importlib.util
import json
import os
import sys
import types

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "golden", "macs")

# name, input side, weights enum and the figure torchvision's documentation
# table prints (GFLOPS, two decimals) at pytorch.org/vision/stable/models.html.
MODELS = {
    "vgg16": (224, "VGG16_Weights", 15.47),
    "densenet121": (224, "DenseNet121_Weights", 2.83),
    "mobilenet_v2": (224, "MobileNet_V2_Weights", 0.30),
    "inception_v3": (299, "Inception_V3_Weights", 5.71),
    "convnext_tiny": (224, "ConvNeXt_Tiny_Weights", 4.46),
    "efficientnet_b0": (224, "EfficientNet_B0_Weights", 0.39),
    "mobilenet_v3_large": (224, "MobileNet_V3_Large_Weights", 0.22),
}


def import_torchvision():
    """torchvision, even where its compiled ops cannot load.

    The torchvision wheel here links CUDA libraries the CPU build of torch
    lacks, so its C++ ops (nms, roi_align, ...) do not load, and importing the
    package then fails registering a fake kernel for nms. Classification models
    use none of those ops: declaring the two operators the import registers
    against lets it finish.
    """
    spec = importlib.util.find_spec("torchvision")
    library = os.path.join(os.path.dirname(spec.origin), "_C.so")
    try:
        torch.ops.load_library(library)
    except OSError:
        declared = torch.library.Library("torchvision", "DEF")
        declared.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        declared.define("qnms(Tensor qdets, Tensor qscores, float iou_threshold) -> Tensor")
        import_torchvision.declared = declared  # kept alive with the module
    import torchvision

    return torchvision


def import_fvcore(path):
    if path:
        sys.path.insert(0, path)
    try:
        import iopath  # noqa: F401
    except ImportError:
        import fvcore.common

        def named_modules_with_dup(model, prefix=""):
            yield prefix, model
            for name, module in model._modules.items():
                if module is not None:
                    yield from named_modules_with_dup(module, prefix + ("." if prefix else "") + name)

        checkpoint = types.ModuleType("fvcore.common.checkpoint")
        checkpoint._named_modules_with_dup = named_modules_with_dup
        sys.modules["fvcore.common.checkpoint"] = checkpoint
        fvcore.common.checkpoint = checkpoint
    import fvcore
    from fvcore.nn import FlopCountAnalysis

    return fvcore, FlopCountAnalysis


def shapes_of(value):
    if isinstance(value, torch.Tensor):
        return [list(value.shape)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in shapes_of(item)]
    return []


def record_calls(model, x):
    """Every module's call in the order the calls end, with shapes: leaves first, then the module holding them."""
    calls = []
    seen = set()

    def hook(name):
        def after(module, inputs, output):
            if name in seen:
                raise RuntimeError(f"module {name} is called twice; one row per module cannot hold both calls")
            seen.add(name)
            weight = getattr(module, "weight", None)
            calls.append(
                {
                    "name": name,
                    "type": type(module).__name__,
                    "leaf": len(module._modules) == 0,
                    "inputShapes": shapes_of(inputs),
                    "outputShapes": shapes_of(output),
                    "kernelShape": list(weight.shape) if isinstance(weight, torch.Tensor) and weight.dim() > 1 else None,
                }
            )

        return after

    handles = [module.register_forward_hook(hook(name)) for name, module in model.named_modules() if name]
    with torch.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return calls


def flop_counter(model, x):
    """torch's own counter: {module name: {op: FLOPs}}, names without the root class prefix."""
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False, depth=None) as counter:
        model(x)
    root = type(model).__name__
    by_module = {}
    for name, ops in counter.get_flop_counts().items():
        if name == "Global":
            continue
        key = "" if name == root else name[len(root) + 1 :]
        by_module[key] = {str(op).replace("aten.", ""): int(count) for op, count in ops.items()}
    return int(counter.get_total_flops()), by_module


def analyse(name, FlopCountAnalysis, torchvision, fvcore_version):
    side, weights_enum, documented = MODELS[name]
    kwargs = {"init_weights": False} if name == "inception_v3" else {}
    model = getattr(torchvision.models, name)(weights=None, **kwargs).eval()
    x = torch.zeros(1, 3, side, side)

    analysis = FlopCountAnalysis(model, x)
    analysis.unsupported_ops_warnings(False)
    analysis.uncalled_modules_warnings(False)
    fv_by_module = analysis.by_module_and_operator()

    flops_total, flops_by_module = flop_counter(model, x)
    calls = record_calls(model, x)
    children = {}
    for module_name, _ in model.named_modules():
        if module_name:
            parent = module_name.rsplit(".", 1)[0] if "." in module_name else ""
            children.setdefault(parent, []).append(module_name)

    def own(counts_by_module, module_name):
        """The module's count less its children's: ops it runs itself (functional calls in forward)."""
        mine = dict(counts_by_module.get(module_name, {}))
        for child in children.get(module_name, []):
            for op, count in counts_by_module.get(child, {}).items():
                mine[op] = mine.get(op, 0) - count
        return {op: int(count) for op, count in mine.items() if count}

    fv_counts = {k: dict(v) for k, v in fv_by_module.items()}
    modules = []
    for call in calls + [{"name": "", "type": type(model).__name__, "leaf": False, "inputShapes": [list(x.shape)], "outputShapes": [], "kernelShape": None}]:
        fv = own(fv_counts, call["name"])
        fc = own(flops_by_module, call["name"])
        if not call["leaf"] and not fv and not fc:
            continue
        row = dict(call)
        row["fvcore"] = fv
        row["fvcoreMacs"] = sum(fv.values())
        row["flopCounterMacs"] = sum(fc.values()) // 2
        if not call["leaf"]:
            row["note"] = "operations this module runs itself, outside its submodules"
        modules.append(row)

    weights = getattr(torchvision.models, weights_enum)
    default = weights.DEFAULT
    by_operator = {op: int(count) for op, count in analysis.by_operator().items()}
    total = int(analysis.total())
    module_file = sys.modules[type(model).__module__].__file__
    return {
        "model": name,
        "input": list(x.shape),
        "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__, "fvcore": fvcore_version},
        "published": {
            "gmacs": documented,
            "source": "torchvision documentation, table of classification weights, GFLOPS column (pytorch.org/vision/stable/models.html)",
            "metaOps": default.meta["_ops"],
            "metaSource": f"torchvision.models.{weights_enum}.{default.name}.meta['_ops'] ({os.path.relpath(module_file, os.path.dirname(torchvision.__file__))} in torchvision {torchvision.__version__})",
            "how": "torchvision's test/common_extended_utils.py: a dispatch-mode counter of convolutions, mm, addmm, bmm and matmul only, one per mult-add, on the weights' preprocessed input",
        },
        "fvcore": {
            "total": total,
            "byOperator": by_operator,
            "totalWithoutBatchNorm": total - by_operator.get("batch_norm", 0),
        },
        "flopCounter": {"totalFlops": flops_total, "totalMacs": flops_total // 2},
        "modules": modules,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fvcore", help="a checkout of fvcore to import it from")
    parser.add_argument("models", nargs="*", default=list(MODELS))
    args = parser.parse_args()
    fvcore, FlopCountAnalysis = import_fvcore(args.fvcore)
    fvcore_version = getattr(fvcore, "__version__", "unknown")
    if args.fvcore:
        fvcore_version += " (from " + os.path.basename(os.path.normpath(args.fvcore)) + ")"
    torchvision = import_torchvision()
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    import logging

    logging.getLogger("fvcore").setLevel(logging.ERROR)
    for name in args.models:
        result = analyse(name, FlopCountAnalysis, torchvision, fvcore_version)
        with open(os.path.join(OUT, f"{name}.json"), "w") as out:
            # One line per module, so that a change shows as a change to that module's line.
            head = {k: v for k, v in result.items() if k != "modules"}
            text = json.dumps(head, indent=1)[:-2]
            rows = ",\n".join("  " + json.dumps(row) for row in result["modules"])
            out.write(f'{text},\n "modules": [\n{rows}\n ]\n}}\n')
        f = result["fvcore"]
        print(f"{name}: fvcore {f['total'] / 1e9:.3f} G ({f['totalWithoutBatchNorm'] / 1e9:.3f} G without batch norm), "
              f"FlopCounterMode {result['flopCounter']['totalMacs'] / 1e9:.3f} G, published {result['published']['metaOps']} G")


if __name__ == "__main__":
    main()
