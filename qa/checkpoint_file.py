"""Reading a checkpoint file that anything may have put in its place, as only ``np.savez`` writes one.

``np.load`` trusts an ``.npy`` header: a member of a few bytes whose header declares a shape of 10^13
floats makes it allocate 14 TiB (a ``MemoryError`` and a traceback from every ``qa`` command that opens
the index, section 158), and a compressed member may expand far beyond the file. So a member is read
here only when it is stored (never compressed nor encrypted, as ``np.savez`` writes), its header is of
the kind and rank expected, and the bytes it declares are exactly the bytes it holds: what is read is
never more than the file's size on disk. The file is opened once, never through a link and never waiting
on a FIFO, so what was checked is what is read.
"""

from __future__ import annotations

import math
import os
import stat
import zipfile
from pathlib import Path

import numpy as np

# member: (dtype kind, rank) as qa.checkpoint writes them
MEMBERS = {"format": ("U", 0), "sections": ("U", 0), "keys": ("U", 1), "vectors": ("f", 2)}
_HEADERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
# np.savez writes each header of ours in 128 bytes; numpy's own bound (10 kB) lets a header of thousands of
# nested operators ("- - - ... 1") overflow the stack of Python's parser: a MemoryError, not a ValueError
HEADER_MAX = 1024


class Unsound(ValueError):
    """A file in the checkpoint's place that is not one as this tool writes it."""


def read_members(path: Path, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The arrays ``names`` of the checkpoint at ``path``; ``Unsound`` (a ``ValueError``) or ``OSError``
    when it is not a regular file holding them as ``np.savez`` writes them."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)  # a link: ELOOP; a FIFO opens at once, and is refused below
    with os.fdopen(fd, "rb") as fh:
        held = os.fstat(fd)
        if not stat.S_ISREG(held.st_mode):
            raise Unsound("it is not a regular file")
        try:
            with zipfile.ZipFile(fh) as archive:
                return {name: _member(archive, name, held.st_size) for name in names}
        except (KeyError, EOFError, RuntimeError, NotImplementedError, zipfile.BadZipFile) as exc:
            raise Unsound(str(exc)[:80] or type(exc).__name__) from None


def _member(archive: zipfile.ZipFile, name: str, disk: int) -> np.ndarray:
    kind, rank = MEMBERS[name]
    info = archive.getinfo(f"{name}.npy")
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1 or info.file_size > disk:
        raise Unsound(f"its {name} is compressed, encrypted or larger than the file")
    with archive.open(info) as member:
        read_header = _HEADERS.get(np.lib.format.read_magic(member))
        if read_header is None:
            raise Unsound(f"its {name} is of an unknown .npy version")
        shape, fortran, dtype = read_header(member, max_header_size=HEADER_MAX)
        if dtype.kind != kind or len(shape) != rank or fortran or dtype.hasobject or not dtype.itemsize:
            raise Unsound(f"its {name} is not of the kind this tool writes")
        size = math.prod(shape) * dtype.itemsize
        if member.tell() + size != info.file_size:
            raise Unsound(f"its {name} declares {size} bytes and holds {info.file_size - member.tell()}")
        data = member.read(size)  # zipfile checks the member's CRC at its end
    if len(data) != size:
        raise Unsound(f"its {name} is cut short")
    return np.frombuffer(data, dtype=dtype).reshape(shape)
