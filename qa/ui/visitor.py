"""What a visitor may read of a batch upload's error: Indonesian, with no path of the server's.

The CLI's messages are written for the person who owns the files; a visitor owns only the upload, so
a problem with the server's own folders is reported to the operator (stderr) and as "could not save"
to the visitor.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import OutputError, QAError, describe, no_room
from ..file_errors import FileRefused
from . import file_words

SERVER_CANNOT_SAVE = "Server tidak bisa menyimpan hasilnya (penyimpanan penuh?); coba lagi nanti."
# A failed write the page can say more of, by its errno's kind (qa.errors.no_room, the rule
# qa.errors.write_fix tells the CLI's user by):
# a full disk (or quota) frees up as old results are removed (qa.ui.runs.RUN_TTL), a file-size limit does
# not (only a smaller file fits). Nothing is kept either way: the run's folder is removed.
DISK_FULL = (
    "Penyimpanan server penuh, jadi jawabannya tidak bisa disimpan; tidak ada yang tersimpan.",
    "coba lagi nanti (hasil lama dihapus setelah satu jam), atau bagi berkasnya dan unggah "
    "lebih sedikit pertanyaan sekaligus. Pengelola server: kosongkan ruang di disk server.",
)
FILE_TOO_BIG = (
    "Jawabannya melebihi batas ukuran berkas di server, jadi tidak bisa disimpan; tidak ada yang tersimpan.",
    "bagi berkasnya dan unggah lebih sedikit pertanyaan sekaligus; mengulang berkas yang sama tidak akan "
    "berhasil. Pengelola server: naikkan batas ukuran berkas (ulimit -f).",
)
SAID_BY_ROOM = {"full": DISK_FULL, "limit": FILE_TOO_BIG}
BUSY = (
    "Server sedang menjawab unggahan lain dan antreannya penuh ({slots} berjalan, {line} menunggu); "
    "coba lagi beberapa menit lagi."
)


def for_visitor(exc: QAError, src: Path, run: Path) -> QAError:
    """A batch error as a visitor may read it: no path of the server's, no advice meant for the CLI.

    A refused upload is said from its code and values (:mod:`qa.ui.file_words`), never from the CLI's
    English and its hint. A problem with the result files (a full disk, a folder the server cannot write)
    is the server's: the visitor reads that it could not save, the operator reads the whole message on
    stderr."""
    if isinstance(exc, FileRefused):
        exc.message, exc.hint = file_words.said(exc.why), None
        return exc
    exc.message = exc.message.replace(str(src), "berkas yang diunggah")  # users know our copy as theirs
    if isinstance(exc, OutputError) or str(run) in exc.message:
        return server_side(exc)
    return exc


def server_side(exc: QAError) -> OutputError:
    """``exc`` for the operator (stderr, whole) and for the visitor: what to do when its errno says."""
    print(f"batch upload: {describe(exc)}", file=sys.stderr)
    room = no_room(getattr(exc, "errno", None))
    said = SAID_BY_ROOM[room] if room else None
    return OutputError(*said) if said else OutputError(SERVER_CANNOT_SAVE)
