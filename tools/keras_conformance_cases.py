"""The cases of tools/keras-conformance.py: every public keras.layers class.

Each class gets its default configuration and every constructor argument that
can change an output shape or a parameter count, and the configurations Keras
rejects (with `valid=`: the arguments that make the same layer valid on the
same input, or `valid_inputs=`: input shapes it accepts, which the synthesised
JSON of the rejected case starts from).

one(Type, input_shape, **constructor args)      one layer on one input
merge(Type, [shape, ...], **args)               one layer on a list of named inputs a, b, ...
add(layers, inputs, id=..., cls=...)            anything else
"""

import inspect

import keras

# The shapes the cases use: small, so each count is checkable by hand.
IMG = [8, 8, 3]
SEQ = [10, 4]
VOL = [6, 6, 6, 2]


def define(one, add, merge):
    convolutions(one)
    transposed_convolutions(one)
    depthwise_and_separable(one)
    pooling(one)
    core(one, add)
    activations(one)
    regularization(one)
    normalization(one, add)
    recurrent(one, add)
    wrappers(one, add)
    reshaping(one)
    merging(merge)
    attention(add)
    preprocessing(one, add, merge)
    image_preprocessing(one, add)
    audio(one)
    inputs(add)
    aliases(one, merge, add)
    dtype_policies(one, add)


def convolutions(one):
    # Conv1D on (10, 4)
    one("Conv1D", SEQ, filters=8, kernel_size=3)
    one("Conv1D", SEQ, filters=8, kernel_size=[3])
    one("Conv1D", SEQ, filters=8, kernel_size=3, padding="same")
    one("Conv1D", SEQ, filters=8, kernel_size=3, padding="causal")
    one("Conv1D", SEQ, filters=8, kernel_size=3, padding="causal", dilation_rate=2)
    one("Conv1D", SEQ, filters=8, kernel_size=3, dilation_rate=2)
    one("Conv1D", SEQ, filters=8, kernel_size=3, dilation_rate=2, padding="same")
    one("Conv1D", SEQ, filters=8, kernel_size=3, strides=2)
    one("Conv1D", SEQ, filters=8, kernel_size=3, strides=3, padding="same")
    one("Conv1D", SEQ, filters=8, kernel_size=3, strides=2, padding="causal")
    one("Conv1D", SEQ, filters=8, kernel_size=3, groups=2)
    one("Conv1D", SEQ, filters=4, kernel_size=3, groups=4)
    one("Conv1D", SEQ, filters=8, kernel_size=3, use_bias=False)
    one("Conv1D", [4, 10], filters=8, kernel_size=3, data_format="channels_first")
    one("Conv1D", [4, 10], filters=8, kernel_size=3, padding="causal", data_format="channels_first")
    one("Conv1D", [None, 4], filters=8, kernel_size=3)
    one("Conv1D", [None, 4], filters=8, kernel_size=3, strides=2, padding="same")
    one("Conv1D", SEQ, filters=8, kernel_size=10)
    one("Conv1D", SEQ, filters=8, kernel_size=11, valid={"kernel_size": 3})
    one("Conv1D", SEQ, filters=8, kernel_size=11, padding="same")
    one("Conv1D", SEQ, filters=8, kernel_size=4, dilation_rate=4, valid={"dilation_rate": 1})
    one("Conv1D", SEQ, filters=8, kernel_size=3, groups=3, valid={"groups": 2})
    one("Conv1D", SEQ, filters=6, kernel_size=3, groups=4, valid={"groups": 2})
    one("Conv1D", SEQ, filters=8, kernel_size=3, strides=2, dilation_rate=2, valid={"dilation_rate": 1})
    one("Conv1D", SEQ, filters=0, kernel_size=3, valid={"filters": 8})
    one("Conv1D", SEQ, filters=8, kernel_size=3, padding="full", valid={"padding": "valid"})
    one("Conv1D", [10], filters=8, kernel_size=3, valid_inputs=[SEQ])

    # Conv2D on (8, 8, 3) and (8, 8, 16)
    one("Conv2D", IMG, filters=4, kernel_size=3)
    one("Conv2D", IMG, filters=4, kernel_size=[3, 5])
    one("Conv2D", IMG, filters=4, kernel_size=3, padding="same")
    one("Conv2D", IMG, filters=4, kernel_size=3, padding="SAME")
    one("Conv2D", IMG, filters=4, kernel_size=3, strides=2)
    one("Conv2D", IMG, filters=4, kernel_size=3, strides=2, padding="same")
    one("Conv2D", IMG, filters=4, kernel_size=3, strides=[2, 1])
    one("Conv2D", IMG, filters=4, kernel_size=3, strides=3, padding="same")
    one("Conv2D", IMG, filters=4, kernel_size=3, dilation_rate=2)
    one("Conv2D", IMG, filters=4, kernel_size=3, dilation_rate=[2, 1], padding="same")
    one("Conv2D", [8, 8, 16], filters=8, kernel_size=3, groups=4)
    one("Conv2D", [8, 8, 16], filters=16, kernel_size=7, groups=16, padding="same")
    one("Conv2D", [8, 8, 16], filters=32, kernel_size=1, groups=16)
    one("Conv2D", IMG, filters=4, kernel_size=3, use_bias=False)
    one("Conv2D", IMG, filters=4, kernel_size=3, activation="relu")
    one("Conv2D", [3, 8, 8], filters=4, kernel_size=3, data_format="channels_first")
    one("Conv2D", [3, 8, 8], filters=4, kernel_size=3, strides=2, padding="same", data_format="channels_first")
    one("Conv2D", [None, None, 3], filters=4, kernel_size=3)
    one("Conv2D", [None, 8, 3], filters=4, kernel_size=3, strides=2)
    one("Conv2D", IMG, filters=4, kernel_size=8)
    one("Conv2D", [4, 4, 4], filters=4, kernel_size=7, valid={"kernel_size": 3})
    one("Conv2D", [4, 4, 4], filters=4, kernel_size=7, padding="same")
    one("Conv2D", IMG, filters=4, kernel_size=[3, 9], valid={"kernel_size": [3, 3]})
    one("Conv2D", IMG, filters=4, kernel_size=3, dilation_rate=4, valid={"dilation_rate": 1})
    one("Conv2D", [8, 8, 16], filters=8, kernel_size=3, groups=3, valid={"groups": 4})
    one("Conv2D", [8, 8, 15], filters=8, kernel_size=3, groups=4, valid={"groups": 1})
    one("Conv2D", IMG, filters=4, kernel_size=3, padding="causal", valid={"padding": "valid"})
    one("Conv2D", IMG, filters=4, kernel_size=3, strides=2, dilation_rate=2, valid={"dilation_rate": 1})
    one("Conv2D", IMG, filters=4, kernel_size=0, valid={"kernel_size": 3})
    one("Conv2D", IMG, filters=4, kernel_size=3, strides=0, valid={"strides": 1})
    one("Conv2D", IMG, filters=4, kernel_size=[3, 3, 3], valid={"kernel_size": [3, 3]})
    one("Conv2D", [8, 8], filters=4, kernel_size=3, valid_inputs=[IMG])

    # Conv3D on (6, 6, 6, 2)
    one("Conv3D", VOL, filters=4, kernel_size=3)
    one("Conv3D", VOL, filters=4, kernel_size=[3, 1, 2])
    one("Conv3D", VOL, filters=4, kernel_size=3, padding="same")
    one("Conv3D", VOL, filters=4, kernel_size=3, strides=2, padding="same")
    one("Conv3D", VOL, filters=4, kernel_size=3, dilation_rate=2)
    one("Conv3D", VOL, filters=4, kernel_size=3, groups=2)
    one("Conv3D", VOL, filters=4, kernel_size=3, use_bias=False)
    one("Conv3D", [2, 6, 6, 6], filters=4, kernel_size=3, data_format="channels_first")
    one("Conv3D", [None, 6, None, 2], filters=4, kernel_size=3)
    one("Conv3D", VOL, filters=4, kernel_size=7, valid={"kernel_size": 3})


def transposed_convolutions(one):
    one("Conv1DTranspose", SEQ, filters=8, kernel_size=3)
    one("Conv1DTranspose", SEQ, filters=8, kernel_size=3, padding="same")
    one("Conv1DTranspose", SEQ, filters=8, kernel_size=3, strides=2)
    one("Conv1DTranspose", SEQ, filters=8, kernel_size=3, strides=2, padding="same")
    one("Conv1DTranspose", SEQ, filters=8, kernel_size=3, strides=2, output_padding=1)
    one("Conv1DTranspose", SEQ, filters=8, kernel_size=3, strides=3, padding="same", output_padding=2)
    one("Conv1DTranspose", SEQ, filters=8, kernel_size=3, dilation_rate=2)
    one("Conv1DTranspose", SEQ, filters=8, kernel_size=3, use_bias=False)
    one("Conv1DTranspose", [4, 10], filters=8, kernel_size=3, strides=2, data_format="channels_first")
    one("Conv1DTranspose", [None, 4], filters=8, kernel_size=3, strides=2)
    one("Conv1DTranspose", SEQ, filters=8, kernel_size=3, strides=2, output_padding=2, valid={"output_padding": 1})
    one("Conv1DTranspose", SEQ, filters=8, kernel_size=3, padding="causal", valid={"padding": "valid"})

    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3)
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=[3, 2])
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, padding="same")
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, strides=2)
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, strides=2, padding="same")
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, strides=[2, 3], padding="same")
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, strides=2, output_padding=1)
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=4, strides=2, padding="same", output_padding=[0, 1])
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, dilation_rate=2)
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, dilation_rate=2, padding="same")
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, use_bias=False)
    one("Conv2DTranspose", [3, 5, 5], filters=4, kernel_size=3, strides=2, data_format="channels_first")
    one("Conv2DTranspose", [None, None, 3], filters=4, kernel_size=3, strides=2)
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, strides=2, output_padding=2, valid={"output_padding": 1})
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, output_padding=1, valid={"output_padding": None})

    one("Conv3DTranspose", [4, 4, 4, 2], filters=4, kernel_size=3)
    one("Conv3DTranspose", [4, 4, 4, 2], filters=4, kernel_size=3, strides=2, padding="same")
    one("Conv3DTranspose", [4, 4, 4, 2], filters=4, kernel_size=3, strides=2, output_padding=1)
    one("Conv3DTranspose", [4, 4, 4, 2], filters=4, kernel_size=3, dilation_rate=2)
    one("Conv3DTranspose", [4, 4, 4, 2], filters=4, kernel_size=3, use_bias=False)
    one("Conv3DTranspose", [2, 4, 4, 4], filters=4, kernel_size=3, strides=2, data_format="channels_first")


def depthwise_and_separable(one):
    one("DepthwiseConv1D", SEQ, kernel_size=3)
    one("DepthwiseConv1D", SEQ, kernel_size=3, depth_multiplier=3)
    one("DepthwiseConv1D", SEQ, kernel_size=3, padding="same")
    one("DepthwiseConv1D", SEQ, kernel_size=3, padding="causal", valid={"padding": "valid"})
    one("DepthwiseConv1D", SEQ, kernel_size=3, strides=2)
    one("DepthwiseConv1D", SEQ, kernel_size=3, dilation_rate=2)
    one("DepthwiseConv1D", SEQ, kernel_size=3, use_bias=False)
    one("DepthwiseConv1D", [4, 10], kernel_size=3, data_format="channels_first")
    one("DepthwiseConv1D", SEQ, kernel_size=11, valid={"kernel_size": 3})

    one("DepthwiseConv2D", IMG, kernel_size=3)
    one("DepthwiseConv2D", IMG, kernel_size=3, depth_multiplier=2)
    one("DepthwiseConv2D", IMG, kernel_size=[3, 1])
    one("DepthwiseConv2D", IMG, kernel_size=3, padding="same")
    one("DepthwiseConv2D", IMG, kernel_size=3, strides=2)
    one("DepthwiseConv2D", IMG, kernel_size=3, strides=2, padding="same")
    one("DepthwiseConv2D", IMG, kernel_size=3, dilation_rate=2)
    one("DepthwiseConv2D", IMG, kernel_size=3, use_bias=False)
    one("DepthwiseConv2D", [3, 8, 8], kernel_size=3, depth_multiplier=2, data_format="channels_first")
    one("DepthwiseConv2D", [None, None, 3], kernel_size=3)
    one("DepthwiseConv2D", IMG, kernel_size=9, valid={"kernel_size": 3})
    one("DepthwiseConv2D", IMG, kernel_size=3, depth_multiplier=0, valid={"depth_multiplier": 1})

    one("SeparableConv1D", SEQ, filters=8, kernel_size=3)
    one("SeparableConv1D", SEQ, filters=8, kernel_size=3, depth_multiplier=2)
    one("SeparableConv1D", SEQ, filters=8, kernel_size=3, padding="same")
    one("SeparableConv1D", SEQ, filters=8, kernel_size=3, padding="causal", valid={"padding": "valid"})
    one("SeparableConv1D", SEQ, filters=8, kernel_size=3, strides=2)
    one("SeparableConv1D", SEQ, filters=8, kernel_size=3, dilation_rate=2)
    one("SeparableConv1D", SEQ, filters=8, kernel_size=3, use_bias=False)
    one("SeparableConv1D", [4, 10], filters=8, kernel_size=3, data_format="channels_first")
    one("SeparableConv1D", SEQ, filters=8, kernel_size=11, valid={"kernel_size": 3})

    one("SeparableConv2D", IMG, filters=4, kernel_size=3)
    one("SeparableConv2D", IMG, filters=4, kernel_size=3, depth_multiplier=2)
    one("SeparableConv2D", IMG, filters=4, kernel_size=3, padding="same")
    one("SeparableConv2D", IMG, filters=4, kernel_size=3, strides=2)
    one("SeparableConv2D", IMG, filters=4, kernel_size=3, dilation_rate=2)
    one("SeparableConv2D", IMG, filters=4, kernel_size=3, use_bias=False)
    one("SeparableConv2D", [3, 8, 8], filters=4, kernel_size=3, data_format="channels_first")
    one("SeparableConv2D", [None, None, 3], filters=4, kernel_size=3)
    one("SeparableConv2D", IMG, filters=4, kernel_size=9, valid={"kernel_size": 3})


def pooling(one):
    for kind in ("MaxPooling1D", "AveragePooling1D"):
        one(kind, SEQ, pool_size=2)
        one(kind, SEQ, pool_size=3)
        one(kind, SEQ, pool_size=3, strides=1)
        one(kind, SEQ, pool_size=3, padding="same")
        one(kind, SEQ, pool_size=3, strides=2, padding="same")
        one(kind, [4, 10], pool_size=2, data_format="channels_first")
        one(kind, [None, 4], pool_size=2)
        one(kind, SEQ, pool_size=12, valid={"pool_size": 2})
    one("MaxPooling1D", SEQ)
    one("MaxPooling1D", SEQ, pool_size=12, padding="same")

    for kind in ("MaxPooling2D", "AveragePooling2D"):
        one(kind, IMG, pool_size=2)
        one(kind, IMG, pool_size=3)
        one(kind, IMG, pool_size=3, strides=1)
        one(kind, IMG, pool_size=[2, 1])
        one(kind, IMG, pool_size=3, strides=2, padding="same")
        one(kind, [3, 8, 8], pool_size=2, data_format="channels_first")
        one(kind, [None, None, 3], pool_size=2)
        one(kind, IMG, pool_size=9, valid={"pool_size": 2})
    one("MaxPooling2D", IMG)
    one("MaxPooling2D", IMG, pool_size=[2, 2], strides=[1, 2])
    one("MaxPooling2D", IMG, pool_size=9, padding="same")
    one("MaxPooling2D", IMG, pool_size=2, padding="causal", valid={"padding": "valid"})

    for kind in ("MaxPooling3D", "AveragePooling3D"):
        one(kind, VOL, pool_size=2)
        one(kind, VOL, pool_size=3, strides=1)
        one(kind, VOL, pool_size=3, strides=2, padding="same")
        one(kind, [2, 6, 6, 6], pool_size=2, data_format="channels_first")
        one(kind, VOL, pool_size=7, valid={"pool_size": 2})
    one("MaxPooling3D", VOL)

    for dims, shape, first in ((1, SEQ, [4, 10]), (2, IMG, [3, 8, 8]), (3, VOL, [2, 6, 6, 6])):
        for kind in (f"GlobalAveragePooling{dims}D", f"GlobalMaxPooling{dims}D"):
            one(kind, shape)
            one(kind, shape, keepdims=True)
            one(kind, first, data_format="channels_first")
            one(kind, first, data_format="channels_first", keepdims=True)
            one(kind, [None] * dims + [shape[-1]])
    one("GlobalAveragePooling1D", [4], valid_inputs=[SEQ])
    one("GlobalMaxPooling2D", SEQ, valid_inputs=[IMG])

    for dims, shape, first in ((1, [12, 4], [4, 12]), (2, [12, 12, 3], [3, 12, 12]), (3, [6, 6, 6, 2], [2, 6, 6, 6])):
        for kind in (f"AdaptiveAveragePooling{dims}D", f"AdaptiveMaxPooling{dims}D"):
            one(kind, shape, output_size=3)
            one(kind, first, output_size=3, data_format="channels_first")
        one(f"AdaptiveAveragePooling{dims}D", shape, output_size=[2] * dims if dims > 1 else [2])
        one(f"AdaptiveAveragePooling{dims}D", [None] * dims + [shape[-1]], output_size=2)
        one(f"AdaptiveMaxPooling{dims}D", shape, output_size=1)
        one(f"AdaptiveMaxPooling{dims}D", shape, output_size=8)
    one("AdaptiveAveragePooling2D", [12, 12, 3], output_size=[4, 2])
    one("AdaptiveAveragePooling2D", [12, 12, 3], output_size=[4, 2, 1], valid={"output_size": [4, 2]})


def core(one, add):
    one("Dense", [8], units=4)
    one("Dense", [8], units=4, use_bias=False)
    one("Dense", [8], units=4, activation="softmax")
    one("Dense", [5, 8], units=4)
    one("Dense", [2, 5, 8], units=4)
    one("Dense", [None, 8], units=4)
    one("Dense", [None], units=4, valid_inputs=[[8]])
    one("Dense", [5, None], units=4, valid_inputs=[[5, 8]])
    one("Dense", [8], units=4, lora_rank=2)
    one("Dense", [8], units=4, lora_rank=2, lora_alpha=8.0)
    one("Dense", [8], units=4, dtype="int8_from_float32")
    one("Dense", [8], units=4, use_bias=False, dtype="int8_from_float32")
    one("Dense", [8], units=4, dtype="int4_from_float32")
    one("Dense", [8], units=4, dtype="float8_from_float32")
    one("Dense", [8], units=4, dtype="bfloat16")
    one("Dense", [8], units=4, dtype="mixed_float16")
    one("Dense", [8], units=4, dtype="int8_from_float32", lora_rank=2)
    add(
        [
            {"type": "Dense", "units": 4, "name": "shared", "from": "a"},
            {"use": "shared", "from": "b", "name": "shared_on_b"},
            {"type": "Add", "from": ["shared", "shared_on_b"]},
        ],
        [{"name": "a", "shape": [8]}, {"name": "b", "shape": [8]}],
        id="Dense(units=4) shared by two inputs (a, b), then Add",
        cls="Dense",
    )
    one("Dense", [8], units=0, valid={"units": 4})
    one("Dense", [8], units=-1, valid={"units": 4})
    one("Dense", [], units=4, valid_inputs=[[8]])

    one("EinsumDense", [8], equation="ab,bc->ac", output_shape=4)
    one("EinsumDense", [8], equation="ab,bc->ac", output_shape=[4], bias_axes="c")
    one("EinsumDense", [5, 8], equation="abc,cd->abd", output_shape=[None, 4], bias_axes="d")
    one("EinsumDense", [5, 8], equation="abc,cd->abd", output_shape=[5, 4])
    one("EinsumDense", [5, 8], equation="abc,cde->abde", output_shape=[None, 2, 3], bias_axes="de")
    one("EinsumDense", [5, 8], equation="abc,cde->abde", output_shape=[None, 2, 3], bias_axes="e")
    one("EinsumDense", [5, 8], equation="...b,bc->...c", output_shape=4, bias_axes="c")
    one("EinsumDense", [5, 2, 3], equation="abcd,cde->abe", output_shape=[None, 6], bias_axes="e")
    one("EinsumDense", [5, 8], equation="abc,bcd->ad", output_shape=4)
    one("EinsumDense", [8], equation="ab,bc->ac", output_shape=4, lora_rank=2)
    one("EinsumDense", [8], equation="ab,bc->ac", output_shape=4, dtype="int8_from_float32")
    one("EinsumDense", [5, 8], equation="abc,cd->abd", output_shape=[6, 4], valid={"output_shape": [None, 4]})
    one("EinsumDense", [8], equation="ab,bc->ac", output_shape=[4, 2], valid={"output_shape": 4})
    one("EinsumDense", [8], equation="ab->ac", output_shape=4, valid={"equation": "ab,bc->ac"})
    one("EinsumDense", [8], equation="ab,bc->ac", output_shape=4, bias_axes="x", valid={"bias_axes": "c"})

    one("Embedding", [5], input_dtype="int32", input_dim=10, output_dim=4)
    one("Embedding", [None], input_dtype="int32", input_dim=10, output_dim=4)
    one("Embedding", [5, 3], input_dtype="int32", input_dim=10, output_dim=4)
    one("Embedding", [5], input_dim=10, output_dim=4)
    one("Embedding", [5], input_dtype="int32", input_dim=10, output_dim=4, mask_zero=True)
    one("Embedding", [5], input_dtype="int32", input_dim=10, output_dim=4, lora_rank=2)
    add([{"type": "Embedding", "input_dim": 10, "output_dim": 4, "dtype": "int8_from_float32"}], [{"shape": [5], "dtype": "int32"}])
    add([{"type": "Embedding", "input_dim": 10, "output_dim": 4, "dtype": "int4_from_float32"}], [{"shape": [5], "dtype": "int32"}])
    one("Embedding", [5], input_dtype="int32", input_dim=0, output_dim=4, valid={"input_dim": 10})
    add(
        [
            {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True},
            {"type": "LSTM", "units": 8},
        ],
        [{"shape": [5], "dtype": "int32"}],
        cls="Embedding",
    )
    add(
        [
            {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True},
            {"type": "Bidirectional", "layer": {"type": "GRU", "units": 3, "return_sequences": True}},
            {"type": "GlobalAveragePooling1D"},
        ],
        [{"shape": [None], "dtype": "int32"}],
        cls="Embedding",
    )

    add([{"type": "ReversibleEmbedding", "input_dim": 10, "output_dim": 4}], [{"shape": [5], "dtype": "int32"}])
    add([{"type": "ReversibleEmbedding", "input_dim": 10, "output_dim": 4, "tie_weights": False}], [{"shape": [5], "dtype": "int32"}])
    add(
        [{"type": "ReversibleEmbedding", "input_dim": 10, "output_dim": 4, "mask_zero": True}],
        [{"shape": [None], "dtype": "int32"}],
    )

    one("Identity", [5, 3])
    one("Identity", [None, 3])
    one("Masking", [5, 3])
    one("Masking", [5, 3], mask_value=-1.0)
    add([{"type": "Masking"}, {"type": "SimpleRNN", "units": 4}], [[5, 3]], cls="Masking")


def activations(one):
    one("Activation", [5, 3], activation="relu")
    one("Activation", [5, 3], activation="softmax")
    one("Activation", [5, 3], activation="gelu")
    one("Activation", [5, 3], activation="no_such_activation", valid={"activation": "relu"})
    one("ELU", [5, 3])
    one("ELU", [5, 3], alpha=0.5)
    one("LeakyReLU", [5, 3])
    one("LeakyReLU", [5, 3], negative_slope=0.1)
    one("LeakyReLU", [5, 3], alpha=0.1, valid={"negative_slope": 0.1})
    one("LeakyReLU", [5, 3], negative_slope=-1, valid={"negative_slope": 0.1})
    one("PReLU", IMG)
    one("PReLU", IMG, shared_axes=[1, 2])
    one("PReLU", IMG, shared_axes=1)
    one("PReLU", [5, 4])
    one("PReLU", [None, None, 3], shared_axes=[1, 2])
    one("PReLU", [None, 3], valid_inputs=[[5, 3]])
    one("ReLU", [5, 3])
    one("ReLU", [5, 3], max_value=6.0)
    one("ReLU", [5, 3], negative_slope=0.1, threshold=0.5)
    one("ReLU", [5, 3], max_value=-1.0, valid={"max_value": 6.0})
    one("Softmax", [5, 3])
    one("Softmax", [5, 3], axis=1)
    one("Softmax", [5, 3], axis=[1, 2])


def regularization(one):
    one("ActivityRegularization", [5, 3])
    one("ActivityRegularization", [5, 3], l1=0.01, l2=0.01)
    one("Dropout", [5, 3], rate=0.5)
    one("Dropout", [5, 3], rate=0.5, noise_shape=[None, 1, 3])
    one("Dropout", [5, 3], rate=1.5, valid={"rate": 0.5})
    one("AlphaDropout", [5, 3], rate=0.1)
    one("GaussianDropout", [5, 3], rate=0.1)
    one("GaussianNoise", [5, 3], stddev=0.1)
    one("SpatialDropout1D", SEQ, rate=0.1)
    one("SpatialDropout1D", [4], rate=0.1, valid_inputs=[SEQ])
    one("SpatialDropout2D", IMG, rate=0.1)
    one("SpatialDropout2D", [3, 8, 8], rate=0.1, data_format="channels_first")
    one("SpatialDropout2D", SEQ, rate=0.1, valid_inputs=[IMG])
    one("SpatialDropout3D", VOL, rate=0.1)
    one("SpatialDropout3D", [2, 6, 6, 6], rate=0.1, data_format="channels_first")


def normalization(one, add):
    one("BatchNormalization", IMG)
    one("BatchNormalization", [5])
    one("BatchNormalization", [3, 8, 8], axis=1)
    one("BatchNormalization", IMG, axis=[1, 2], valid={"axis": -1})
    one("BatchNormalization", IMG, center=False)
    one("BatchNormalization", IMG, scale=False)
    one("BatchNormalization", IMG, center=False, scale=False)
    one("BatchNormalization", IMG, renorm=True)
    one("BatchNormalization", [None, None, 3])
    one("BatchNormalization", [8, 8, None], valid_inputs=[IMG])
    one("BatchNormalization", IMG, axis=4, valid={"axis": -1})

    one("LayerNormalization", [5, 8])
    one("LayerNormalization", [5, 8], axis=[1, 2])
    one("LayerNormalization", [5, 8], axis=-2)
    one("LayerNormalization", [5, 8], center=False)
    one("LayerNormalization", [5, 8], scale=False)
    one("LayerNormalization", [5, 8], rms_scaling=True)
    one("LayerNormalization", [None, 8])
    one("LayerNormalization", [5, 8], axis=3, valid={"axis": -1})

    one("GroupNormalization", [8, 8, 32])
    one("GroupNormalization", [8, 8, 16], groups=4)
    one("GroupNormalization", [8, 8, 16], groups=16)
    one("GroupNormalization", [8, 8, 16], groups=-1)
    one("GroupNormalization", [16, 8, 8], groups=4, axis=1)
    one("GroupNormalization", [8, 8, 16], groups=4, center=False)
    one("GroupNormalization", [8, 8, 16], groups=4, scale=False)
    one("GroupNormalization", [5, 16], groups=4)
    one("GroupNormalization", [8, 8, 16], valid={"groups": 4})
    one("GroupNormalization", [8, 8, 16], groups=5, valid={"groups": 4})

    one("UnitNormalization", [5, 8])
    one("UnitNormalization", [5, 8], axis=[1, 2])

    one("RMSNormalization", [5, 8])
    one("RMSNormalization", [5, 8], axis=[1, 2])
    one("RMSNormalization", [5, 8], axis=1)

    one("SpectralNormalization", [8], layer={"type": "Dense", "units": 4})
    one("SpectralNormalization", IMG, layer={"type": "Conv2D", "filters": 4, "kernel_size": 3})
    one("SpectralNormalization", [8], layer={"type": "Dense", "units": 4}, power_iterations=3)
    add(
        [{"type": "SpectralNormalization", "layer": {"type": "Embedding", "input_dim": 10, "output_dim": 4}}],
        [{"shape": [5], "dtype": "int32"}],
    )
    one("SpectralNormalization", [5, 3], layer={"type": "Dropout", "rate": 0.5}, valid={"layer": {"type": "Dense", "units": 3}})
    one("SpectralNormalization", [8], layer={"type": "Dense", "units": 4}, power_iterations=0, valid={"power_iterations": 1})

    one("Normalization", [5])
    one("Normalization", [4, 5, 3])
    one("Normalization", [4, 5, 3], axis=[1, 2])
    one("Normalization", [4, 5, 3], axis=None)
    one("Normalization", [5], mean=0.5, variance=2.0)
    one("Normalization", [3], mean=[0.1, 0.2, 0.3], variance=[1.0, 2.0, 3.0])
    one("Normalization", [5], invert=True)
    one("Normalization", [5], mean=0.5, valid={"variance": 2.0})
    one("Normalization", [4, 5, 3], axis=4, valid={"axis": -1})


def recurrent(one, add):
    for kind in ("SimpleRNN", "LSTM", "GRU"):
        one(kind, SEQ, units=8)
        one(kind, SEQ, units=8, return_sequences=True)
        one(kind, SEQ, units=8, return_state=True)
        one(kind, SEQ, units=8, return_sequences=True, return_state=True)
        one(kind, SEQ, units=8, use_bias=False)
        one(kind, SEQ, units=8, go_backwards=True)
        one(kind, [None, 4], units=8, return_sequences=True)
        one(kind, SEQ, units=8, stateful=True, batch_size=2)
        one(kind, SEQ, units=8, unroll=True)
        one(kind, [4], units=8, valid_inputs=[SEQ])
        one(kind, SEQ, units=0, valid={"units": 8})
    one("SimpleRNN", [None, None], units=8, valid_inputs=[[None, 4]])
    one("LSTM", SEQ, units=8, unit_forget_bias=False)
    one("LSTM", [5, 10, 4], units=8, valid_inputs=[SEQ])
    one("GRU", SEQ, units=8, reset_after=False)
    one("GRU", SEQ, units=8, reset_after=False, use_bias=False)
    one("GRU", SEQ, units=8, reset_after=False, return_state=True)
    one("GRU", SEQ, units=8, use_cudnn=False)

    one("ConvLSTM1D", [5, 10, 4], filters=4, kernel_size=3)
    one("ConvLSTM1D", [5, 10, 4], filters=4, kernel_size=3, return_sequences=True)
    one("ConvLSTM1D", [5, 10, 4], filters=4, kernel_size=3, padding="same")
    one("ConvLSTM1D", [5, 10, 4], filters=4, kernel_size=3, return_state=True)
    one("ConvLSTM1D", [5, 4, 10], filters=4, kernel_size=3, data_format="channels_first")
    one("ConvLSTM1D", [5, 10, 4], filters=4, kernel_size=3, strides=2, use_bias=False)

    one("ConvLSTM2D", [5, 8, 8, 3], filters=4, kernel_size=3)
    one("ConvLSTM2D", [5, 8, 8, 3], filters=4, kernel_size=3, return_sequences=True)
    one("ConvLSTM2D", [5, 8, 8, 3], filters=4, kernel_size=3, padding="same")
    one("ConvLSTM2D", [5, 8, 8, 3], filters=4, kernel_size=3, strides=2)
    one("ConvLSTM2D", [5, 8, 8, 3], filters=4, kernel_size=3, dilation_rate=2)
    one("ConvLSTM2D", [5, 8, 8, 3], filters=4, kernel_size=3, return_state=True)
    one("ConvLSTM2D", [5, 8, 8, 3], filters=4, kernel_size=3, return_sequences=True, return_state=True)
    one("ConvLSTM2D", [5, 8, 8, 3], filters=4, kernel_size=3, use_bias=False)
    one("ConvLSTM2D", [5, 3, 8, 8], filters=4, kernel_size=3, data_format="channels_first")
    one("ConvLSTM2D", [None, 8, 8, 3], filters=4, kernel_size=3, return_sequences=True)
    one("ConvLSTM2D", [5, 8, 8, 3], filters=4, kernel_size=9, valid={"kernel_size": 3})
    one("ConvLSTM2D", IMG, filters=4, kernel_size=3, valid_inputs=[[5, 8, 8, 3]])

    one("ConvLSTM3D", [3, 6, 6, 6, 2], filters=4, kernel_size=3)
    one("ConvLSTM3D", [3, 6, 6, 6, 2], filters=4, kernel_size=3, return_sequences=True)
    one("ConvLSTM3D", [3, 6, 6, 6, 2], filters=4, kernel_size=3, padding="same")

    for cell in (
        {"type": "SimpleRNNCell", "units": 8},
        {"type": "LSTMCell", "units": 8},
        {"type": "GRUCell", "units": 8},
        {"type": "GRUCell", "units": 8, "reset_after": False},
        {"type": "LSTMCell", "units": 8, "use_bias": False},
    ):
        one("RNN", SEQ, cell=cell)
    one("RNN", SEQ, cell={"type": "LSTMCell", "units": 8}, return_sequences=True)
    one("RNN", SEQ, cell={"type": "LSTMCell", "units": 8}, return_state=True)
    one("RNN", SEQ, cell={"type": "GRUCell", "units": 8}, return_sequences=True, return_state=True)
    one("RNN", SEQ, cell=[{"type": "LSTMCell", "units": 8}, {"type": "GRUCell", "units": 4}])
    one("RNN", SEQ, cell=[{"type": "LSTMCell", "units": 8}, {"type": "GRUCell", "units": 4}], return_sequences=True)
    one("RNN", SEQ, cell=[{"type": "SimpleRNNCell", "units": 8}, {"type": "LSTMCell", "units": 4}], return_state=True)
    one("RNN", SEQ, cell={"type": "StackedRNNCells", "cells": [{"type": "SimpleRNNCell", "units": 8}, {"type": "SimpleRNNCell", "units": 2}]})
    one("RNN", [None, 4], cell={"type": "SimpleRNNCell", "units": 8}, go_backwards=True)
    one("RNN", SEQ, cell={"type": "Dense", "units": 8}, valid={"cell": {"type": "SimpleRNNCell", "units": 8}})


def wrappers(one, add):
    lstm = {"type": "LSTM", "units": 8}
    one("Bidirectional", SEQ, layer=lstm)
    for mode in ("sum", "mul", "ave", "concat", None):
        one("Bidirectional", SEQ, layer=dict(lstm, return_sequences=True), merge_mode=mode)
    one("Bidirectional", SEQ, layer=dict(lstm, return_state=True))
    one("Bidirectional", SEQ, layer=dict(lstm, return_sequences=True, return_state=True), merge_mode="sum")
    one("Bidirectional", SEQ, layer={"type": "GRU", "units": 8})
    one("Bidirectional", SEQ, layer={"type": "GRU", "units": 8, "reset_after": False, "return_state": True})
    one("Bidirectional", SEQ, layer={"type": "SimpleRNN", "units": 8}, merge_mode=None)
    one("Bidirectional", [None, 4], layer=dict(lstm, return_sequences=True))
    one("Bidirectional", SEQ, layer=lstm, backward_layer={"type": "LSTM", "units": 8, "go_backwards": True})
    one("Bidirectional", SEQ, layer=lstm, backward_layer={"type": "LSTM", "units": 4, "go_backwards": True})
    one("Bidirectional", SEQ, layer=lstm, backward_layer={"type": "GRU", "units": 8, "go_backwards": True})
    one("Bidirectional", SEQ, layer=lstm, backward_layer={"type": "LSTM", "units": 4, "go_backwards": True}, merge_mode="sum")
    one(
        "Bidirectional",
        SEQ,
        layer=lstm,
        backward_layer={"type": "LSTM", "units": 8, "go_backwards": True, "return_sequences": True},
        valid={"backward_layer": {"type": "LSTM", "units": 8, "go_backwards": True}},
    )
    one(
        "Bidirectional",
        SEQ,
        layer=lstm,
        backward_layer={"type": "LSTM", "units": 8},
        valid={"backward_layer": {"type": "LSTM", "units": 8, "go_backwards": True}},
    )
    one("Bidirectional", SEQ, layer={"type": "RNN", "cell": {"type": "GRUCell", "units": 4}})
    one("Bidirectional", [5, 8, 8, 3], layer={"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3})
    one("Bidirectional", SEQ, layer=lstm, merge_mode="max", valid={"merge_mode": "concat"})
    one("Bidirectional", SEQ, layer={"type": "Dense", "units": 8}, valid={"layer": lstm})
    one("Bidirectional", [4], layer=lstm, valid_inputs=[SEQ])

    one("TimeDistributed", [5, 8], layer={"type": "Dense", "units": 3})
    one("TimeDistributed", [None, 8], layer={"type": "Dense", "units": 3})
    one("TimeDistributed", [5, 8, 8, 3], layer={"type": "Conv2D", "filters": 4, "kernel_size": 3})
    one("TimeDistributed", [5, 8, 8, 3], layer={"type": "MaxPooling2D"})
    one("TimeDistributed", [5, 8, 8, 3], layer={"type": "Flatten"})
    one("TimeDistributed", [5, 8, 8, 3], layer={"type": "BatchNormalization"})
    one("TimeDistributed", [5, 6, 4], layer={"type": "LSTM", "units": 3})
    one("TimeDistributed", [5, 8], layer={"type": "Dropout", "rate": 0.5})
    one("TimeDistributed", [8], layer={"type": "Dense", "units": 3}, valid_inputs=[[5, 8]])
    one("TimeDistributed", [3, 10, 4], layer={"type": "Bidirectional", "layer": {"type": "LSTM", "units": 4}})

    add(
        [{"type": "Pipeline", "layers": [{"type": "RandomFlip"}, {"type": "RandomRotation", "factor": 0.1}]}],
        [IMG],
    )
    add(
        [{"type": "Pipeline", "layers": [{"type": "Rescaling", "scale": 0.5}, {"type": "Resizing", "height": 4, "width": 4}]}],
        [IMG],
    )
    add(
        [{"type": "Pipeline", "layers": [{"type": "Dense", "units": 4}, {"type": "Dense", "units": 2}]}],
        [[8]],
    )


def reshaping(one):
    one("Flatten", [4, 4, 3])
    one("Flatten", [10])
    one("Flatten", [])
    one("Flatten", [3, 4, 4], data_format="channels_first")
    one("Flatten", [None, 4])
    one("Flatten", [4, None, 3])
    one("Flatten", [2, 3, 4, 5])

    one("Reshape", [12], target_shape=[3, 4])
    one("Reshape", [12], target_shape=[-1, 4])
    one("Reshape", [12], target_shape=[3, -1])
    one("Reshape", [3, 4], target_shape=[-1])
    one("Reshape", [3, 4], target_shape=[2, 2, 3])
    one("Reshape", [12], target_shape=[12])
    one("Reshape", [None, 4], target_shape=[-1, 2])
    one("Reshape", [None, 4], target_shape=[2, 2, -1])
    one("Reshape", [None, 4], target_shape=[8])
    one("Reshape", [12], target_shape=[5, 3], valid={"target_shape": [4, 3]})
    one("Reshape", [4], target_shape=[3, 3], valid={"target_shape": [2, 2]})
    one("Reshape", [12], target_shape=[5, -1], valid={"target_shape": [4, -1]})
    one("Reshape", [12], target_shape=[-1, -1], valid={"target_shape": [-1, 3]})
    one("Reshape", [12], target_shape=[0, 12], valid={"target_shape": [1, 12]})
    one("Reshape", [12], target_shape=[None, 3], valid={"target_shape": [-1, 3]})
    one("Reshape", [12], target_shape=3, valid={"target_shape": [3, 4]})

    one("Permute", [2, 3, 4], dims=[2, 1, 3])
    one("Permute", [2, 3, 4], dims=[3, 1, 2])
    one("Permute", [2, 3], dims=[2, 1])
    one("Permute", [None, 3], dims=[2, 1])
    one("Permute", [2, 3, 4], dims=[1, 1, 2], valid={"dims": [2, 1, 3]})
    one("Permute", [2, 3, 4], dims=[0, 1, 2], valid={"dims": [2, 1, 3]})
    one("Permute", [2, 3, 4], dims=[2, 1], valid={"dims": [2, 1, 3]})

    one("RepeatVector", [4], n=3)
    one("RepeatVector", [None], n=3)
    one("RepeatVector", [5, 4], n=3, valid_inputs=[[4]])

    one("Cropping1D", SEQ)
    one("Cropping1D", SEQ, cropping=2)
    one("Cropping1D", SEQ, cropping=[1, 3])
    one("Cropping1D", [None, 4], cropping=2)
    one("Cropping1D", SEQ, cropping=[5, 5], valid={"cropping": [1, 1]})
    one("Cropping1D", SEQ, cropping=[6, 5], valid={"cropping": [1, 1]})

    one("Cropping2D", IMG)
    one("Cropping2D", IMG, cropping=1)
    one("Cropping2D", IMG, cropping=[1, 2])
    one("Cropping2D", IMG, cropping=[[1, 2], [0, 3]])
    one("Cropping2D", [3, 8, 8], cropping=[[1, 2], [0, 3]], data_format="channels_first")
    one("Cropping2D", [None, None, 3], cropping=2)
    one("Cropping2D", [None, 8, 3], cropping=[[1, 1], [2, 2]])
    one("Cropping2D", IMG, cropping=4, valid={"cropping": 1})
    one("Cropping2D", IMG, cropping=[[5, 4], [0, 0]], valid={"cropping": 1})
    one("Cropping2D", IMG, cropping=[1, 2, 3], valid={"cropping": 1})

    one("Cropping3D", VOL)
    one("Cropping3D", VOL, cropping=2)
    one("Cropping3D", VOL, cropping=[[1, 0], [0, 1], [2, 2]])
    one("Cropping3D", [2, 6, 6, 6], cropping=1, data_format="channels_first")
    one("Cropping3D", [None, 6, 6, 2], cropping=1)
    one("Cropping3D", VOL, cropping=3, valid={"cropping": 1})

    one("UpSampling1D", [5, 4])
    one("UpSampling1D", [5, 4], size=3)
    one("UpSampling1D", [None, 4], size=3)
    one("UpSampling2D", [8, 8, 4])
    one("UpSampling2D", [8, 8, 4], size=2)
    one("UpSampling2D", [8, 8, 4], size=[2, 3])
    one("UpSampling2D", [8, 8, 4], size=2, interpolation="bilinear")
    one("UpSampling2D", [4, 8, 8], size=2, data_format="channels_first")
    one("UpSampling2D", [None, 8, 4], size=2)
    one("UpSampling2D", [8, 8, 4], size=2, interpolation="cubic", valid={"interpolation": "nearest"})
    one("UpSampling3D", VOL)
    one("UpSampling3D", VOL, size=[1, 2, 3])
    one("UpSampling3D", [2, 6, 6, 6], size=2, data_format="channels_first")
    one("UpSampling3D", [None, 6, 6, 2], size=2)

    one("ZeroPadding1D", SEQ)
    one("ZeroPadding1D", SEQ, padding=2)
    one("ZeroPadding1D", SEQ, padding=[1, 3])
    one("ZeroPadding1D", [None, 4], padding=2)
    one("ZeroPadding1D", [4, 10], padding=2, data_format="channels_first")
    one("ZeroPadding2D", IMG)
    one("ZeroPadding2D", IMG, padding=2)
    one("ZeroPadding2D", IMG, padding=[1, 2])
    one("ZeroPadding2D", IMG, padding=[[1, 0], [2, 3]])
    one("ZeroPadding2D", [3, 8, 8], padding=[[1, 0], [2, 3]], data_format="channels_first")
    one("ZeroPadding2D", [None, 8, 3], padding=1)
    one("ZeroPadding2D", IMG, padding=[1, 2, 3], valid={"padding": 1})
    one("ZeroPadding3D", VOL)
    one("ZeroPadding3D", VOL, padding=2)
    one("ZeroPadding3D", VOL, padding=[[1, 0], [0, 1], [2, 2]])
    one("ZeroPadding3D", [2, 6, 6, 6], padding=1, data_format="channels_first")


def merging(merge):
    for kind in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"):
        merge(kind, [[4, 5], [4, 5]])
        merge(kind, [[1, 1, 5], [4, 4, 5]])
        merge(kind, [[4, 5], [4, 6]], valid_inputs=[[4, 5], [4, 5]])
        merge(kind, [[None, 5], [4, 5]])
    for kind in ("Add", "Multiply", "Average", "Maximum", "Minimum"):
        merge(kind, [[4, 5], [4, 5], [4, 5]])
    merge("Add", [[4, 5]])
    merge("Add", [[5], [4, 5]])
    merge("Add", [[4, 1], [1, 5]])
    merge("Add", [[8, 8, 64], [1, 1, 64]])
    merge("Subtract", [[4, 5], [4, 5], [4, 5]])

    merge("Concatenate", [[4, 5], [4, 3]])
    merge("Concatenate", [[4, 5], [2, 5]], axis=1)
    merge("Concatenate", [[4, 5], [2, 5]], axis=-2)
    merge("Concatenate", [[4, 5], [4, 3], [4, 1]])
    merge("Concatenate", [[8, 8, 64], [8, 8, 32]])
    merge("Concatenate", [[None, 5], [None, 3]])
    merge("Concatenate", [[4, None], [4, 3]])
    merge("Concatenate", [[None, 5], [4, 5]], axis=1)
    merge("Concatenate", [[4, 5], [3, 3]], valid_inputs=[[4, 5], [4, 3]])
    merge("Concatenate", [[4, 5], [4, 5, 1]], valid_inputs=[[4, 5], [4, 5]])
    merge("Concatenate", [[4, 5], [4, 3]], axis=3, valid_inputs=[[4, 5, 1], [4, 5, 3]])
    merge("Concatenate", [[4, 5]])

    merge("Dot", [[5], [5]], axes=1)
    merge("Dot", [[5], [5]], axes=1, normalize=True)
    merge("Dot", [[3, 4], [5, 4]], axes=[2, 2])
    merge("Dot", [[3, 4], [3, 5]], axes=1)
    merge("Dot", [[3, 4], [4, 5]], axes=[2, 1])
    merge("Dot", [[3, 4], [5, 4]], axes=-1)
    merge("Dot", [[5], [6]], axes=1, valid_inputs=[[5], [5]])
    merge("Dot", [[3, 4], [5, 4]], axes=[1, 1], valid_inputs=[[3, 4], [3, 4]])


def attention(add):
    def attn(kind, shapes, id=None, valid=None, valid_inputs=None, **args):
        names = ["query", "value", "key"][: len(shapes)]
        inputs = [{"name": n, "shape": list(s)} for n, s in zip(names, shapes)]
        add([dict({"type": kind, "from": names}, **args)], inputs, id=id, valid=valid, valid_inputs=valid_inputs)

    attn("Attention", [[3, 4], [5, 4]])
    attn("Attention", [[3, 4], [5, 4], [5, 4]])
    attn("Attention", [[3, 4], [5, 4]], use_scale=True)
    attn("Attention", [[3, 4], [5, 4]], score_mode="concat")
    attn("Attention", [[3, 4], [5, 4]], score_mode="concat", use_scale=True)
    attn("Attention", [[3, 4], [5, 6], [5, 4]])
    attn("Attention", [[None, 4], [None, 4]])
    attn("Attention", [[3, 4], [5, 6]], valid_inputs=[[3, 4], [5, 4]])
    attn("Attention", [[3, 4], [5, 4]], score_mode="cosine", valid={"score_mode": "dot"})
    attn("AdditiveAttention", [[3, 4], [5, 4]])
    attn("AdditiveAttention", [[3, 4], [5, 4]], use_scale=False)
    attn("AdditiveAttention", [[3, 4], [5, 4], [5, 4]])
    attn("AdditiveAttention", [[3, 4], [5, 6]], valid_inputs=[[3, 4], [5, 4]])

    mha = {"num_heads": 2, "key_dim": 4}
    attn("MultiHeadAttention", [[3, 8], [5, 8]], **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 8], [5, 8]], **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 6]], **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 6], [5, 10]], **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 8]], value_dim=6, **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 8]], output_shape=10, **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 8]], output_shape=[2, 5], **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 8]], use_bias=False, **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 8]], use_gate=True, **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 8]], dropout=0.1, **mha)
    attn("MultiHeadAttention", [[3, 4, 8], [3, 4, 8]], **mha)
    attn("MultiHeadAttention", [[3, 4, 8], [3, 4, 8]], attention_axes=[1], **mha)
    attn("MultiHeadAttention", [[3, 4, 8], [3, 4, 8]], attention_axes=[1, 2], **mha)
    attn("MultiHeadAttention", [[None, 8], [None, 8]], **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 8]], num_heads=1, key_dim=8)
    add(
        [{"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 4, "from": ["x", "x"]}],
        [{"name": "x", "shape": [5, 8]}],
        id="MultiHeadAttention self-attention (x, x) on (5, 8)",
    )
    attn("MultiHeadAttention", [[3, 8], [5, 8], [6, 8]], valid_inputs=[[3, 8], [5, 8], [5, 8]], **mha)
    attn("MultiHeadAttention", [[3, 8], [5, 8]], num_heads=0, key_dim=4, valid={"num_heads": 2})
    attn("MultiHeadAttention", [[3, 8]], **mha)

    gqa = {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}
    attn("GroupQueryAttention", [[3, 8], [5, 8]], **gqa)
    attn("GroupQueryAttention", [[3, 8], [5, 8], [5, 8]], **gqa)
    attn("GroupQueryAttention", [[3, 8], [5, 6]], **gqa)
    attn("GroupQueryAttention", [[3, 8], [5, 8]], head_dim=4, num_query_heads=4, num_key_value_heads=1)
    attn("GroupQueryAttention", [[3, 8], [5, 8]], use_bias=False, **gqa)
    attn("GroupQueryAttention", [[3, 8], [5, 8]], use_gate=True, **gqa)
    attn("GroupQueryAttention", [[None, 8], [None, 8]], **gqa)
    attn("GroupQueryAttention", [[3, 8], [5, 8]], head_dim=4, num_query_heads=4, num_key_value_heads=3, valid={"num_key_value_heads": 2})


def preprocessing(one, add, merge):
    ints = "int32"
    one("CategoryEncoding", [3], input_dtype=ints, num_tokens=5)
    one("CategoryEncoding", [1], input_dtype=ints, num_tokens=5, output_mode="one_hot")
    one("CategoryEncoding", [3], input_dtype=ints, num_tokens=5, output_mode="one_hot")
    one("CategoryEncoding", [3], input_dtype=ints, num_tokens=5, output_mode="count")
    one("CategoryEncoding", [2, 3], input_dtype=ints, num_tokens=5, output_mode="multi_hot")
    one("CategoryEncoding", [], input_dtype=ints, num_tokens=5, output_mode="one_hot")
    one("CategoryEncoding", [3], input_dtype=ints, valid={"num_tokens": 5})
    one("CategoryEncoding", [3], input_dtype=ints, num_tokens=5, output_mode="tf_idf", valid={"output_mode": "count"})

    one("Discretization", [3], bin_boundaries=[0.0, 1.0, 2.0])
    one("Discretization", [3], bin_boundaries=[0.0, 1.0, 2.0], output_mode="one_hot")
    one("Discretization", [3], bin_boundaries=[0.0, 1.0, 2.0], output_mode="multi_hot")
    one("Discretization", [3], bin_boundaries=[0.0, 1.0, 2.0], output_mode="count")
    one("Discretization", [2, 3], bin_boundaries=[0.0, 1.0])
    one("Discretization", [3], num_bins=4)
    one("Discretization", [3], num_bins=4, output_mode="one_hot")
    one("Discretization", [3], bin_boundaries=[0.0, 1.0], num_bins=4, valid={"num_bins": None})

    strings = "string"
    one("Hashing", [3], input_dtype=strings, num_bins=4)
    one("Hashing", [3], input_dtype=ints, num_bins=4)
    one("Hashing", [1], input_dtype=strings, num_bins=4, output_mode="one_hot")
    one("Hashing", [3], input_dtype=strings, num_bins=4, output_mode="multi_hot")
    one("Hashing", [3], input_dtype=strings, num_bins=4, output_mode="count")
    one("Hashing", [3], input_dtype=strings, num_bins=4, mask_value="")
    one("Hashing", [3], input_dtype=strings, num_bins=0, valid={"num_bins": 4})

    def crossing(shapes, dtypes, id=None, **args):
        inputs = [{"name": n, "shape": list(s), "dtype": d} for n, s, d in zip("ab", shapes, dtypes)]
        add([dict({"type": "HashedCrossing", "from": ["a", "b"]}, **args)], inputs, id=id)

    crossing([[1], [1]], [ints, strings], num_bins=4)
    crossing([[1], [1]], [ints, ints], num_bins=4, output_mode="one_hot")
    crossing([[], []], [ints, ints], num_bins=4)
    crossing([[1], [1]], [strings, strings], num_bins=4, output_mode="one_hot", sparse=False)

    vocab_ints = [1, 2, 3, 4]
    one("IntegerLookup", [3], input_dtype=ints, vocabulary=vocab_ints)
    one("IntegerLookup", [1], input_dtype=ints, vocabulary=vocab_ints, output_mode="one_hot")
    one("IntegerLookup", [3], input_dtype=ints, vocabulary=vocab_ints, output_mode="multi_hot")
    one("IntegerLookup", [3], input_dtype=ints, vocabulary=vocab_ints, output_mode="count")
    one("IntegerLookup", [3], input_dtype=ints, vocabulary=vocab_ints, output_mode="multi_hot", num_oov_indices=2)
    one("IntegerLookup", [3], input_dtype=ints, vocabulary=vocab_ints, output_mode="multi_hot", mask_token=0)
    one("IntegerLookup", [3], input_dtype=ints, vocabulary=vocab_ints, output_mode="tf_idf", idf_weights=[0.5, 0.5, 0.5, 0.5])
    one("IntegerLookup", [3], input_dtype=ints, vocabulary=vocab_ints, invert=True)
    one("IntegerLookup", [3], input_dtype=ints, max_tokens=10, output_mode="multi_hot", pad_to_max_tokens=True)
    one("IntegerLookup", [3], input_dtype=ints, max_tokens=10)
    one("IntegerLookup", [3], input_dtype=ints, vocabulary=vocab_ints, output_mode="tf_idf", valid={"output_mode": "count"})

    vocab = ["a", "b", "c", "d"]
    one("StringLookup", [3], input_dtype=strings, vocabulary=vocab)
    one("StringLookup", [1], input_dtype=strings, vocabulary=vocab, output_mode="one_hot")
    one("StringLookup", [3], input_dtype=strings, vocabulary=vocab, output_mode="multi_hot")
    one("StringLookup", [3], input_dtype=strings, vocabulary=vocab, output_mode="count")
    one("StringLookup", [3], input_dtype=strings, vocabulary=vocab, output_mode="multi_hot", num_oov_indices=0)
    one("StringLookup", [3], input_dtype=strings, vocabulary=vocab, output_mode="multi_hot", mask_token="")
    one("StringLookup", [3], input_dtype=strings, vocabulary=vocab, output_mode="tf_idf", idf_weights=[1.0, 1.0, 1.0, 1.0])
    one("StringLookup", [3], input_dtype=ints, vocabulary=vocab, invert=True)
    one("StringLookup", [3], input_dtype=strings, max_tokens=10, output_mode="multi_hot", pad_to_max_tokens=True)
    one("StringLookup", [3], input_dtype=strings, vocabulary=vocab, output_mode="one_hot_wrong", valid={"output_mode": "int"})

    words = ["the", "cat", "sat", "on", "mat"]
    one("TextVectorization", [1], input_dtype=strings, vocabulary=words, output_sequence_length=6)
    one("TextVectorization", [1], input_dtype=strings, vocabulary=words)
    one("TextVectorization", [], input_dtype=strings, vocabulary=words, output_sequence_length=6)
    one("TextVectorization", [1], input_dtype=strings, vocabulary=words, output_mode="multi_hot")
    one("TextVectorization", [1], input_dtype=strings, vocabulary=words, output_mode="count")
    one("TextVectorization", [1], input_dtype=strings, vocabulary=words, output_mode="tf_idf", idf_weights=[1.0] * 5)
    one("TextVectorization", [1], input_dtype=strings, vocabulary=words, output_mode="multi_hot", ngrams=2)
    one("TextVectorization", [1], input_dtype=strings, max_tokens=20, output_mode="multi_hot", pad_to_max_tokens=True)
    one("TextVectorization", [1], input_dtype=strings, max_tokens=20, output_sequence_length=4)
    one("TextVectorization", [1], input_dtype=strings, vocabulary=words, output_mode="multi_hot", output_sequence_length=4, valid={"output_sequence_length": None})

    one("Rescaling", IMG, scale=0.00392)
    one("Rescaling", IMG, scale=1.0 / 127.5, offset=-1)
    one("Rescaling", IMG, scale=[0.5, 0.25, 0.125])
    one("Rescaling", IMG, input_dtype="uint8", scale=0.5)

    one("Resizing", IMG, height=16, width=16)
    one("Resizing", IMG, height=4, width=6)
    one("Resizing", IMG, height=4, width=6, crop_to_aspect_ratio=True)
    one("Resizing", IMG, height=4, width=6, pad_to_aspect_ratio=True)
    one("Resizing", IMG, height=4, width=6, interpolation="nearest")
    one("Resizing", [3, 8, 8], height=4, width=6, data_format="channels_first")
    one("Resizing", [None, None, 3], height=4, width=6)
    one("Resizing", IMG, height=4, width=6, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True, valid={"pad_to_aspect_ratio": False})
    one("Resizing", IMG, height=4, width=6, interpolation="sideways", valid={"interpolation": "bilinear"})
    one("Resizing", [8, 8], height=4, width=4, valid_inputs=[IMG])

    one("CenterCrop", IMG, height=4, width=6)
    one("CenterCrop", IMG, height=10, width=12)
    one("CenterCrop", [3, 8, 8], height=4, width=6, data_format="channels_first")
    one("CenterCrop", [None, None, 3], height=4, width=6)

    one("RandomCrop", IMG, height=4, width=6)
    one("RandomCrop", [3, 8, 8], height=4, width=6, data_format="channels_first")
    one("RandomCrop", [None, None, 3], height=4, width=6)
    one("RandomCrop", IMG, height=10, width=10)


def image_preprocessing(one, add):
    """Augmentation layers keep their input's shape in inference."""
    defaults = {
        "AugMix": {},
        "AutoContrast": {},
        "ContrastLimitedAdaptiveHistogramEqualization": {},
        "CutMix": {},
        "Equalization": {},
        "MixUp": {},
        "RandAugment": {},
        "RandomBrightness": {"factor": 0.2},
        "RandomColorDegeneration": {"factor": 0.5},
        "RandomColorJitter": {"brightness_factor": 0.2, "contrast_factor": 0.2},
        "RandomContrast": {"factor": 0.2},
        "RandomElasticTransform": {},
        "RandomErasing": {},
        "RandomFlip": {},
        "RandomGaussianBlur": {},
        "RandomGrayscale": {},
        "RandomHue": {"factor": 0.2},
        "RandomInvert": {},
        "RandomPerspective": {},
        "RandomPosterization": {"factor": [1, 4]},
        "RandomRotation": {"factor": 0.1},
        "RandomSaturation": {"factor": 0.5},
        "RandomSharpness": {"factor": 0.5},
        "RandomShear": {"x_factor": 0.1},
        "RandomTranslation": {"height_factor": 0.1, "width_factor": 0.1},
        "RandomZoom": {"height_factor": 0.1},
        "Solarization": {},
    }
    for kind, args in defaults.items():
        one(kind, IMG, **args)
        if accepts_data_format(kind):
            one(kind, [3, 8, 8], data_format="channels_first", **args)
    for kind in ("RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast", "RandomTranslation"):
        one(kind, [None, None, 3], **defaults[kind])
    one("RandomFlip", IMG, mode="horizontal")
    one("RandomFlip", IMG, mode="vertical")
    one("RandomFlip", IMG, mode="diagonal", valid={"mode": "horizontal"})
    one("RandomRotation", IMG, factor=[-0.2, 0.3], fill_mode="constant")
    one("RandomZoom", IMG, height_factor=0.1, width_factor=[-0.2, 0.2])
    one("RandomZoom", IMG, height_factor=2.0, valid={"height_factor": 0.1})
    one("RandomContrast", IMG, factor=1.5, valid={"factor": 0.2})
    one("RandomGrayscale", IMG, factor=1.0)
    one("RandomGrayscale", [8, 8, 1])
    one("RandomFlip", [8, 8])
    one("RandomRotation", [4, 8, 8, 3], factor=0.1)
    one("MaxNumBoundingBoxes", IMG, max_number=4)
    one("MaxNumBoundingBoxes", [5, 4], max_number=4)


def accepts_data_format(kind):
    return "data_format" in inspect.signature(getattr(keras.layers, kind).__init__).parameters


def audio(one):
    one("MelSpectrogram", [16000])
    one("MelSpectrogram", [16000], fft_length=512, sequence_stride=256, num_mel_bins=40)
    one("MelSpectrogram", [None], fft_length=512, sequence_stride=256, num_mel_bins=40)
    one("MelSpectrogram", [4000], fft_length=256, sequence_stride=128, sequence_length=200, num_mel_bins=20)
    one("MelSpectrogram", [4000], fft_length=256, sequence_length=512, valid={"sequence_length": None})

    one("STFTSpectrogram", [1000, 1])
    one("STFTSpectrogram", [1000, 1], frame_length=128, frame_step=64)
    one("STFTSpectrogram", [1000, 1], frame_length=128, frame_step=64, fft_length=256)
    one("STFTSpectrogram", [1000, 1], frame_length=128, frame_step=64, padding="same")
    one("STFTSpectrogram", [1000, 1], frame_length=128, frame_step=64, mode="magnitude")
    one("STFTSpectrogram", [1000, 1], frame_length=128, frame_step=64, mode="real")
    one("STFTSpectrogram", [1000, 1], frame_length=128, frame_step=64, mode="angle")
    one("STFTSpectrogram", [1000, 1], frame_length=128, frame_step=64, mode="stft")
    one("STFTSpectrogram", [1000, 2], frame_length=128, frame_step=64)
    one("STFTSpectrogram", [1000, 1], frame_length=128, frame_step=64, expand_dims=True)
    one("STFTSpectrogram", [1, 1000], frame_length=128, frame_step=64, data_format="channels_first")
    one("STFTSpectrogram", [None, 1], frame_length=128, frame_step=64)
    one("STFTSpectrogram", [1000, 1], frame_length=128, frame_step=64, fft_length=64, valid={"fft_length": 128})
    one("STFTSpectrogram", [1000, 1], mode="dft", valid={"mode": "log"})


def inputs(add):
    """The InputLayer row: batch sizes, dtypes, unknown and scalar shapes."""
    add([{"type": "Identity"}], [{"shape": [5, 3], "batch_size": 4}], cls="InputLayer")
    add([{"type": "Identity"}], [{"shape": [None, None, 3]}], cls="InputLayer")
    add([{"type": "Identity"}], [{"shape": []}], cls="InputLayer")
    add([{"type": "Identity"}], [{"shape": [5], "dtype": "int32"}], cls="InputLayer")
    add([{"type": "Identity"}], [{"shape": [5], "dtype": "string"}], cls="InputLayer")
    add([{"type": "Identity"}], [{"shape": [5], "dtype": "bfloat16"}], cls="InputLayer")
    add([{"type": "Identity"}], [{"name": "pixels", "shape": [2, 2, 1]}], cls="InputLayer")
    add(
        [{"type": "Dense", "units": 2, "from": "a"}, {"type": "Dense", "units": 3, "from": "b"}],
        [{"name": "a", "shape": [4]}, {"name": "b", "shape": [5]}],
        outputs=["dense", "dense_1"],
        id="two inputs, two outputs: Dense(units=2) on a (4,), Dense(units=3) on b (5,)",
        cls="InputLayer",
    )


def aliases(one, merge, add):
    """Keras's other names for a class: one case each, the summary prints the class's own name."""
    one("Convolution1D", SEQ, filters=8, kernel_size=3)
    one("Convolution2D", IMG, filters=4, kernel_size=3)
    one("Convolution3D", VOL, filters=4, kernel_size=3)
    one("Convolution1DTranspose", SEQ, filters=8, kernel_size=3)
    one("Convolution2DTranspose", [5, 5, 3], filters=4, kernel_size=3)
    one("Convolution3DTranspose", [4, 4, 4, 2], filters=4, kernel_size=3)
    one("SeparableConvolution1D", SEQ, filters=8, kernel_size=3)
    one("SeparableConvolution2D", IMG, filters=4, kernel_size=3)
    one("MaxPool1D", SEQ)
    one("MaxPool2D", IMG)
    one("MaxPool3D", VOL)
    one("AvgPool1D", SEQ, pool_size=2)
    one("AvgPool2D", IMG, pool_size=2)
    one("AvgPool3D", VOL, pool_size=2)
    one("GlobalAvgPool1D", SEQ)
    one("GlobalAvgPool2D", IMG)
    one("GlobalAvgPool3D", VOL)
    one("GlobalMaxPool1D", SEQ)
    one("GlobalMaxPool2D", IMG)
    one("GlobalMaxPool3D", VOL)


def dtype_policies(one, add):
    """A layer's dtype policy sets the dtype of its weights, and so the bytes Keras prints beside each total:
    bfloat16 and float16 hold 2 bytes a value, float64 8, a mixed policy keeps float32 weights."""
    one("Dense", [8], units=4, dtype="float16")
    one("Dense", [8], units=4, dtype="float64")
    one("Dense", [8], units=4, dtype="mixed_bfloat16")
    one("Dense", [8], units=4, lora_rank=2, dtype="bfloat16")
    one("Conv2D", IMG, filters=4, kernel_size=3, dtype="bfloat16")
    one("Conv2DTranspose", [5, 5, 3], filters=4, kernel_size=3, dtype="float64")
    one("DepthwiseConv2D", IMG, kernel_size=3, dtype="float16")
    one("SeparableConv2D", IMG, filters=4, kernel_size=3, dtype="bfloat16")
    one("PReLU", IMG, dtype="bfloat16")
    one("EinsumDense", [8], equation="ab,bc->ac", output_shape=4, bias_axes="c", dtype="bfloat16")
    add([{"type": "Embedding", "input_dim": 10, "output_dim": 4, "dtype": "float16"}], [{"shape": [5], "dtype": "int32"}])
    add([{"type": "Embedding", "input_dim": 10, "output_dim": 4, "dtype": "mixed_float16"}], [{"shape": [5], "dtype": "int32"}])
    one("BatchNormalization", IMG, dtype="bfloat16")
    one("LayerNormalization", [5, 8], dtype="float16")
    one("GroupNormalization", [8, 8, 16], groups=4, dtype="bfloat16")
    one("RMSNormalization", [5, 8], dtype="bfloat16")
    one("Normalization", [4, 5, 3], dtype="bfloat16")
    one("LSTM", SEQ, units=8, dtype="float64")
    one("GRU", SEQ, units=8, dtype="float64")
    one("RNN", SEQ, cell={"type": "GRUCell", "units": 4}, dtype="float64")
    one("RNN", SEQ, cell={"type": "GRUCell", "units": 4, "dtype": "float64"})
    one("Bidirectional", SEQ, layer={"type": "GRU", "units": 4, "dtype": "float64"})
    one("Bidirectional", SEQ, layer={"type": "LSTM", "units": 4}, backward_layer={"type": "LSTM", "units": 4, "go_backwards": True, "dtype": "float64"})
    one("TimeDistributed", [5, 8], layer={"type": "Dense", "units": 3, "dtype": "bfloat16"})
    for kind, args in (
        ("MultiHeadAttention", {"num_heads": 2, "key_dim": 4, "dtype": "bfloat16"}),
        ("GroupQueryAttention", {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2, "dtype": "bfloat16"}),
        ("Attention", {"use_scale": True, "dtype": "float16"}),
    ):
        shapes = [[3, 8], [5, 8]] if kind != "Attention" else [[3, 4], [5, 4]]
        inputs = [{"name": n, "shape": s} for n, s in zip(["query", "value"], shapes)]
        add([dict({"type": kind, "from": ["query", "value"]}, **args)], inputs)
