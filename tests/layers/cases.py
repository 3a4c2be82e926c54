"""Parameter sets for the registry contract test: every registered layer kind needs at least one.

Each case is (input shape without the batch, params). Token layers (embedding) get integer input.
"""
from __future__ import annotations

_SEQ = [((6, 3), {"units": 4}), ((5, 2), {"units": 3, "return_sequences": True}),
        ((4, 3), {"units": 2, "bidirectional": True}),
        ((4, 3), {"units": 2, "bidirectional": True, "return_sequences": True, "bias_initializer": "ones"})]

_POOL1 = [((2, 9), {}), ((2, 9), {"pool_size": 3, "strides": 2, "padding": "same"}), ((3, 4), {"pool_size": 4})]
_POOL2 = [((3, 8, 8), {}), ((2, 7, 5), {"pool_size": 3, "strides": 2, "padding": "same"}),
          ((2, 7, 7), {"pool_size": [2, 3], "strides": 1}), ((1, 2, 2), {"pool_size": 3, "padding": "same"})]
_POOL3 = [((2, 4, 6, 6), {}), ((1, 5, 5, 5), {"pool_size": 2, "padding": "same"})]
_GLOBAL = [((4, 5, 5), {}), ((6, 3), {"keep": "last"}), ((3, 4, 4, 4), {}), ((2, 7), {})]
_NOISE = [((6,), {}), ((2, 4, 4), {"rate": 0.3})]

CASES: dict[str, list[tuple[tuple[int, ...], dict]]] = {
    "dense": [((5,), {"units": 3}), ((4, 6), {"units": 2, "activation": "prelu", "use_bias": False}),
              ((4, 6), {"units": 3, "activation": "softmax"}),
              ((5,), {"units": 4, "kernel_initializer": "he_normal", "activation": "softmax"})],
    "flatten": [((2, 3, 4), {}), ((5,), {})],
    "permute": [((4, 6), {}), ((2, 3, 4), {"dims": [3, 1, 2]}), ((5,), {"dims": [1]})],
    "reshape": [((12,), {"target_shape": [3, 4]}), ((2, 3, 4), {"target_shape": [-1, 4]}),
                ((16,), {"target_shape": [1, -1, 4]})],
    "activation": [((5,), {"activation": "prelu"}), ((3, 4, 4), {"activation": "gelu"}),
                   ((5,), {"activation": "softmax"})],
    "dropout": _NOISE, "alpha_dropout": _NOISE, "gaussian_dropout": _NOISE,
    "gaussian_noise": [((6,), {}), ((2, 4, 4), {"stddev": 0.5})],
    "batch_norm": [((5,), {}), ((3, 7), {"momentum": 0.9}), ((2, 5, 5), {"scale": False}),
                   ((2, 3, 4, 4), {"epsilon": 1e-5})],
    "layer_norm": [((3, 4, 4), {}), ((5, 6), {"over": "last"}), ((6,), {"scale": False})],
    "conv1d": [((2, 10), {"filters": 4, "kernel_size": 3}),
               ((3, 9), {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"}),
               ((1, 12), {"filters": 2, "kernel_size": 3, "dilation": 2, "activation": "tanh"})],
    "conv2d": [((1, 8, 8), {"filters": 4, "kernel_size": 3, "padding": "same"}),
               ((3, 9, 7), {"filters": 2, "kernel_size": [3, 2], "strides": [2, 3], "padding": "same"}),
               ((2, 9, 9), {"filters": 3, "kernel_size": 3, "dilation": 2, "use_bias": False})],
    "conv3d": [((1, 5, 6, 6), {"filters": 2, "kernel_size": 3}),
               ((2, 4, 5, 5), {"filters": 3, "kernel_size": 2, "strides": 2, "padding": "same"})],
    "conv2d_transpose": [((3, 5, 5), {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}),
                         ((2, 4, 4), {"filters": 3, "kernel_size": 2, "strides": 3}),
                         ((2, 4, 6), {"filters": 2, "kernel_size": [3, 4], "strides": [1, 2]}),
                         ((2, 4, 4), {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"}),
                         ((2, 4, 4), {"filters": 2, "kernel_size": 3, "padding": "same"})],
    "depthwise_conv2d": [((3, 8, 8), {"kernel_size": 3, "depth_multiplier": 2}),
                         ((2, 7, 7), {"kernel_size": 3, "strides": 2, "padding": "same", "use_bias": False})],
    "separable_conv2d": [((3, 8, 8), {"filters": 5, "kernel_size": 3, "padding": "same"}),
                         ((2, 9, 9), {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same",
                                      "depth_multiplier": 2})],
    "upsampling2d": [((2, 3, 4), {"size": 2}), ((1, 3, 3), {"size": [2, 3], "interpolation": "bilinear"})],
    "max_pool1d": _POOL1, "avg_pool1d": _POOL1,
    "max_pool2d": _POOL2, "avg_pool2d": _POOL2,
    "max_pool3d": _POOL3, "avg_pool3d": _POOL3,
    "global_avg_pool": _GLOBAL, "global_max_pool": _GLOBAL,
    "embedding": [((5,), {"input_dim": 11, "output_dim": 4}), ((2, 3), {"input_dim": 7, "output_dim": 2})],
    "simple_rnn": _SEQ,
    "lstm": [*_SEQ, ((5, 3), {"units": 4, "recurrent_activation": "hard_sigmoid", "bidirectional": True}),
             ((4, 2), {"units": 3, "recurrent_activation": "tanh", "return_sequences": True})],
    "gru": [*_SEQ, ((5, 3), {"units": 4, "reset_after": False, "return_sequences": True}),
            ((4, 2), {"units": 3, "recurrent_activation": "hard_sigmoid", "reset_after": False, "bidirectional": True})],
    "residual": [
        ((6,), {"layers": [{"type": "dense", "units": 6}, {"type": "dense", "units": 6, "activation": "linear"}]}),
        ((6,), {"layers": [{"type": "dense", "units": 4}], "activation": "relu"}),
        ((3, 8, 8), {"layers": [{"type": "conv2d", "filters": 3, "padding": "same"}, {"type": "batch_norm"}]}),
        ((3, 8, 8), {"layers": [{"type": "conv2d", "filters": 5, "strides": 2, "padding": "same"}],
                     "activation": "relu"}),
        ((5, 4), {"layers": [{"type": "lstm", "units": 6, "return_sequences": True}]}),
        ((4,), {"layers": [{"type": "residual", "layers": [{"type": "dense", "units": 4}]},
                           {"type": "dropout", "rate": 0.1}]}),
    ],
}
