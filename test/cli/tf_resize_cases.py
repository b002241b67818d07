#!/usr/bin/python3
"""Writes reference cases for test/cli/test_resize_tf.c, computed with NumPy by the TensorFlow formulas of
test/e2e/tflite_reference.py (tf_crop_resize: tf.image.central_crop + TF1 resize_bilinear, rounded to uint8).

Usage: tf_resize_cases.py OUT_DIR [PHOTO...]

OUT_DIR/cases.txt gets one case per line:
  case SRC W H STRIDE FRACTION OW OH EXPECTED
      SRC: H rows of STRIDE bytes, the first W * 3 of each packed RGB8 (the rest is padding the code must not
      use); FRACTION: a float32 value written exactly; EXPECTED: OH x OW x 3 bytes.
PHOTOs are decoded with PIL, convert("RGB") (no EXIF transpose), as the evaluation preprocessing.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from tflite_reference import load_image_rgb, tf_crop_resize  # noqa: E402


def main():
    out = sys.argv[1]
    photos = sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261206)
    lines = []

    def case(name, img, fraction, ow, oh, pad=0):
        h, w = img.shape[:2]
        stride = w * 3 + pad
        src = np.empty((h, stride), dtype=np.uint8)
        src[:, :w * 3] = img.reshape(h, w * 3)
        src[:, w * 3:] = rng.integers(0, 256, size=(h, pad), dtype=np.uint8)
        src.tofile(os.path.join(out, name + ".src"))
        fraction = float(np.float32(fraction))
        tf_crop_resize(img, fraction, ow, oh).tofile(os.path.join(out, name + ".exp"))
        lines.append(f"case {name}.src {w} {h} {stride} {fraction!r} {ow} {oh} {name}.exp")

    def noise(w, h):
        return rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)

    # Model input sizes (224, 160) from tiny, square, odd-ratio, extreme and large sources: up- and downscaling.
    sizes = [(1, 1), (2, 3), (7, 5), (16, 16), (224, 224), (227, 227), (256, 256), (255, 257), (333, 500),
             (500, 375), (640, 427), (1000, 750), (3000, 10), (10, 3000), (16384, 1), (1, 16384), (2400, 1600)]
    for i, (w, h) in enumerate(sizes):
        case(f"noise{i}", noise(w, h), 0.875, 224, 224, pad=(i % 3) * 5)
        if w * h <= 1 << 20:
            case(f"noise{i}_160", noise(w, h), 0.875, 160, 160)
    # Other fractions (1 = no crop, 0.5, random float32 values) and arbitrary output sizes.
    for i in range(24):
        w, h = int(rng.integers(1, 700)), int(rng.integers(1, 700))
        ow, oh = int(rng.integers(1, 500)), int(rng.integers(1, 500))
        fraction = [1.0, 0.5, 0.875, float(rng.uniform(0.01, 1.0))][i % 4]
        case(f"rand{i}", noise(w, h), fraction, ow, oh, pad=int(rng.integers(0, 9)))
    # Smooth content (gradients) where rounding ties are frequent.
    yy, xx = np.mgrid[0:97, 0:131]
    grad = np.stack([xx * 2 % 256, yy * 2 % 256, (xx + yy) % 256], axis=-1).astype(np.uint8)
    case("gradient_up", grad, 0.875, 300, 211)
    case("gradient_down", grad, 0.875, 41, 29)

    # Real photos at full resolution, the evaluation preprocessing of both models.
    for i, path in enumerate(photos):
        img = load_image_rgb(path)
        case(f"photo{i}", img, 0.875, 224, 224)
        case(f"photo{i}_160", img, 0.875, 160, 160)

    with open(os.path.join(out, "cases.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
