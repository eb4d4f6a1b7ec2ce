"""CRC-32C as TFRecord frames use it: masked, and checked in bulk.

Every frame carries two masked CRC-32C values (of the 8-byte length and of the payload). Checking
them one call at a time costs more than everything else a scalar-heavy file needs, so this module
also checks *batches* of equal-length messages at once.

CRC-32C is affine over GF(2): ``crc(a) ^ crc(b) == lin(a ^ b)`` where ``lin`` is the linear part,
and ``crc(x) == lin(x) ^ crc(zeros(len(x)))``. So for k messages of one length L,
``xor(crc(m_i)) == crc(xor(m_i)) ^ (crc(zeros(L)) if k is even else 0)``: one XOR reduction of an
(k, L) byte matrix and one CRC call check the whole batch. A single damaged message cannot cancel
out, so a failing batch is bisected to find the culprits and a passing one is as good as k checks.
(Two damaged messages with identical error patterns *could* cancel; the bisection on any failure
and the per-record fallback for large payloads keep this a theoretical corner.)
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


def _batch_ok(rows: np.ndarray, crcs: np.ndarray) -> bool:
    k, length = rows.shape
    folded = np.bitwise_xor.reduce(rows, axis=0) if k > 1 else rows[0]
    expect = int(np.bitwise_xor.reduce(crcs)) if k > 1 else int(crcs[0])
    got = crc32c(folded.tobytes())
    if k % 2 == 0:
        got ^= _zeros_crc(length)
    return got == expect


def check_equal_length(rows: np.ndarray, crcs: np.ndarray) -> np.ndarray:
    """Return a bool mask of the rows whose CRC matches.

    ``rows`` is a (k, L) uint8 matrix of messages, ``crcs`` their *unmasked* stored CRCs.
    """
    ok = np.ones(len(rows), dtype=bool)
    if len(rows) == 0:
        return ok
    stack = [(0, len(rows))]
    while stack:
        lo, hi = stack.pop()
        if _batch_ok(rows[lo:hi], crcs[lo:hi]):
            continue
        if hi - lo == 1:
            ok[lo] = False
            continue
        mid = (lo + hi) // 2
        stack.append((lo, mid))
        stack.append((mid, hi))
    return ok
