#!/usr/bin/python3
"""Independent reference executor for uint8 TFLite classifiers: an oracle for q8rt's TFLite support.

It shares no code with q8rt's C: the .tflite file is read with Python classes that `flatc --python` (Debian's
flatbuffers-compiler) generates at run time, into a temporary directory, from TensorFlow Lite's schema.fbs
(never committed), and the graph runs on NumPy transcriptions of TFLite's REFERENCE integer kernels, in int64
arithmetic (vectorized: convolutions as im2col + matrix product). Whatever q8rt computes, this script computes
from the TensorFlow sources below, so agreement byte for byte means both follow TFLite.

Usage:
  tflite_reference.py MODEL.tflite --input IN.u8 --logits LOGITS.u8 --output SOFTMAX.u8 [--rounding double|single]
  tflite_reference.py MODEL.tflite --image photo.jpg [--dump-input IN.u8] [--top 5 --labels LABELS] [...]
  tflite_reference.py MODEL.tflite --eval LABELS.txt [--limit N] [--class-offset 1]   (top-1 / top-5)
  tflite_reference.py --selftest
IN.u8 is the raw uint8 NHWC input (H*W*3 bytes); LOGITS.u8 the uint8 tensor that feeds the final SOFTMAX;
SOFTMAX.u8 the softmax output. --image applies TensorFlow's evaluation preprocessing (PIL decode,
convert("RGB"), tf.image.central_crop(0.875), TF1 resize_bilinear, round to uint8 with ties to even: the same
formulas as src/cli/resize_tf.c). The schema is --schema, else $Q8RT_TFLITE_SCHEMA, else schema.fbs next to
the model (SOURCE.md of the models: flatc 2.0.8 rejects the two `(deprecated)` attributes on the enum / union
values REDUCE_WINDOW and ReduceWindowOptions, so they are removed with sed on a temporary copy).

TensorFlow sources transcribed (Apache License 2.0; read through the code search, not copied):
  tensorflow/lite/kernels/internal/common.h / common.cc
      MultiplyByQuantizedMultiplier: RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^left_shift, M),
      right_shift) (double rounding, the default); with TFLITE_SINGLE_ROUNDING:
      (x * M + 2^(total_shift - 1)) >> total_shift, total_shift = 31 - shift (--rounding single).
      MultiplyByQuantizedMultiplierSmallerThanOneExp / GreaterThanOne (the same under single rounding).
      GetReciprocal (softmax).
  gemmlowp fixedpoint/fixedpoint.h: SaturatingRoundingDoublingHighMul (nudge 2^30 / 1 - 2^30, division
      truncating toward zero), RoundingDivideByPOT, SaturatingRoundingMultiplyByPOT, Rescale, RoundingHalfSum,
      exp_on_interval_between_negative_one_quarter_and_0_excl, exp_on_negative_values (barrel shifter
      constants 1672461947 .. 242), one_over_one_plus_x_for_x_in_0_1 (Newton-Raphson, 48/17, -32/17).
  tensorflow/lite/kernels/internal/quantization_util.cc: QuantizeMultiplier (frexp, TfLiteRound = round half
      away from zero of q * 2^31, 2^31 -> 2^30 and shift + 1, shift < -31 -> 0; single rounding: shift > 30 ->
      30 and 2^31 - 1), QuantizeMultiplierSmallerThanOneExp / GreaterThanOne, PreprocessSoftmaxScaling,
      CalculateInputRadius.
  tensorflow/lite/kernels/kernel_util.cc: GetQuantizedConvolutionMultipler (input_scale * filter_scale as a
      float product, then / output_scale in double), CalculateActivationRangeQuantized (zero_point +
      TfLiteRound(f / scale) in float, NONE / RELU / RELU6 / RELU_N1_TO_1).
  tensorflow/lite/kernels/padding.h: ComputePaddingHeightWidth / ComputeOutSize (SAME: the extra row / column
      at the bottom / right).
  tensorflow/lite/kernels/internal/reference/conv.h (uint8), depthwiseconv_uint8.h (kAwayFromZero rounding =
      MultiplyByQuantizedMultiplier), fully_connected.h: acc = sum (in - in_zp) * (w - w_zp) + bias over the
      in-bounds taps, MultiplyByQuantizedMultiplier, + out_zp, clamp.
  tensorflow/lite/kernels/add.cc + internal/reference/add.h (uint8): left_shift 20, twice_max_input_scale,
      per-input and output multipliers (SmallerThanOneExp).
  tensorflow/lite/kernels/internal/reference/pooling.h AveragePool (uint8): (sum + count / 2) / count over
      the in-bounds elements, activation clamp.
  tensorflow/lite/kernels/internal/reference/softmax.h (uint8): Q5.26 input differences, exp_on_negative_values,
      Q12.19 accumulation, GetReciprocal, RoundingDivideByPOT by num_bits_over_unit + 31 - 8; diff_min from
      CalculateInputRadius(5, left_shift); softmax.cc Prepare (PreprocessSoftmaxScaling with beta).
"""
import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


# ---- TensorFlow's evaluation preprocessing (the formulas of src/cli/resize_tf.c) ---------------------------

def tf_central_crop_box(size, fraction):
    """tf.image.central_crop, one axis: int((size - size * fraction) / 2) in double; size - 2 * start."""
    d = float(size)
    start = int((d - d * float(fraction)) / 2)
    return start, size - 2 * start


def _tf_axis(out_size, in_size):
    """compute_interpolation_weights with LegacyScaler, all float32 (resize_bilinear_op.cc)."""
    scale = np.float32(in_size) / np.float32(out_size)
    pos = np.arange(out_size, dtype=np.int64).astype(np.float32) * scale
    fl = np.floor(pos)
    lower = np.clip(fl.astype(np.int64), 0, in_size - 1)
    upper = np.clip(np.ceil(pos).astype(np.int64), 0, in_size - 1)
    return lower, upper, (pos - fl).astype(np.float32)


def tf_resize_bilinear_u8(img, out_h, out_w):
    """TF1 tf.image.resize_bilinear (align_corners=False, half_pixel_centers=False) of an HxWxC uint8 array,
    float32 lerps as compute_lerp, then rounded to uint8 (ties to even) and clamped."""
    in_h, in_w = img.shape[0], img.shape[1]
    ly, uy, yl = _tf_axis(out_h, in_h)
    lx, ux, xl = _tf_axis(out_w, in_w)
    top_rows = img[ly]
    bottom_rows = img[uy]
    tl = top_rows[:, lx].astype(np.float32)
    tr = top_rows[:, ux].astype(np.float32)
    bl = bottom_rows[:, lx].astype(np.float32)
    br = bottom_rows[:, ux].astype(np.float32)
    xl = xl[None, :, None]
    yl = yl[:, None, None]
    top = tl + (tr - tl) * xl
    bottom = bl + (br - bl) * xl
    res = top + (bottom - top) * yl
    assert res.dtype == np.float32
    return np.clip(np.rint(res), 0, 255).astype(np.uint8)


def tf_crop_resize(img, fraction, out_w, out_h):
    """central_crop(fraction) then resize_bilinear to out_h x out_w, rounded to uint8 (HWC RGB)."""
    y0, hh = tf_central_crop_box(img.shape[0], fraction)
    x0, ww = tf_central_crop_box(img.shape[1], fraction)
    if hh <= 0 or ww <= 0:
        raise ValueError("empty crop")
    return tf_resize_bilinear_u8(img[y0:y0 + hh, x0:x0 + ww], out_h, out_w)


def load_image_rgb(path):
    from PIL import Image
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.uint8)


# ---- fixed-point arithmetic (gemmlowp fixedpoint.h, TFLite common.h, quantization_util.cc) ------------------

def _i64(x):
    return np.asarray(x, dtype=np.int64)


def _check_int32(x, what):
    x = _i64(x)
    if x.size and (x.min() < INT32_MIN or x.max() > INT32_MAX):
        raise OverflowError(f"{what}: int32 overflow")
    return x


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul for int32 values held in int64 arrays."""
    a = _i64(a)
    b = _i64(b)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    s = ab + nudge
    q = np.where(s >= 0, s >> 31, -((-s) >> 31))  # C++ '/' truncates toward zero
    overflow = (a == b) & (a == INT32_MIN)
    return np.where(overflow, INT32_MAX, q)


def rdbpot(x, exponent):
    """RoundingDivideByPOT: rounding arithmetic right shift (ties away from zero)."""
    assert 0 <= exponent <= 31
    x = _i64(x)
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0).astype(np.int64)
    return (x >> exponent) + (remainder > threshold).astype(np.int64)


def sat_mul_pot(x, exponent):
    """SaturatingRoundingMultiplyByPOT<exponent> on int32."""
    x = _i64(x)
    if exponent == 0:
        return x
    if exponent < 0:
        return rdbpot(x, -exponent)
    threshold = (1 << (31 - exponent)) - 1
    r = x << exponent
    r = np.where(x > threshold, INT32_MAX, r)
    return np.where(x < -threshold, INT32_MIN, r)


ROUNDING = "double"


def mbqm(x, multiplier, shift):
    """MultiplyByQuantizedMultiplier(x, M, shift), shift > 0 = left shift (common.h)."""
    x = _check_int32(x, "MultiplyByQuantizedMultiplier input")
    if ROUNDING == "single":
        assert multiplier >= 0 and -31 <= shift <= 30
        total_shift = 31 - shift
        r = (x * np.int64(multiplier) + (np.int64(1) << (total_shift - 1))) >> total_shift
        return _check_int32(r, "MultiplyByQuantizedMultiplier result")
    left = shift if shift > 0 else 0
    right = 0 if shift > 0 else -shift
    shifted = _check_int32(x * (1 << left), "x * (1 << left_shift)")
    return rdbpot(srdhm(shifted, multiplier), right)


def mbqm_smaller_than_one_exp(x, multiplier, left_shift):
    if ROUNDING == "single":
        return mbqm(x, multiplier, left_shift)
    return rdbpot(srdhm(_check_int32(x, "input"), multiplier), -left_shift)


def mbqm_greater_than_one(x, multiplier, left_shift):
    if ROUNDING == "single":
        return mbqm(x, multiplier, left_shift)
    return srdhm(_check_int32(_i64(x) * (1 << left_shift), "x << left_shift"), multiplier)


def tflite_round(v):
    """TfLiteRound = std::round: half away from zero (v a Python float, exact)."""
    a = abs(v)
    r = math.floor(a)
    if a - r >= 0.5:
        r += 1
    return int(r) if v >= 0 else -int(r)


def quantize_multiplier(m):
    """QuantizeMultiplier(double) -> (int32 multiplier, shift)."""
    if m == 0.0:
        return 0, 0
    q, shift = math.frexp(m)
    q_fixed = tflite_round(q * (1 << 31))
    assert q_fixed <= (1 << 31)
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    assert q_fixed <= INT32_MAX
    if shift < -31:
        shift = 0
        q_fixed = 0
    if ROUNDING == "single" and shift > 30:
        shift = 30
        q_fixed = (1 << 31) - 1
    return q_fixed, shift


def quantize_multiplier_smaller_than_one_exp(m):
    assert 0.0 < m < 1.0, m
    q, shift = quantize_multiplier(m)
    assert shift <= 0
    return q, shift


def quantize_multiplier_greater_than_one(m):
    assert m > 1.0, m
    q, shift = quantize_multiplier(m)
    assert shift >= 0
    return q, shift


def f32(x):
    return float(np.float32(x))


def conv_multiplier(in_scale, w_scale, out_scale):
    """GetQuantizedConvolutionMultipler: float product input_scale * filter_scale, / output_scale in double."""
    product = float(np.float32(in_scale) * np.float32(w_scale))
    assert product >= 0
    return product / float(out_scale)


def activation_range(act, scale, zero_point, qmin=0, qmax=255):
    """CalculateActivationRangeQuantized: zero_point + TfLiteRound(f / scale), f / scale in float."""
    def quantize(f):
        return zero_point + tflite_round(float(np.float32(f) / np.float32(scale)))
    if act == 0:  # NONE
        return qmin, qmax
    if act == 1:  # RELU
        return max(qmin, quantize(0.0)), qmax
    if act == 3:  # RELU6
        return max(qmin, quantize(0.0)), min(qmax, quantize(6.0))
    if act == 2:  # RELU_N1_TO_1
        return max(qmin, quantize(-1.0)), min(qmax, quantize(1.0))
    raise NotImplementedError(f"fused activation {act}")


# ---- kernels (TFLite reference, uint8) ----------------------------------------------------------------------

def compute_out_size(padding, size, filt, stride, dilation=1):
    eff = (filt - 1) * dilation + 1
    if padding == 0:  # SAME
        return (size + stride - 1) // stride
    return (size + stride - eff) // stride  # VALID


def compute_padding(stride, dilation, size, filt, out_size):
    """ComputePaddingWithOffset: returns the top / left padding (the odd extra one goes to the bottom / right)."""
    eff = (filt - 1) * dilation + 1
    total = max((out_size - 1) * stride + eff - size, 0)
    return total // 2


def _windows(xc, kh, kw, oh, ow, sh, sw, dh, dw, pad_t, pad_l):
    """xc: [H, W, C] int64 already offset by -zero_point; zero-padded so out-of-image taps contribute 0 (the
    reference kernels skip them). Returns [kh, kw] list of [oh, ow, C] views."""
    h, w, c = xc.shape
    need_h = (oh - 1) * sh + (kh - 1) * dh + 1
    need_w = (ow - 1) * sw + (kw - 1) * dw + 1
    pb = max(need_h - pad_t - h, 0)
    pr = max(need_w - pad_l - w, 0)
    xp = np.zeros((pad_t + h + pb, pad_l + w + pr, c), dtype=np.int64)
    xp[pad_t:pad_t + h, pad_l:pad_l + w] = xc
    out = []
    for ky in range(kh):
        row = []
        for kx in range(kw):
            y0, x0 = ky * dh, kx * dw
            row.append(xp[y0:y0 + (oh - 1) * sh + 1:sh, x0:x0 + (ow - 1) * sw + 1:sw])
        out.append(row)
    return out


def requantize(acc, multiplier, shift, out_zp, act_min, act_max):
    r = mbqm(acc, multiplier, shift) + out_zp
    return np.clip(r, act_min, act_max).astype(np.uint8)


def conv2d(x, in_q, w, w_q, bias, out_q, padding, stride_h, stride_w, act, dil_h=1, dil_w=1):
    """x [1, H, W, C] uint8; w [OC, KH, KW, C] uint8; bias [OC] int32 or None."""
    _, h, wd, c = x.shape
    oc, kh, kw, wc = w.shape
    assert wc == c
    oh = compute_out_size(padding, h, kh, stride_h, dil_h)
    ow = compute_out_size(padding, wd, kw, stride_w, dil_w)
    pt = compute_padding(stride_h, dil_h, h, kh, oh)
    pl = compute_padding(stride_w, dil_w, wd, kw, ow)
    xc = x[0].astype(np.int64) - in_q[1]
    wins = _windows(xc, kh, kw, oh, ow, stride_h, stride_w, dil_h, dil_w, pt, pl)
    cols = np.concatenate([wins[ky][kx] for ky in range(kh) for kx in range(kw)], axis=2)  # [oh, ow, kh*kw*c]
    wm = (w.astype(np.int64) - w_q[1]).reshape(oc, kh * kw * c)
    acc = cols.reshape(oh * ow, -1) @ wm.T
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    m, s = quantize_multiplier(conv_multiplier(in_q[0], w_q[0], out_q[0]))
    lo, hi = activation_range(act, out_q[0], out_q[1])
    return requantize(acc, m, s, out_q[1], lo, hi).reshape(1, oh, ow, oc)


def depthwise_conv2d(x, in_q, w, w_q, bias, out_q, padding, stride_h, stride_w, depth_multiplier, act,
                     dil_h=1, dil_w=1):
    """x [1, H, W, C]; w [1, KH, KW, C * depth_multiplier]; output channel ic * multiplier + m."""
    _, h, wd, c = x.shape
    _, kh, kw, oc = w.shape
    if depth_multiplier == 0:  # depthwise_conv.cc: derived from the shapes when the option is unset
        depth_multiplier = oc // c
    assert oc == c * depth_multiplier
    oh = compute_out_size(padding, h, kh, stride_h, dil_h)
    ow = compute_out_size(padding, wd, kw, stride_w, dil_w)
    pt = compute_padding(stride_h, dil_h, h, kh, oh)
    pl = compute_padding(stride_w, dil_w, wd, kw, ow)
    xc = x[0].astype(np.int64) - in_q[1]
    if depth_multiplier != 1:
        xc = np.repeat(xc, depth_multiplier, axis=2)
    wins = _windows(xc, kh, kw, oh, ow, stride_h, stride_w, dil_h, dil_w, pt, pl)
    wm = w[0].astype(np.int64) - w_q[1]
    acc = np.zeros((oh, ow, oc), dtype=np.int64)
    for ky in range(kh):
        for kx in range(kw):
            acc += wins[ky][kx] * wm[ky, kx]
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    m, s = quantize_multiplier(conv_multiplier(in_q[0], w_q[0], out_q[0]))
    lo, hi = activation_range(act, out_q[0], out_q[1])
    return requantize(acc, m, s, out_q[1], lo, hi).reshape(1, oh, ow, oc)


def fully_connected(x, in_q, w, w_q, bias, out_q, act):
    """x [..., IN] flattened to [batch, IN]; w [OUT, IN]."""
    out_n, in_n = w.shape
    xm = x.reshape(-1, in_n).astype(np.int64) - in_q[1]
    acc = xm @ (w.astype(np.int64) - w_q[1]).T
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    m, s = quantize_multiplier(conv_multiplier(in_q[0], w_q[0], out_q[0]))
    lo, hi = activation_range(act, out_q[0], out_q[1])
    return requantize(acc, m, s, out_q[1], lo, hi)


def add(a, a_q, b, b_q, out_q, act):
    """add.cc Prepare (uint8) + reference/add.h."""
    left_shift = 20
    twice_max = float(np.float32(2) * max(np.float32(a_q[0]), np.float32(b_q[0])))
    m1, s1 = quantize_multiplier_smaller_than_one_exp(f32(a_q[0]) / twice_max)
    m2, s2 = quantize_multiplier_smaller_than_one_exp(f32(b_q[0]) / twice_max)
    mo, so = quantize_multiplier_smaller_than_one_exp(
        twice_max / float(np.float32(1 << left_shift) * np.float32(out_q[0])))
    lo, hi = activation_range(act, out_q[0], out_q[1])
    va = (a.astype(np.int64) - a_q[1]) * (1 << left_shift)
    vb = (b.astype(np.int64) - b_q[1]) * (1 << left_shift)
    sa = mbqm_smaller_than_one_exp(va, m1, s1)
    sb = mbqm_smaller_than_one_exp(vb, m2, s2)
    raw = mbqm_smaller_than_one_exp(sa + sb, mo, so) + out_q[1]
    return np.clip(raw, lo, hi).astype(np.uint8)


def average_pool(x, in_q, out_q, padding, stride_h, stride_w, fh, fw, act):
    _, h, wd, c = x.shape
    oh = compute_out_size(padding, h, fh, stride_h)
    ow = compute_out_size(padding, wd, fw, stride_w)
    pt = compute_padding(stride_h, 1, h, fh, oh)
    pl = compute_padding(stride_w, 1, wd, fw, ow)
    wins = _windows(x[0].astype(np.int64), fh, fw, oh, ow, stride_h, stride_w, 1, 1, pt, pl)
    ones = _windows(np.ones((h, wd, 1), dtype=np.int64), fh, fw, oh, ow, stride_h, stride_w, 1, 1, pt, pl)
    acc = sum(wins[i][j] for i in range(fh) for j in range(fw))
    count = sum(ones[i][j] for i in range(fh) for j in range(fw))
    assert count.min() > 0
    acc = (acc + count // 2) // count  # non-negative: C division
    lo, hi = activation_range(act, out_q[0], out_q[1])
    return np.clip(acc, lo, hi).astype(np.uint8).reshape(1, oh, ow, c)


# gemmlowp fixed point, raw int32 values in Python ints / int64 arrays
def _exp_on_interval_between_negative_one_quarter_and_0_excl(a):
    constant_term = 1895147668
    constant_1_over_3 = 715827883
    x = a + (1 << 28)
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = sat_mul_pot(x4, -2)
    poly = sat_mul_pot(srdhm(x4_over_4 + x3, constant_1_over_3) + x2, -1)
    return constant_term + srdhm(constant_term, x + poly)


def exp_on_negative_values(a, integer_bits):
    """exp_on_negative_values for FixedPoint<int32, integer_bits> raw a (<= 0); result FixedPoint<int32, 0>."""
    a = _i64(a)
    frac_bits = 31 - integer_bits
    one_quarter = 1 << (frac_bits - 2)
    mask = one_quarter - 1
    a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter
    result = _exp_on_interval_between_negative_one_quarter_and_0_excl(
        sat_mul_pot(a_mod_quarter_minus_one_quarter, integer_bits))  # Rescale<0>
    remainder = a_mod_quarter_minus_one_quarter - a
    for exponent, mult in ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
                           (2, 39332535), (3, 720401), (4, 242)):
        if integer_bits > exponent:
            shift = frac_bits + exponent
            result = np.where((remainder & (1 << shift)) != 0, srdhm(result, mult), result)
    if integer_bits > 5:
        clamp = -(1 << (36 - integer_bits))
        result = np.where(a < clamp, 0, result)
    return np.where(a == 0, INT32_MAX, result)


def rounding_half_sum(a, b):
    s = _i64(a) + _i64(b)
    sign = np.where(s >= 0, 1, -1)
    t = s + sign
    return np.where(t >= 0, t // 2, -((-t) // 2))  # truncation toward zero


def one_over_one_plus_x_for_x_in_0_1(a):
    half_denominator = rounding_half_sum(a, INT32_MAX)
    x = 1515870810 + srdhm(half_denominator, -1010580540)
    one_f2 = 1 << 29
    for _ in range(3):
        half_denominator_times_x = srdhm(half_denominator, x)
        one_minus = one_f2 - half_denominator_times_x
        x = x + sat_mul_pot(srdhm(x, one_minus), 2)  # Rescale<2> of an F4
    return sat_mul_pot(x, 1)  # Rescale<0>(ExactMulByPot<-1>(x)): F1 -> F0


def get_reciprocal(x, x_integer_digits):
    x = int(x)
    assert 0 < x <= INT32_MAX
    headroom_plus_one = 32 - x.bit_length()  # CountLeadingZeros(uint32)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted = ((x << headroom_plus_one) & 0xFFFFFFFF) - (1 << 31)
    return int(one_over_one_plus_x_for_x_in_0_1(shifted)), num_bits_over_unit


def softmax_params(beta, in_scale):
    """softmax.cc Prepare (uint8): PreprocessSoftmaxScaling(beta, scale, 5) and diff_min."""
    max_real = ((1 << 30) - 1.0) if ROUNDING == "single" else ((1 << 31) - 1.0)
    real = min(float(beta) * float(in_scale) * (1 << (31 - 5)), max_real)
    multiplier, left_shift = quantize_multiplier_greater_than_one(real)
    radius = math.floor(1.0 * ((1 << 5) - 1) * (1 << (31 - 5)) / (1 << left_shift))
    return multiplier, left_shift, -radius


def softmax(x, in_q, out_q, beta):
    assert abs(out_q[0] - 1.0 / 256) < 1e-12 and out_q[1] == 0, "uint8 softmax output must be 1/256, 0"
    multiplier, left_shift, diff_min = softmax_params(beta, in_q[0])
    depth = x.shape[-1]
    rows = x.reshape(-1, depth).astype(np.int64)
    out = np.zeros(rows.shape, dtype=np.uint8)
    for i, row in enumerate(rows):
        diff = row - row.max()
        valid = diff >= diff_min
        rescaled = mbqm_greater_than_one(np.where(valid, diff, 0), multiplier, left_shift)
        exps = exp_on_negative_values(rescaled, 5)
        sum_of_exps = int(np.sum(np.where(valid, sat_mul_pot(exps, -12), 0)))  # Rescale<12>
        assert sum_of_exps <= INT32_MAX
        shifted_scale, num_bits_over_unit = get_reciprocal(sum_of_exps, 12)
        exponent = num_bits_over_unit + 31 - 8
        assert 0 <= exponent <= 31
        unsat = rdbpot(srdhm(shifted_scale, exps), exponent)
        out[i] = np.where(valid, np.clip(unsat, 0, 255), 0).astype(np.uint8)
    return out.reshape(x.shape)


# ---- the .tflite file --------------------------------------------------------------------------------------

def generate_schema_module(schema):
    """flatc --python on a temporary copy of schema.fbs without the two (deprecated) value attributes."""
    if shutil.which("flatc") is None:
        sys.exit("tflite_reference: flatc not found (Debian: flatbuffers-compiler; scripts/deps.sh)")
    tmp = tempfile.mkdtemp(prefix="tflite_reference_")
    copy = os.path.join(tmp, "schema.fbs")
    shutil.copyfile(schema, copy)
    subprocess.run(["sed", "-i", "-E",
                    r"s/^(\s*REDUCE_WINDOW = 205) \(deprecated\),/\1,/; "
                    r"s/^(\s*ReduceWindowOptions) \(deprecated\),/\1,/", copy], check=True)
    subprocess.run(["flatc", "--python", "-o", tmp, copy], check=True, cwd=tmp)
    sys.path.insert(0, tmp)
    import atexit
    atexit.register(shutil.rmtree, tmp, True)
    import tflite  # noqa: F401  (generated)
    return tmp


OPS = {0: "ADD", 1: "AVERAGE_POOL_2D", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 9: "FULLY_CONNECTED",
       22: "RESHAPE", 25: "SOFTMAX", 43: "SQUEEZE"}
TENSOR_TYPES = {2: np.int32, 3: np.uint8}


class Model:
    def __init__(self, path):
        from tflite.Model import Model as FbModel
        with open(path, "rb") as f:
            self.buf = f.read()
        self.m = FbModel.GetRootAs(self.buf, 0)
        if self.m.SubgraphsLength() != 1:
            raise ValueError("one subgraph expected")
        self.g = self.m.Subgraphs(0)
        self.consts = {}
        for t in range(self.g.TensorsLength()):
            ten = self.g.Tensors(t)
            b = self.m.Buffers(ten.Buffer())
            if b is not None and b.DataLength() > 0:
                dtype = TENSOR_TYPES.get(ten.Type())
                if dtype is None:
                    raise ValueError(f"tensor {t}: type {ten.Type()} not supported")
                self.consts[t] = np.frombuffer(b.DataAsNumpy().tobytes(), dtype=dtype).reshape(self.shape(t))
        self.inputs = list(self.g.InputsAsNumpy())
        self.outputs = list(self.g.OutputsAsNumpy())

    def shape(self, t):
        s = self.g.Tensors(t).ShapeAsNumpy()
        return tuple(int(v) for v in s) if not isinstance(s, int) else ()

    def quant(self, t):
        q = self.g.Tensors(t).Quantization()
        if q is None or q.ScaleLength() == 0:
            return None
        if q.ScaleLength() != 1:
            raise ValueError(f"tensor {t}: per-channel quantization not supported (uint8 models are per-tensor)")
        return float(q.ScaleAsNumpy()[0]), int(q.ZeroPointAsNumpy()[0])

    def opname(self, op):
        oc = self.m.OperatorCodes(op.OpcodeIndex())
        code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
        if code not in OPS:
            raise ValueError(f"builtin operator {code} not supported")
        return OPS[code]

    def options(self, op, cls_name):
        import importlib
        cls = getattr(importlib.import_module("tflite." + cls_name), cls_name)
        t = op.BuiltinOptions()
        o = cls()
        o.Init(t.Bytes, t.Pos)
        return o

    def run(self, x):
        """Runs the graph on the uint8 input x; returns (values of every tensor, index of the logits tensor,
        index of the softmax output)."""
        vals = dict(self.consts)
        inp = self.inputs[0]
        vals[inp] = np.asarray(x, dtype=np.uint8).reshape(self.shape(inp))
        logits = out = None
        for i in range(self.g.OperatorsLength()):
            op = self.g.Operators(i)
            name = self.opname(op)
            ins = [int(v) for v in op.InputsAsNumpy()]
            o = int(op.OutputsAsNumpy()[0])
            q = self.quant
            bias = vals[ins[2]] if len(ins) > 2 and ins[2] >= 0 else None
            if name == "CONV_2D":
                p = self.options(op, "Conv2DOptions")
                r = conv2d(vals[ins[0]], q(ins[0]), vals[ins[1]], q(ins[1]), bias, q(o), p.Padding(), p.StrideH(),
                           p.StrideW(), p.FusedActivationFunction(), p.DilationHFactor(), p.DilationWFactor())
            elif name == "DEPTHWISE_CONV_2D":
                p = self.options(op, "DepthwiseConv2DOptions")
                r = depthwise_conv2d(vals[ins[0]], q(ins[0]), vals[ins[1]], q(ins[1]), bias, q(o), p.Padding(),
                                     p.StrideH(), p.StrideW(), p.DepthMultiplier(), p.FusedActivationFunction(),
                                     p.DilationHFactor(), p.DilationWFactor())
            elif name == "FULLY_CONNECTED":
                p = self.options(op, "FullyConnectedOptions")
                r = fully_connected(vals[ins[0]], q(ins[0]), vals[ins[1]], q(ins[1]), bias, q(o),
                                    p.FusedActivationFunction())
            elif name == "ADD":
                p = self.options(op, "AddOptions")
                r = add(vals[ins[0]], q(ins[0]), vals[ins[1]], q(ins[1]), q(o), p.FusedActivationFunction())
            elif name == "AVERAGE_POOL_2D":
                p = self.options(op, "Pool2DOptions")
                if q(ins[0]) != q(o):
                    raise ValueError("AVERAGE_POOL_2D: input and output quantization differ")
                r = average_pool(vals[ins[0]], q(ins[0]), q(o), p.Padding(), p.StrideH(), p.StrideW(),
                                 p.FilterHeight(), p.FilterWidth(), p.FusedActivationFunction())
            elif name in ("RESHAPE", "SQUEEZE"):
                r = vals[ins[0]]
            elif name == "SOFTMAX":
                p = self.options(op, "SoftmaxOptions")
                r = softmax(vals[ins[0]], q(ins[0]), q(o), p.Beta())
                logits, out = ins[0], o
            vals[o] = np.asarray(r).reshape(self.shape(o))
        if out is None:
            raise ValueError("the graph has no SOFTMAX")
        return vals, logits, out


# ---- command line ------------------------------------------------------------------------------------------

def top_k(logits, k):
    """Classes ranked by the uint8 logits, ties to the lower index."""
    flat = logits.reshape(-1).astype(np.int64)
    return [int(i) for i in np.lexsort((np.arange(flat.size), -flat))[:k]]


def read_labels(path):
    with open(path) as f:
        return [line.rstrip("\n") for line in f]


def input_for_image(model, path, fraction):
    _, h, w, _ = model.shape(model.inputs[0])
    return tf_crop_resize(load_image_rgb(path), fraction, w, h)


def evaluate(model, labels_file, limit, class_offset, fraction):
    base = os.path.dirname(os.path.abspath(labels_file))
    with open(labels_file) as f:
        items = [line.split() for line in f if line.strip()]
    if limit:
        items = items[:limit]
    top1 = top5 = 0
    for n, (name, cls) in enumerate(items, 1):
        path = name if os.path.isabs(name) else os.path.join(base, "images", name)
        vals, logits, _ = model.run(input_for_image(model, path, fraction))
        ranked = top_k(vals[logits], 5)
        want = int(cls) + class_offset
        top1 += ranked[0] == want
        top5 += want in ranked
        if n % 50 == 0 or n == len(items):
            print(f"  {n}/{len(items)}: top-1 {100.0 * top1 / n:.2f} %, top-5 {100.0 * top5 / n:.2f} %",
                  flush=True)
    n = len(items)
    print(f"{n} images: top-1 {top1} ({100.0 * top1 / n:.2f} %), top-5 {top5} ({100.0 * top5 / n:.2f} %)")


def main():
    global ROUNDING
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", nargs="?")
    ap.add_argument("--input", help="raw uint8 NHWC input (H*W*3 bytes)")
    ap.add_argument("--image", help="a JPEG / PNG, preprocessed as TensorFlow's evaluation")
    ap.add_argument("--dump-input", help="write the uint8 input used")
    ap.add_argument("--logits", help="write the uint8 tensor feeding the final SOFTMAX")
    ap.add_argument("--output", help="write the uint8 SOFTMAX output")
    ap.add_argument("--rounding", choices=("double", "single"), default="double",
                    help="MultiplyByQuantizedMultiplier as TFLite's default (double) or TFLITE_SINGLE_ROUNDING")
    ap.add_argument("--top", type=int, default=0)
    ap.add_argument("--labels", help="class names, one a line (index = model class)")
    ap.add_argument("--central-fraction", type=float, default=0.875)
    ap.add_argument("--schema", help="TFLite schema.fbs (default: $Q8RT_TFLITE_SCHEMA or next to the model)")
    ap.add_argument("--eval", metavar="LABELS_TXT", help="'FILE CLASS' lines, images in DIR/images: top-1/top-5")
    ap.add_argument("--limit", type=int, default=0, help="--eval: the first N images only")
    ap.add_argument("--class-offset", type=int, default=1, help="--eval: model class = CLASS + this (default 1)")
    ap.add_argument("--selftest", action="store_true", help="hand-computed cases for every kernel")
    args = ap.parse_args()
    ROUNDING = args.rounding
    if args.selftest:
        return selftest()
    if not args.model:
        ap.error("MODEL.tflite is required")
    if (args.input is None) == (args.image is None) and args.eval is None:
        ap.error("give exactly one of --input and --image (or --eval)")
    schema = args.schema or os.environ.get("Q8RT_TFLITE_SCHEMA") or \
        os.path.join(os.path.dirname(os.path.abspath(args.model)), "schema.fbs")
    if not os.path.isfile(schema):
        sys.exit(f"tflite_reference: no schema.fbs at {schema} (--schema)")
    generate_schema_module(schema)
    model = Model(args.model)
    if args.eval:
        return evaluate(model, args.eval, args.limit, args.class_offset, args.central_fraction)
    shape = model.shape(model.inputs[0])
    if args.image:
        x = input_for_image(model, args.image, args.central_fraction)
    else:
        x = np.fromfile(args.input, dtype=np.uint8)
        if x.size != int(np.prod(shape)):
            sys.exit(f"tflite_reference: {args.input}: {x.size} bytes, the input {shape} needs {np.prod(shape)}")
    x = x.reshape(shape)
    if args.dump_input:
        x.tofile(args.dump_input)
    vals, logits, out = model.run(x)
    if args.logits:
        vals[logits].astype(np.uint8).tofile(args.logits)
    if args.output:
        vals[out].astype(np.uint8).tofile(args.output)
    if args.top:
        names = read_labels(args.labels) if args.labels else None
        probs = vals[out].reshape(-1)
        for k, c in enumerate(top_k(vals[logits], args.top), 1):
            label = f"  {names[c]}" if names and c < len(names) else ""
            print(f"{k}. class {c}  logit {int(vals[logits].reshape(-1)[c])}  p {probs[c] / 256.0:.4f}{label}")
    return 0


# ---- self test: hand-computed cases -------------------------------------------------------------------------

def selftest():
    global ROUNDING
    failures = 0
    checks = 0

    def check(name, got, want):
        nonlocal failures, checks
        checks += 1
        got = [int(v) for v in np.asarray(got).reshape(-1)] if not isinstance(got, tuple) else got
        want = list(want) if not isinstance(want, tuple) else want
        if got != want:
            failures += 1
            print(f"FAIL {name} [{ROUNDING}]: got {got}, want {want}")

    for ROUNDING in ("double", "single"):
        # QuantizeMultiplier: 0.5 = 2^30 / 2^31; 1.0 = 0.5 * 2^1; 0.75; tiny -> 0; 1 - 2^-40 rounds to 2^31 -> 2^30, +1
        check("QuantizeMultiplier(0.5)", quantize_multiplier(0.5), (1 << 30, 0))
        check("QuantizeMultiplier(1.0)", quantize_multiplier(1.0), (1 << 30, 1))
        check("QuantizeMultiplier(0.75)", quantize_multiplier(0.75), (3 << 29, 0))
        check("QuantizeMultiplier(2^-40)", quantize_multiplier(2.0 ** -40), (0, 0))
        check("QuantizeMultiplier(1-2^-40)", quantize_multiplier(1 - 2.0 ** -40), (1 << 30, 1))
        # x * 0.5: 3 -> 1.5 -> 2 (SRDHM rounds half up), -3 -> -1.5 -> -1
        check("MBQM(3, 0.5)", mbqm([3, -3, 7], 1 << 30, 0), [2, -1, 4])
        # 5 * (2^30 + 1) / 2^31 / 2 = 1.2500000012: double rounding 2.5000000023 -> 3 then 1.5 -> 2; single: 1
        check("MBQM(5, 0.5+, -1)", mbqm([5], (1 << 30) + 1, -1), [2] if ROUNDING == "double" else [1])
        # activation ranges for scale 0.5, zero point 10
        check("range NONE", activation_range(0, 0.5, 10), (0, 255))
        check("range RELU", activation_range(1, 0.5, 10), (10, 255))
        check("range RELU6", activation_range(3, 0.5, 10), (10, 22))
        check("range RELU_N1_TO_1", activation_range(2, 0.5, 10), (8, 12))

        # CONV_2D: input 3x3 (value - 128) 1..9, filter 2x2 (value - 128) [[1, 0], [0, 1]], scales 1 * 0.5 / 1.
        x = (np.arange(1, 10) + 128).astype(np.uint8).reshape(1, 3, 3, 1)
        w = np.array([129, 128, 128, 129], dtype=np.uint8).reshape(1, 2, 2, 1)
        # SAME, stride 2: out 2x2, total padding 1 -> all at the bottom / right.
        # taps: (0,0): 1 + 5; (0,2): 3 + OOB; (2,0): 7 + OOB; (2,2): 9. bias 5: 11, 8, 12, 14; * 0.5 -> 6, 4, 6, 7
        # + zero point 10 -> 16, 14, 16, 17; RELU6 (scale 1, zp 10) clamps to 16.
        check("CONV_2D SAME s2 RELU6", conv2d(x, (1.0, 128), w, (0.5, 128), np.array([5], np.int32), (1.0, 10),
                                              0, 2, 2, 3), [16, 14, 16, 16])
        # VALID stride 1: 1+5, 2+6, 4+8, 5+9 = 6, 8, 12, 14 -> 3, 4, 6, 7 -> 13, 14, 16, 17
        check("CONV_2D VALID s1", conv2d(x, (1.0, 128), w, (0.5, 128), None, (1.0, 10), 1, 1, 1, 0),
              [13, 14, 16, 17])
        # RELU_N1_TO_1 (scale 1, zp 10): [9, 11]
        check("CONV_2D RELU_N1_TO_1", conv2d(x, (1.0, 128), w, (0.5, 128), None, (1.0, 10), 1, 1, 1, 2),
              [11, 11, 11, 11])

        # DEPTHWISE_CONV_2D: 2x2x2 input, channel 0 = 1..4, channel 1 = 10, 20, 30, 40 (value - 128);
        # filter channel 0 all 1, channel 1 [1, -1, 0, 2]; VALID: 10 and 10 - 20 + 80 = 70; bias 0, 2;
        # * 0.5 -> 5, 36; + zp 100 -> 105, 136
        xd = (np.array([[1, 10], [2, 20], [3, 30], [4, 40]]) + 128).astype(np.uint8).reshape(1, 2, 2, 2)
        wd = (np.array([[1, 1], [1, -1], [1, 0], [1, 2]]) + 128).astype(np.uint8).reshape(1, 2, 2, 2)
        check("DEPTHWISE_CONV_2D", depthwise_conv2d(xd, (1.0, 128), wd, (0.5, 128), np.array([0, 2], np.int32),
                                                    (1.0, 100), 1, 1, 1, 1, 0), [105, 136])
        # SAME stride 1 on 2x2 with a 2x2 filter: padding 1 at the bottom / right; channel 0:
        # (0,0): 10 -> 5; (0,1): 2 + 4 = 6 -> 3; (1,0): 3 + 4 = 7 -> 3.5 -> 4; (1,1): 4 -> 2; + 100
        check("DEPTHWISE_CONV_2D SAME", depthwise_conv2d(xd, (1.0, 128), wd, (0.5, 128), None, (1.0, 100), 0, 1, 1,
                                                         1, 0)[..., 0], [105, 103, 104, 102])

        # FULLY_CONNECTED: x - 128 = [1, 2, 3]; W - 128 = [[1, 1, 1], [2, 0, -1]]; bias [1, -1]:
        # 7 -> 3.5 -> 4; -2 -> -1; + zp 50 -> 54, 49
        xf = np.array([[129, 130, 131]], dtype=np.uint8)
        wf = (np.array([[1, 1, 1], [2, 0, -1]]) + 128).astype(np.uint8)
        check("FULLY_CONNECTED", fully_connected(xf, (1.0, 128), wf, (0.5, 128), np.array([1, -1], np.int32),
                                                 (1.0, 50), 0), [54, 49])

        # ADD: equal scales 1, zp 0: 3 + 4 = 7, 250 + 10 -> 255, 0 + 0 = 0
        check("ADD", add(np.array([3, 250, 0], np.uint8), (1.0, 0), np.array([4, 10, 0], np.uint8), (1.0, 0),
                         (1.0, 0), 0), [7, 255, 0])
        # scale 0.5 + scale 1: 3 * 0.5 + 1 = 2.5 -> 3 (RoundingDivideByPOT: half away from zero); 4 * 0.5 + 2 = 4;
        # zp 10 on input 2: (12 - 10) = 2; RELU6 with output scale 1 zp 0 clamps 7 * 0.5 + 5 = 8.5 -> 6
        check("ADD scales", add(np.array([3, 4, 7], np.uint8), (0.5, 0), np.array([11, 12, 15], np.uint8),
                                (1.0, 10), (1.0, 0), 3), [3, 4, 6])

        # AVERAGE_POOL_2D 2x2 stride 2 SAME on 3x3 1..9: (1+2+4+5 + 2) / 4 = 3; (3+6 + 1) / 2 = 5;
        # (7+8 + 1) / 2 = 8; 9 / 1 = 9
        xp = np.arange(1, 10, dtype=np.uint8).reshape(1, 3, 3, 1)
        check("AVERAGE_POOL_2D", average_pool(xp, (1.0, 0), (1.0, 0), 0, 2, 2, 2, 2, 0), [3, 5, 8, 9])
        # VALID 2x2 stride 1: (1+2+4+5+2)/4 = 3, (2+3+5+6+2)/4 = 4, (4+5+7+8+2)/4 = 6, (5+6+8+9+2)/4 = 7
        check("AVERAGE_POOL_2D VALID", average_pool(xp, (1.0, 0), (1.0, 0), 1, 1, 1, 2, 2, 0), [3, 4, 6, 7])

        # SOFTMAX: four equal inputs -> 1/4 = 64 / 256 each; [255, 255, 0] with scale 1: diff_min = -15
        # (31 * 2^26 / 2^27 = 15.5), so 0 - 255 is dropped: 128, 128, 0
        check("SOFTMAX equal", softmax(np.array([[7, 7, 7, 7]], np.uint8), (0.1, 0), (1.0 / 256, 0), 1.0),
              [64, 64, 64, 64])
        check("softmax diff_min", softmax_params(1.0, 1.0), (1 << 30, 27, -15))
        check("SOFTMAX far", softmax(np.array([[255, 255, 0]], np.uint8), (1.0, 0), (1.0 / 256, 0), 1.0),
              [128, 128, 0])
        # exp_on_negative_values against exp() within 2^-20, over Q5.26 inputs down to -16
        a = -np.arange(0, 16 << 26, (1 << 26) // 37, dtype=np.int64)
        err = np.abs(exp_on_negative_values(a, 5) / 2.0 ** 31 - np.exp(a / 2.0 ** 26)).max()
        checks += 1
        if err > 2.0 ** -20:
            failures += 1
            print(f"FAIL exp_on_negative_values: max error {err}")
        # softmax against float within 1 / 256 on a spread row
        row = np.array([[200, 190, 180, 150, 100, 199, 201, 0]], np.uint8)
        got = softmax(row, (0.1, 0), (1.0 / 256, 0), 1.0).astype(np.int64)
        e = np.exp((row.astype(np.float64) - row.max()) * 0.1)
        want = np.clip(np.round(e / e.sum() * 256), 0, 255)
        checks += 1
        if np.abs(got - want).max() > 1:
            failures += 1
            print(f"FAIL SOFTMAX vs float: {got} {want}")

    # preprocessing: central crop boxes
    ROUNDING = "double"
    check("central_crop 224", tf_central_crop_box(224, 0.875), (14, 196))
    check("central_crop 227", tf_central_crop_box(227, 0.875), (14, 199))  # 28.375 / 2 = 14.19
    check("central_crop 1", tf_central_crop_box(1, 0.875), (0, 1))
    # resize: 2x2 -> 4x4 (scale 0.5): positions 0, 0.5, 1, 1.5 -> lerps; row 0 of [[0, 100], [50, 150]]
    img = np.array([[0, 100], [50, 150]], np.uint8).reshape(2, 2, 1)
    check("resize up", tf_resize_bilinear_u8(img, 4, 4)[0, :, 0], [0, 50, 100, 100])
    check("resize up col", tf_resize_bilinear_u8(img, 4, 4)[:, 1, 0], [50, 75, 100, 100])
    # 2.5 rounds to 2 (ties to even): 1x2 [2, 3] -> 1x4: 2, 2.5, 3, 3
    check("resize ties", tf_resize_bilinear_u8(np.array([2, 3], np.uint8).reshape(1, 2, 1), 1, 4)[0, :, 0],
          [2, 2, 3, 3])
    print(f"tflite_reference selftest: {checks - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
