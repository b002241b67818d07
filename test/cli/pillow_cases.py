#!/usr/bin/python3
"""Writes reference cases computed by Pillow (Debian's python3-pil) for test/cli/test_image.c.

Usage: pillow_cases.py OUT_DIR [PHOTO...]

OUT_DIR/cases.txt gets one case per line:
  resize SRC W H RW RH CX CY CW CH EXPECTED
      SRC: W x H packed RGB8; EXPECTED: the CW x CH window at (CX, CY) of
      Image.resize((RW, RH), BILINEAR), packed RGB8.
  decode FILE W H EXPECTED
      FILE: a JPEG or PNG; EXPECTED: W x H packed RGB8 from Pillow's decoder, made upright with
      ImageOps.exif_transpose and converted with convert("RGB").
Pillow is the preprocessing of the reference top-5 in imagenet-train-photos; q8rt must give the same bytes.
"""
import io
import os
import random
import sys

from PIL import Image, ImageOps

BILINEAR = getattr(Image, "Resampling", Image).BILINEAR
ADAPTIVE = getattr(Image, "Palette", Image).ADAPTIVE


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def pyround(x):
    return int(round(x))  # Python's round(): ties to even, as the reference preprocessing


def resized_size(w, h, shorter):
    if w <= h:
        return shorter, pyround(h * shorter / w)
    return pyround(w * shorter / h), shorter


def main():
    out = sys.argv[1]
    photos = sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20261206)
    lines = []

    def resize_case(name, im, rw, rh, cx, cy, cw, ch):
        src, exp = name + ".src", name + ".exp"
        write(os.path.join(out, src), im.tobytes())
        r = im.resize((rw, rh), BILINEAR).crop((cx, cy, cx + cw, cy + ch))
        write(os.path.join(out, exp), r.tobytes())
        lines.append(f"resize {src} {im.width} {im.height} {rw} {rh} {cx} {cy} {cw} {ch} {exp}")

    def noise(w, h):
        return Image.frombytes("RGB", (w, h), bytes(rng.randrange(256) for _ in range(w * h * 3)))

    # Random images: up- and down-scaling, odd ratios, tiny and extreme shapes; the model's 256 / 224 crop.
    sizes = [(1, 1), (2, 3), (7, 5), (224, 224), (227, 227), (255, 256), (257, 300), (333, 500), (500, 375),
             (512, 512), (513, 1024), (640, 427), (1000, 750), (3000, 10), (10, 3000), (1, 700), (700, 1)]
    for i, (w, h) in enumerate(sizes):
        im = noise(w, h)
        rw, rh = resized_size(w, h, 256)
        cx, cy = pyround((rw - 224) / 2), pyround((rh - 224) / 2)
        resize_case(f"noise{i}", im, rw, rh, cx, cy, 224, 224)
    # Arbitrary windows of arbitrary resizes.
    for i in range(12):
        w, h = rng.randrange(1, 400), rng.randrange(1, 400)
        rw, rh = rng.randrange(1, 600), rng.randrange(1, 600)
        cw, ch = rng.randrange(1, rw + 1), rng.randrange(1, rh + 1)
        resize_case(f"window{i}", noise(w, h), rw, rh, rng.randrange(0, rw - cw + 1), rng.randrange(0, rh - ch + 1),
                    cw, ch)

    # Real photos: full-size decode, and the reference resize + crop of the decoded pixels.
    for i, path in enumerate(photos):
        im = Image.open(path).convert("RGB")
        write(os.path.join(out, f"photo{i}.rgb"), im.tobytes())
        lines.append(f"decode {os.path.abspath(path)} {im.width} {im.height} photo{i}.rgb")
        rw, rh = resized_size(im.width, im.height, 256)
        resize_case(f"photo{i}", im, rw, rh, pyround((rw - 224) / 2), pyround((rh - 224) / 2), 224, 224)

    # EXIF orientations 1..8 on an asymmetric 4:4:4 JPEG.
    base = noise(37, 23)
    for o in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = o
        buf = io.BytesIO()
        base.save(buf, "JPEG", quality=95, subsampling=0, exif=exif.tobytes())
        name = f"orient{o}.jpg"
        write(os.path.join(out, name), buf.getvalue())
        up = ImageOps.exif_transpose(Image.open(os.path.join(out, name))).convert("RGB")
        write(os.path.join(out, name + ".exp"), up.tobytes())
        lines.append(f"decode {name} {up.width} {up.height} {name}.exp")

    # PNG: RGB, RGBA, gray, gray + alpha, palette with transparency.
    rgba = Image.frombytes("RGBA", (29, 17), bytes(rng.randrange(256) for _ in range(29 * 17 * 4)))
    pngs = {"rgb": (rgba.convert("RGB"), {}), "rgba": (rgba, {}), "gray": (rgba.convert("L"), {}),
            "la": (rgba.convert("LA"), {})}
    pal = rgba.convert("RGB").convert("P", palette=ADAPTIVE, colors=16)
    pal.info["transparency"] = 3
    pngs["palette"] = (pal, {"transparency": 3})
    for key, (im, opts) in pngs.items():
        name = f"{key}.png"
        im.save(os.path.join(out, name), "PNG", **opts)
        dec = Image.open(os.path.join(out, name)).convert("RGB")
        write(os.path.join(out, name + ".exp"), dec.tobytes())
        lines.append(f"decode {name} {dec.width} {dec.height} {name}.exp")

    write(os.path.join(out, "cases.txt"), ("\n".join(lines) + "\n").encode())


if __name__ == "__main__":
    main()
