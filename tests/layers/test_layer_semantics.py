"""What particular layers compute, where Keras users have expectations: 'same' padding, pooling
that ignores padded cells, the last step of a recurrent layer, residual shortcuts, sizes."""
from __future__ import annotations

import pytest
import torch

from layerlab.api import Project
from layerlab.engine.build import build_network
from layerlab.layers import get_layer
from tests.conftest import toy_doc


def _net(layers, shape, seed=0):
    net = build_network(layers, shape, seed=seed)
    return net.eval()


def test_avg_pool_same_divides_by_real_cells_only():
    net = _net([{"type": "avg_pool1d", "pool_size": 2, "padding": "same"}], (1, 3))
    y = net(torch.tensor([[[1.0, 2.0, 3.0]]]))
    assert y.tolist() == [[[1.5, 3.0]]]  # the last window holds 3 and one padded cell


def test_max_pool_same_never_picks_padding():
    net = _net([{"type": "max_pool2d", "pool_size": 2, "padding": "same"}], (1, 3, 3))
    x = -torch.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    assert net(x).tolist() == [[[[-1.0, -3.0], [-7.0, -9.0]]]]


@pytest.mark.parametrize("size,k,s", [(7, 3, 2), (8, 3, 2), (9, 4, 3), (5, 1, 2), (6, 5, 1)])
def test_conv_same_output_is_ceil_of_size_over_stride(size, k, s):
    conv = get_layer("conv1d")
    p = conv.resolve({"kernel_size": k, "strides": s, "padding": "same"}, "l")
    assert conv.infer_shape(p, (1, size), "l") == (16, -(-size // s))


@pytest.mark.parametrize("size,k,s,padding", [(5, 3, 2, "same"), (5, 3, 2, "valid"), (4, 2, 3, "valid"),
                                              (4, 4, 2, "same"), (3, 5, 2, "valid")])
def test_transposed_conv_sizes_follow_keras(size, k, s, padding):
    t = get_layer("conv2d_transpose")
    p = t.resolve({"filters": 2, "kernel_size": k, "strides": s, "padding": padding}, "l")
    keras = size * s if padding == "same" else size * s + max(k - s, 0)
    assert t.infer_shape(p, (1, size, size), "l") == (2, keras, keras)


def test_recurrent_output_is_the_last_step_or_both_final_states():
    seqs = _net([{"type": "gru", "units": 3, "bidirectional": True, "return_sequences": True}], (6, 2))
    last = _net([{"type": "gru", "units": 3, "bidirectional": True}], (6, 2))
    last.load_state_dict(seqs.state_dict())
    x = torch.randn(4, 6, 2)
    every = seqs(x)  # (4, 6, 6): forward half, then backward half
    torch.testing.assert_close(last(x), torch.cat([every[:, -1, :3], every[:, 0, 3:]], dim=1))


def test_identity_shortcut_adds_the_input_back():
    block = [{"type": "residual", "layers": [{"type": "dense", "units": 4, "kernel_initializer": "zeros",
                                              "bias_initializer": "ones", "activation": "linear"}]}]
    net = _net(block, (4,))
    x = torch.randn(2, 4)
    torch.testing.assert_close(net(x), x + 1)
    assert get_layer("residual").param_count(get_layer("residual").resolve(block[0], "l"), (4,)) == 20


def test_projection_shortcut_follows_a_strided_body():
    block = {"type": "residual", "layers": [{"type": "conv2d", "filters": 8, "strides": 2, "padding": "same"}]}
    r = get_layer("residual")
    p = r.resolve(block, "l")
    assert r.infer_shape(p, (3, 9, 9), "l") == (8, 5, 5)
    body = 3 * 8 * 9 + 8
    assert r.param_count(p, (3, 9, 9)) == body + 3 * 8 + 8  # plus a 1x1 projection with bias
    assert "kernel_size=1, stride=(2, 2)" in r.code(p, (3, 9, 9))


def test_embedding_looks_up_rows():
    net = _net([{"type": "embedding", "input_dim": 5, "output_dim": 2}], (3,))
    table = net.layers[0].weight
    torch.testing.assert_close(net(torch.tensor([[4, 0, 4]])), table[[4, 0, 4]].unsqueeze(0))


def test_batch_norm_follows_the_rank():
    bn = get_layer("batch_norm")
    p = bn.resolve({}, "l")
    for shape, cls in [((5,), "BatchNorm1d"), ((3, 7), "BatchNorm1d"), ((2, 4, 4), "BatchNorm2d"),
                       ((2, 3, 4, 4), "BatchNorm3d")]:
        assert bn.code(p, shape).startswith(f"nn.{cls}({shape[0]},")


@pytest.mark.parametrize("layers", [
    [{"type": "embedding", "input_dim": 10, "output_dim": 6}, {"type": "permute"},
     {"type": "conv1d", "filters": 4, "kernel_size": 3}, {"type": "global_max_pool"}],
    [{"type": "embedding", "input_dim": 10, "output_dim": 6}, {"type": "lstm", "units": 4, "return_sequences": True},
     {"type": "global_avg_pool", "keep": "last"}],
    [{"type": "embedding", "input_dim": 10, "output_dim": 6}, {"type": "gru", "units": 4}],
])
def test_sequence_models_that_are_laid_out_right_are_valid(layers):
    doc = toy_doc(layers + [{"type": "dense", "units": 3, "activation": "softmax"}], shape=(5,))
    doc["data"]["params"]["tokens"] = 10
    assert Project(doc).errors() == []


def test_softmax_after_dense_on_a_sequence_normalises_each_step():
    net = _net([{"type": "dense", "units": 3, "activation": "softmax"}], (4, 5))
    y = net(torch.randn(2, 4, 5))
    torch.testing.assert_close(y.sum(dim=-1), torch.ones(2, 4))
