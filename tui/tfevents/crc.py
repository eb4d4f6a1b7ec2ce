"""CRC-32C as TFRecord frames use it: masked, and checked in bulk.

Every frame carries two masked CRC-32C values (of the 8-byte length and of the payload). Checking
them one call at a time costs more than everything else a scalar-heavy file needs, so this module
also checks *batches* of equal-length messages at once.

CRC-32C is affine over GF(2), so the CRC of a concatenation follows from the CRCs of its parts
(zlib's ``crc32_combine``): ``crc(a + b) == A_n(crc(a)) ^ crc(b)`` where ``n = len(b)`` and ``A_n``, the
CRC register advanced over ``n`` zero bytes, is a linear map (a 32x32 bit matrix). So for k messages of
one length L, one hardware CRC call over the whole (k, L) byte matrix checks the batch against the
stored CRCs combined along a pairwise tree (``A_L``, then ``A_2L``, ... applied to every node at
once as four byte-lookup tables). Damage in row i enters the comparison multiplied by ``x^(8L(k-1-i))``
modulo the CRC polynomial, a different factor per row, so damage repeated in many rows cannot cancel
(an XOR fold of the rows, this module's first design, missed any damage shared by an even number of
rows): the batch fails exactly when the CRC of the concatenation would, as for one long record. A
failing batch is bisected to find the culprits; a passing one is as good as k checks.
"""

from __future__ import annotations

import functools

import google_crc32c
import numpy as np

_MASK_DELTA = 0xA282EAD8


def crc32c(data: bytes | bytearray | memoryview | np.ndarray) -> int:
    """Plain (unmasked) CRC-32C, hardware accelerated where the CPU has it.

    A C-contiguous numpy array is read in place (google_crc32c takes any buffer but a memoryview).
    """
    if isinstance(data, memoryview):
        return google_crc32c.value(bytes(data))
    if isinstance(data, np.ndarray) and not data.flags.c_contiguous:
        data = np.ascontiguousarray(data)
    return google_crc32c.value(data)


def masked_crc32c(data: bytes | bytearray | memoryview | np.ndarray) -> int:
    """The masked CRC that TFRecord frames store (so CRCs of CRCs stay well distributed)."""
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def unmask(masked: np.ndarray) -> np.ndarray:
    """Invert the mask for a whole array of stored CRCs: rotate-left-15(m - delta)."""
    m = masked.astype(np.uint32)  # (a copy: the subtraction below works in place, wrapping mod 2^32)
    m -= np.uint32(_MASK_DELTA)
    return (m << np.uint32(15)) | (m >> np.uint32(17))


@functools.lru_cache(maxsize=256)
def _advance_basis(length: int) -> np.ndarray:
    """``A_length`` as the images of the 32 one-bit registers (``uint32[32]``).

    ``extend(c, zeros) ^ extend(0, zeros)`` is the register ``c`` advanced over the zeros, without the
    affine part; powers of two of a batch's length come from squaring the smaller ones.
    """
    if length % 2 == 0 and length >= 2 * _BASE_MAX:
        half = _advance_basis(length // 2)
        return _apply(_tables(length // 2), half)
    zeros = bytes(length)
    base = google_crc32c.extend(0, zeros)
    return np.array([google_crc32c.extend(1 << j, zeros) ^ base for j in range(32)], dtype=np.uint32)


#: Lengths up to this are advanced by a CRC call over that many zeros; longer even ones by squaring.
_BASE_MAX = 4096


@functools.lru_cache(maxsize=256)
def _tables(length: int) -> np.ndarray:
    """``A_length`` as four 256-entry lookup tables, one per byte of the register (``uint32[4, 256]``)."""
    basis = _advance_basis(length)
    index = np.arange(256, dtype=np.uint32)
    tables = np.zeros((4, 256), dtype=np.uint32)
    for byte in range(4):
        for bit in range(8):
            tables[byte] ^= np.where((index >> bit) & 1, basis[8 * byte + bit], 0).astype(np.uint32)
    return tables


def _apply(tables: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The linear map of ``tables`` applied to every register in ``values`` (``uint32``).

    The registers' bytes index the tables straight from a uint8 view (little-endian: byte 0 is
    the low byte), with no shifts or masks. A byte is always a valid index into 256 entries, so
    ``take`` is told to clip rather than check each index (a quarter less time, same result).
    """
    v = np.ascontiguousarray(values, dtype="<u4").view(np.uint8).reshape(-1, 4)
    out = np.take(tables[0], v[:, 0], mode="clip")
    for byte in (1, 2, 3):
        out ^= np.take(tables[byte], v[:, byte], mode="clip")
    return out


def combined_crc(crcs: np.ndarray, length: int) -> int:
    """The CRC-32C of k messages of ``length`` bytes laid end to end, from their own CRCs (unmasked)."""
    level = crcs.astype(np.uint32, copy=False)
    n = length
    while len(level) > 1:
        # Pairs (left, right) combine to A_n(left) ^ right, a node spanning 2n bytes. With an odd
        # count the first register has no partner and moves up alone: a node is only ever
        # advanced over the bytes to its right, so the first one's own span never matters.
        odd = len(level) % 2
        paired = _apply(_tables(n), level[odd::2])
        paired ^= level[odd + 1 :: 2]
        level = np.concatenate((level[:1], paired)) if odd else paired
        n *= 2
    return int(level[0]) if len(level) else 0


def _batch_ok(rows: np.ndarray, crcs: np.ndarray, length: int) -> bool:
    """True when the rows' first ``length`` bytes, laid end to end, have the CRC their stored CRCs
    combine to (rows of exactly ``length`` bytes are read in place; wider ones are cut to it in
    one copy)."""
    data = rows.view(np.uint8)[:, :length]
    return crc32c(data) == combined_crc(crcs, length)


def check_equal_length(rows: np.ndarray, crcs: np.ndarray, length: int | None = None) -> np.ndarray:
    """Return a bool mask of the rows whose CRC matches.

    ``rows`` is a (k, L) uint8 matrix of messages, ``crcs`` their *unmasked* stored CRCs. With
    ``length``, each row's first ``length`` bytes are its message and the rest is ignored: rows
    of whole 64-bit words (a uint64 matrix) fold eight times faster than bytes do.
    """
    length = rows.shape[1] * rows.itemsize if length is None else length
    ok = np.ones(len(rows), dtype=bool)
    if len(rows) == 0:
        return ok
    stack = [(0, len(rows))]
    while stack:
        lo, hi = stack.pop()
        if _batch_ok(rows[lo:hi], crcs[lo:hi], length):
            continue
        if hi - lo == 1:
            ok[lo] = False
            continue
        mid = (lo + hi) // 2
        stack.append((lo, mid))
        stack.append((mid, hi))
    return ok
