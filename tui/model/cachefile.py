"""One reopen-cache entry on disk: a tree of plain values and numpy arrays, checked before it is trusted.

An entry file is ``magic · arrays (64-byte aligned) · manifest (JSON) · footer``. The footer, written
last, holds where the manifest is and a checksum of everything before it (:func:`_checksum`); an
entry whose footer is missing or whose checksum does not match (killed mid-write, disk full, a flipped
bit, a truncated copy) is refused, never half-used. Writers write a temporary file in the same folder
and rename it over the entry, so a reader sees the old entry or the new one whole, however many
processes write at once.

Arrays are not copied on load: they are views of one copy-on-write memory map of the file, so a
reopen costs the pages actually looked at (plus one pass for the CRC), and appending to a restored
column writes private memory, never the file.

Values are encoded *generically*, so the model's classes can change shape without this module
knowing: None, bool, int, float, str, bytes, tuple, list, dict, set, numpy arrays and scalars, and
instances of tbtui's own model and tfevents classes (their ``__getstate__``, as pickle takes it; an
instance met twice is stored once, so objects that shared one share it again). Nothing else is
accepted (no pickle: a cache file can only ever produce these types), and a class from anywhere else
is refused on load as on save. A class holding what only makes sense in one process (a lock, a
serial number, a handle) says what to keep with ``__getstate__`` and rebuilds the rest in
``__setstate__``, as it would for pickle.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import mmap
import os
import struct
from typing import Any

import numpy as np

__all__ = ["BadEntry", "Unencodable", "decode", "encode", "read_entry", "write_entry"]

MAGIC = b"TBTUIRC1"
#: manifest offset, manifest length, checksum of every byte before the footer, magic again.
_FOOTER = struct.Struct("<QQQ8s")
_ALIGN = 64
#: The checksum sums 64-bit words in blocks of this many bytes, weighted by the block's place.
_BLOCK = 4096
#: Bytes checked (and written) at a time; a multiple of _BLOCK.
_CHUNK = 64 << 20
_MASK = (1 << 64) - 1
#: Entries up to this size are read rather than mapped.
_SMALL = 1 << 20
#: Instances of classes from these packages may be stored; any other class is refused both ways.
_MODULES = ("tui.model.", "tui.tfevents.")
_MAX_DEPTH = 64
_PLAIN = frozenset({type(None), bool, int, float, str})


class Unencodable(Exception):
    """A value this format does not store (the caller leaves that entry out of the cache)."""


class BadEntry(Exception):
    """An entry file that is not a whole, intact entry of this format."""


def encode(value: Any, arrays: list[np.ndarray]) -> Any:
    """``value`` as JSON-able data; its arrays and byte strings are appended to ``arrays``.

    An instance met twice is stored once and referred to after (as pickle does): two objects that
    shared a third (a run's file reader, say) share it again when decoded.
    """
    return _Encoder(arrays).encode(value, 0)


def decode(data: Any, arrays: list[np.ndarray]) -> Any:
    """The value :func:`encode` encoded; raises :class:`BadEntry` for anything it would not write."""
    return _Decoder(arrays).decode(data, 0)


class _Encoder:
    def __init__(self, arrays: list[np.ndarray]) -> None:
        self.arrays = arrays
        self.memo: dict[int, int] = {}  # id(instance) -> its reference number

    def encode(self, value: Any, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise Unencodable("nested too deeply")
        if value is None or isinstance(value, bool | str):
            return value
        if type(value) is int:
            return value
        if type(value) is float:
            return value if math.isfinite(value) else {"~f": value.hex()}
        d = depth + 1
        if isinstance(value, bytes | bytearray):
            self.arrays.append(np.frombuffer(value, np.uint8))
            return {"~b" if isinstance(value, bytes) else "~ba": len(self.arrays) - 1}
        if isinstance(value, np.ndarray):
            if value.dtype.hasobject:
                items = value.reshape(-1).tolist()
                return {"~ao": list(value.shape), "v": [self.encode(x, d) for x in items]}
            self.arrays.append(value)
            return {"~a": len(self.arrays) - 1}
        if isinstance(value, np.generic):
            if value.dtype.hasobject:
                raise Unencodable(type(value).__name__)
            return {"~n": np.lib.format.dtype_to_descr(value.dtype), "v": value.tobytes().hex()}
        if type(value) is tuple:
            return {"~t": [self.encode(x, d) for x in value]}
        if type(value) is list:
            return {"~l": [self.encode(x, d) for x in value]}
        if type(value) is dict:
            return {"~d": [[self.encode(k, d), self.encode(v, d)] for k, v in value.items()]}
        if type(value) in (set, frozenset):
            return {"~s" if type(value) is set else "~fs": [self.encode(x, d) for x in value]}
        cls = type(value)
        if not cls.__module__.startswith(_MODULES) or not hasattr(value, "__getstate__"):
            raise Unencodable(f"{cls.__module__}.{cls.__qualname__}")
        ref = self.memo.get(id(value))
        if ref is not None:
            return {"~r": ref}
        ref = self.memo[id(value)] = len(self.memo)
        state = self.encode(value.__getstate__(), d)
        return {"~o": f"{cls.__module__}:{cls.__qualname__}", "i": ref, "s": state}


class _Decoder:
    def __init__(self, arrays: list[np.ndarray]) -> None:
        self.arrays = arrays
        self.refs: dict[int, Any] = {}

    def decode(self, data: Any, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise BadEntry("nested too deeply")
        if data is None or isinstance(data, bool | int | float | str):
            return data
        if not isinstance(data, dict) or not data:
            raise BadEntry(f"unexpected {type(data).__name__}")
        d = depth + 1
        kind = next(iter(data))
        body = data[kind]
        if kind == "~f":
            return float.fromhex(body)
        if kind in ("~b", "~ba"):
            raw = self.array(body)
            return bytes(raw) if kind == "~b" else bytearray(raw)
        if kind == "~a":
            return self.array(body)
        if kind == "~ao":
            out = np.empty(len(data["v"]), dtype=object)
            for i, x in enumerate(data["v"]):  # one by one: a list item must not be broadcast
                out[i] = self.decode(x, d)
            return out.reshape(body)
        if kind == "~n":
            return np.frombuffer(bytes.fromhex(data["v"]), np.lib.format.descr_to_dtype(body))[0]
        # Most items are plain JSON values: taken as they are, without a call each.
        if kind == "~t":
            return tuple(x if type(x) in _PLAIN else self.decode(x, d) for x in body)
        if kind == "~l":
            return [x if type(x) in _PLAIN else self.decode(x, d) for x in body]
        if kind == "~d":
            return {
                k if type(k) in _PLAIN else self.decode(k, d): v if type(v) in _PLAIN else self.decode(v, d)
                for k, v in body
            }
        if kind in ("~s", "~fs"):
            items = (self.decode(x, d) for x in body)
            return set(items) if kind == "~s" else frozenset(items)
        if kind == "~o":
            return self.instance(body, data["i"], data["s"], d)
        if kind == "~r":
            if body not in self.refs:
                raise BadEntry("reference to an object not seen yet")
            return self.refs[body]
        raise BadEntry(f"unknown kind {kind!r}")

    def array(self, i: Any) -> np.ndarray:
        if not isinstance(i, int) or not 0 <= i < len(self.arrays):
            raise BadEntry("array index out of range")
        return self.arrays[i]

    def instance(self, name: str, ref: Any, data: Any, depth: int) -> Any:
        """A tbtui class's instance rebuilt from its state as pickle would, without running __init__.

        The object exists (and can be referred to) before its state is decoded, so a state that
        refers back to it gets the object itself.
        """
        module, _, qualname = name.partition(":")
        if not module.startswith(_MODULES):
            raise BadEntry(f"class {name} is not tbtui's")
        try:
            cls: Any = importlib.import_module(module)
            for part in qualname.split("."):
                cls = getattr(cls, part)
        except (ImportError, AttributeError) as e:
            raise BadEntry(f"no class {name}") from e
        if not isinstance(cls, type) or not isinstance(ref, int) or ref in self.refs:
            raise BadEntry(f"{name} is not a class, or its reference is taken")
        obj = self.refs[ref] = cls.__new__(cls)
        state = self.decode(data, depth)
        if hasattr(cls, "__setstate__"):
            obj.__setstate__(state)
            return obj
        slots: dict = {}
        if isinstance(state, tuple) and len(state) == 2:
            state, slots = state
        for key, value in {**(state or {}), **(slots or {})}.items():
            object.__setattr__(obj, key, value)
        return obj


def write_entry(path: str, tree: Any, *, checksum: bool = True) -> int:
    """Write ``tree`` to ``path`` atomically (temporary file, then rename); returns its size.

    Raises :class:`Unencodable` before anything is written when ``tree`` holds a value this format
    does not store, and ``OSError`` (disk full...) after removing the temporary file. Without
    ``checksum`` the footer's checksum is left 0 and the pass over the data saved: for a file read
    once, at once, by the process that asked for it (``model.parallel``'s hand-over), never for
    an entry that waits on disk for a later process.
    """
    arrays: list[np.ndarray] = []
    doc = encode(tree, arrays)
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with os.fdopen(os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), "w+b") as f:
            f.write(MAGIC)
            pos = len(MAGIC)
            table = []
            for a in arrays:
                pad = -pos % _ALIGN
                if pad:
                    f.write(bytes(pad))
                    pos += pad
                a = np.ascontiguousarray(a)
                table.append([np.lib.format.dtype_to_descr(a.dtype), list(a.shape), pos])
                view = memoryview(a.reshape(-1).view(np.uint8))
                for i in range(0, a.nbytes, _CHUNK):
                    f.write(view[i : i + _CHUNK])
                pos += a.nbytes
            manifest = json.dumps({"arrays": table, "doc": doc}, separators=(",", ":")).encode()
            f.write(manifest)
            f.flush()
            end = pos + len(manifest)
            check = 0
            if checksum:
                with mmap.mmap(f.fileno(), end, access=mmap.ACCESS_READ) as view_all:
                    check = _checksum(view_all, end)
            f.seek(end)
            f.write(_FOOTER.pack(pos, len(manifest), check, MAGIC))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return end + _FOOTER.size


def _checksum(buf: mmap.mmap | bytearray, end: int) -> int:
    """A 64-bit checksum of ``buf[:end]``, computed in place (no copy, a pass at memory speed).

    The 64-bit words of each 4 KB block are summed, and the block sums added up weighted by
    ``2 * block + 1``: any change to one word changes the result (odd weights are invertible mod
    2**64), and so do truncation, zeroed or garbage blocks and blocks moved to another place. It
    guards against accidents, not against someone forging an entry (who could edit ~/.cache
    anyway). Pages are dropped after each chunk so checking a large entry does not fill memory.
    """
    total = 0
    for start in range(0, end, _CHUNK):
        stop = min(start + _CHUNK, end)
        sums = _block_sums(buf, start, stop)
        first = start // _BLOCK
        weights = np.arange(first, first + len(sums), dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        total = (total + int((sums * weights).sum(dtype=np.uint64))) & _MASK
        if isinstance(buf, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
            with contextlib.suppress(OSError, ValueError):
                buf.madvise(mmap.MADV_DONTNEED, start, stop - start)
    return total ^ end


def _block_sums(buf: mmap.mmap | bytearray, start: int, stop: int) -> np.ndarray:
    """The (wrapping) sum of each _BLOCK bytes' 64-bit words in ``buf[start:stop]``; ``start`` is a
    block boundary, and a short last block counts its last bytes as one word padded with zeros."""
    per = _BLOCK // 8
    n = (stop - start) // 8
    words = np.frombuffer(buf, np.uint64, n, start)
    full = n // per
    sums = words[: full * per].reshape(full, per).sum(axis=1, dtype=np.uint64)
    tail = buf[start + n * 8 : stop]
    if n > full * per or tail:
        last = int(words[full * per :].sum(dtype=np.uint64)) + int.from_bytes(tail, "little")
        sums = np.append(sums, np.uint64(last & _MASK))
    return sums


def read_entry(path: str, *, verify: bool = True) -> Any:
    """The tree stored at ``path``, its arrays mapped copy-on-write; :class:`BadEntry` if not intact.

    An entry of up to :data:`_SMALL` bytes is read whole instead (two mappings and their page
    faults cost more than the read, and a logdir of thousands of small runs has thousands of them).
    ``verify=False`` skips the checksum (a file written with ``checksum=False``); the footer and
    every array's bounds are still checked.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as e:
        raise BadEntry(f"cannot open: {e.strerror or e}") from e
    try:
        size = os.fstat(fd).st_size
        if size < len(MAGIC) + _FOOTER.size:
            raise BadEntry("too short")
        mm: mmap.mmap | bytearray
        if size <= _SMALL:
            mm = bytearray(size)
            if os.readv(fd, [mm]) != size:
                raise BadEntry("changed while read")
        else:
            mm = mmap.mmap(fd, 0, access=mmap.ACCESS_COPY)
        end = size - _FOOTER.size
        at, length, stored, magic = _FOOTER.unpack(mm[end:])
        if mm[: len(MAGIC)] != MAGIC or magic != MAGIC or at + length != end or at < len(MAGIC):
            raise BadEntry("no intact footer")
        if not verify:
            ok = True
        elif isinstance(mm, bytearray):
            ok = _checksum(mm, end) == stored
        else:
            # A mapping of its own for the check (its pages dropped as it goes), on the descriptor of
            # the arrays' mapping: a writer renaming a new entry in meanwhile changes neither.
            with mmap.mmap(fd, end, access=mmap.ACCESS_READ) as view:
                ok = _checksum(view, end) == stored
        if not ok:
            raise BadEntry("checksum mismatch")
    except (OSError, ValueError) as e:
        raise BadEntry(f"cannot read: {e}") from e
    finally:
        os.close(fd)
    try:
        manifest = json.loads(mm[at:end])
        arrays = []
        for descr, shape, offset in manifest["arrays"]:
            dtype = np.lib.format.descr_to_dtype(descr)
            count = math.prod(shape)
            if offset + count * dtype.itemsize > at or offset < len(MAGIC):
                raise BadEntry("array outside the data section")
            a = np.frombuffer(mm, dtype, count, offset) if count else np.empty(0, dtype)
            arrays.append(a.reshape(shape))
        return decode(manifest["doc"], arrays)
    except BadEntry:
        raise
    except Exception as e:  # a checksummed file of another shape: not ours to trust either
        raise BadEntry(f"unreadable manifest: {type(e).__name__}: {e}") from e
