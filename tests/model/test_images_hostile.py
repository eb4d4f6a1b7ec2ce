"""Hostile and huge images decode to a reason or a small copy, never an exception (issue 11 #3, #13)."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest

from tui.model.images import (
    DEFAULT_MAX_SIDE,
    MAX_PIXELS,
    MAX_SIDE,
    DecodeCache,
    decode,
    decode_bucket,
    pillow_available,
)

pytestmark = pytest.mark.skipif(not pillow_available(), reason="Pillow (the images extra) is not installed")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(ihdr: bytes, idat: bytes) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` RGB pixels and holds almost no data: what a 1 MB
    decompression bomb looks like to anything reading its header."""
    return _png(struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0), zlib.compress(b"\0" * 64))


def png_black(width: int, height: int) -> bytes:
    """A real, fully decodable black greyscale PNG, compressed row by row (cheap at any size)."""
    z = zlib.compressobj(1)
    row = b"\0" * (width + 1)  # filter byte 0, then the pixels
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    return _png(struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0), idat)


def encoded(width: int, height: int, fmt: str = "PNG", mode: str = "RGB", noise: bool = False) -> bytes:
    from PIL import Image

    if noise:
        arr = np.random.default_rng(0).integers(0, 255, (height, width, 3), dtype=np.uint8)
        im = Image.fromarray(arr, "RGB").convert(mode)
    else:
        im = Image.linear_gradient("L").resize((width, height)).convert(mode)
    buf = io.BytesIO()
    im.save(buf, fmt)
    return buf.getvalue()


def test_a_decompression_bomb_is_a_reason() -> None:
    d = decode(png_header_only(20000, 20000))  # Pillow raises DecompressionBombError on this
    assert d.image is None and "too large" in d.error


def test_more_than_max_pixels_is_refused_before_decoding() -> None:
    side = int(MAX_PIXELS**0.5) + 100  # under Pillow's own limits, over ours
    d = decode(png_header_only(side, side))
    assert d.image is None and "too large to decode" in d.error and f"{side}×{side}" in d.error


@pytest.mark.parametrize(
    ("fmt", "mode"), [("PNG", "RGB"), ("JPEG", "RGB"), ("PNG", "P"), ("PNG", "I;16"), ("GIF", "P")]
)
def test_large_images_are_kept_downscaled(fmt: str, mode: str) -> None:
    d = decode(encoded(3000, 1500, fmt, mode))
    assert d.error == "" and d.source_size == (3000, 1500)
    assert max(d.size) <= DEFAULT_MAX_SIDE and d.image is not None and d.image.mode == "RGB"
    w, h = d.size
    assert abs(w / h - 2.0) < 0.05  # the aspect ratio survives


def test_an_8000_square_png_is_kept_at_a_megapixel() -> None:
    d = decode(png_black(8000, 8000))
    assert d.source_size == (8000, 8000) and d.size == (DEFAULT_MAX_SIDE, DEFAULT_MAX_SIDE)
    assert d.nbytes == 3 * DEFAULT_MAX_SIDE**2  # 3 MB kept instead of 192 MB


def test_small_images_are_not_reduced() -> None:
    d = decode(encoded(300, 200))
    assert d.size == (300, 200)


def test_decode_bucket() -> None:
    assert decode_bucket(60, 40) == DEFAULT_MAX_SIDE
    assert decode_bucket(1500, 900) == 2048
    assert decode_bucket(100_000, 10) == MAX_SIDE


def test_the_cache_is_bounded_by_bytes_and_keeps_the_newest() -> None:
    images = [encoded(300, 300 + k) for k in range(6)]  # ~270 kB decoded each
    cache = DecodeCache(budget=1_000_000)
    for im in images:
        d = cache.decode(im)
        assert d.error == ""
        assert cache.nbytes <= cache.budget
    assert len(cache) == 3
    assert cache.get(images[-1]) is not None and cache.get(images[0]) is None
    assert cache.decode(images[-1]) is cache.get(images[-1])  # a hit decodes nothing


def test_an_image_larger_than_the_budget_is_not_cached() -> None:
    cache = DecodeCache(budget=1000)
    assert cache.decode(encoded(100, 100)).error == ""
    assert len(cache) == 0 and cache.nbytes == 0
