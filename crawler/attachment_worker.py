"""The attachment reader's worker process: `python -m crawler.attachment_worker`.

Reads requests from stdin and writes results to stdout, each a length-prefixed pickle (8 bytes,
little-endian, then the data): a request is (module, function, args), the answer the function's
return value. Only `crawler.attachment_reader` talks to it, over the pipes it created, so the
pickles never come from the network. Started as a plain subprocess (not multiprocessing), so it
never re-imports the caller's main script.
"""

from __future__ import annotations

import importlib
import logging
import pickle
import struct
import sys
from typing import BinaryIO

HEADER = struct.Struct("<Q")


def read_message(stream: BinaryIO) -> object | None:
    """One message, or None at end of stream."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def write_message(stream: BinaryIO, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def main() -> None:
    logging.disable(logging.CRITICAL)  # readers warn per broken object; the parent keeps stderr
    while (request := read_message(sys.stdin.buffer)) is not None:
        module, function, args = request
        write_message(sys.stdout.buffer, getattr(importlib.import_module(module), function)(*args))


if __name__ == "__main__":
    main()
