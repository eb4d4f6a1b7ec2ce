"""Bytes to values: event files framed and CRC-checked, and their protos decoded as TensorBoard does.

The lowest layer and the only one that parses a byte of an event file (``records`` frames them,
``decode``, ``columnar`` and ``histcolumns`` read the events); ``writer`` writes them for the demo and
tests. The vendored protos live in ``proto``.
"""
