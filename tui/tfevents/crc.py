"""CRC-32C as TFRecord frames use it: masked, and checked in bulk.

Every frame carries two masked CRC-32C values (of the 8-byte length and of the payload). Checking
them one call at a time costs more than everything else a scalar-heavy file needs, so this module
also checks *batches* of equal-length messages at once.

CRC-32C is affine over GF(2): ``crc(a) ^ crc(b) == lin(a ^ b)`` where ``lin`` is the linear part,
and ``crc(x) == lin(x) ^ crc(zeros(len(x)))``. So for k messages of one length L,
``xor(crc(m_i)) == crc(xor(m_i)) ^ (crc(zeros(L)) if k is even else 0)``: one XOR reduction of an
(k, L) byte matrix and one CRC call check the whole batch. A single damaged message cannot cancel
out, so a failing batch is bisected to find the culprits and a passing one is as good as k checks.
Two damaged messages with identical error patterns would cancel in a plain fold, so the check
also folds along a pairwise tree (see ``_batch_ok``), which separates every pair of rows.
"""

from __future__ import annotations

import functools

import google_crc32c
import numpy as np

_MASK_DELTA = 0xA282EAD8


def crc32c(data: bytes | bytearray | memoryview) -> int:
    """Plain (unmasked) CRC-32C, hardware accelerated where the CPU has it."""
    return google_crc32c.value(bytes(data)) if isinstance(data, memoryview) else google_crc32c.value(data)


def masked_crc32c(data: bytes | bytearray | memoryview) -> int:
    """The masked CRC that TFRecord frames store (so CRCs of CRCs stay well distributed)."""
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def unmask(masked: np.ndarray) -> np.ndarray:
    """Invert the mask for a whole array of stored CRCs: rotate-left-15(m - delta)."""
    m = (masked.astype(np.uint64) - _MASK_DELTA) & 0xFFFFFFFF
    return (((m << 15) | (m >> 17)) & 0xFFFFFFFF).astype(np.uint32)


@functools.lru_cache(maxsize=4096)
def _zeros_crc(length: int) -> int:
    return crc32c(bytes(length))


def _batch_ok(rows: np.ndarray, crcs: np.ndarray, length: int) -> bool:
    """True when every row's CRC matches, checked with O(log k) folds of the batch.

    Work in the linear part of the CRC (``lin = crc ^ crc(zeros(L))``, so zero rows add nothing).
    One fold of all rows (the root of a pairwise XOR tree) catches any single damaged row.
    Identical damage in two rows would cancel in that fold, so we also fold, at each level of the
    tree, the odd-indexed nodes: two distinct rows part at their lowest differing index bit, where
    exactly one of them is folded. The tree costs about two passes over the matrix.
    """
    zc = _zeros_crc(length)
    level = rows
    lins = crcs.astype(np.uint32) ^ np.uint32(zc)
    folds = []
    while len(level) > 1:
        half, carry = divmod(len(level), 2)
        odd, odd_l = level[1::2], lins[1::2]
        folds.append((np.bitwise_xor.reduce(odd, axis=0), int(np.bitwise_xor.reduce(odd_l))))
        # The next level: pairs folded, an odd last row carried up as it is (no padding copy).
        nxt = np.empty((half + carry, level.shape[1]), level.dtype)
        nxt_l = np.empty(half + carry, np.uint32)
        np.bitwise_xor(level[0 : 2 * half : 2], odd, out=nxt[:half])
        np.bitwise_xor(lins[0 : 2 * half : 2], odd_l, out=nxt_l[:half])
        if carry:
            nxt[half], nxt_l[half] = level[-1], lins[-1]
        level, lins = nxt, nxt_l
    folds.append((level[0], int(lins[0])))  # the root: every row folded
    return all((crc32c(f.view(np.uint8)[:length].tobytes()) ^ zc) == lin for f, lin in folds)


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
