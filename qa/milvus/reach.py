"""Reaching a Milvus server: how long the first call may wait, and what a failed connection means.

pymilvus reports every failed connection as "illegal connection params or server unavailable"; the gRPC
error under it says which it was (nothing listening, a port that is not Milvus's gRPC port, TLS spoken
to a plain server, a port that accepts and never answers), and that is what the user can act on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import IndexError_

if TYPE_CHECKING:
    from .target import StoreTarget

# Seconds a server has to answer pymilvus's first call (its Connect). In pymilvus 3 the client's
# ``timeout`` is that wait only (and a reconnect's), not the calls' deadline, which each call of ours
# sets. A healthy server answers in milliseconds; a port that accepts and never answers (a frozen
# server, a proxy with nothing behind it) cost gRPC's 20 s handshake wait, or the 30 s given before.
CONNECT_TIMEOUT = 5.0
LITE_TIMEOUT = 30.0  # Milvus Lite runs in this process: opening a large database is not a silent server
# Seconds for a call about the collections (aliases, descriptions: milliseconds when healthy), retries
# included. Without it a server that stopped answering after the connection held such a call for about
# a minute in pymilvus's reconnects and retries (``qa serve``'s look for a rebuild, an open).
META_TIMEOUT = 10.0
# Seconds a server has for one call of a build that moves a bounded amount (creating the collection with
# its index, one insert of ``INSERT_BATCH`` rows, one lookup of the previous build's vectors), plus
# ``BUILD_PER_ROW`` for each row of a call over the whole collection (its flush, its load): without them
# a server that accepted the connection and then stalled held a build for ever. Scaled by the rows, the
# deadline lets a healthy server load 100k passages (260 s) and still tells a stalled one at 10 in 60 s.
BUILD_TIMEOUT = 60.0
BUILD_PER_ROW = 0.002
REBUILD = "then run qa index again (a build left unfinished is dropped by the next one)"

T = TypeVar("T")


def meta_timeout(target: StoreTarget) -> float | None:
    """``META_TIMEOUT`` for a server; none for Milvus Lite, which runs in this process (it cannot stop
    answering while this process runs) and reads a whole collection from disk at its first description
    since the open (4.4 s for 100k rows, 409 MB, here; 6.9 s from a cold disk): a deadline only told a
    big database on a slow disk that it "may be damaged"."""
    return None if target.kind == "lite" else META_TIMEOUT


def build_timeout(target: StoreTarget, rows: int = 0) -> float | None:
    """The deadline of one build call over ``rows`` rows (0: a bounded call) on ``target``'s server;
    none on Milvus Lite, which runs in this process (as ``meta_timeout``)."""
    return None if target.kind == "lite" else BUILD_TIMEOUT + BUILD_PER_ROW * rows


def failures() -> tuple[type[BaseException], ...]:
    """What a failed call raises: pymilvus's own error, or gRPC's when a call's deadline passed."""
    import grpc  # type: ignore[import-untyped]
    from pymilvus.exceptions import MilvusException

    return (MilvusException, grpc.RpcError)


def timed(target: StoreTarget, doing: str, seconds: float | None, call: Callable[..., T], *args: Any,
          then: str = REBUILD, **kwargs: Any) -> T:  # fmt: skip
    """``call(*args, timeout=seconds, **kwargs)``; a server's silence (the deadline passed, pymilvus's
    retries run out) is one line naming what was being done (``doing``) and what to do ``then``, not
    gRPC's "Deadline Exceeded"; a server that answered but did not finish the work in time is told so
    (its remedy is not the network). Other failures pass as they are."""
    try:
        return call(*args, timeout=seconds, **kwargs)
    except failures() as exc:
        unanswered, message = silent(exc)
        if not unanswered or target.kind != "server":
            raise
        within = f"within {seconds:.0f} s" if seconds is not None else ""
        if _UNFINISHED.search(message):  # it answered every poll: slow or stuck, not silent
            raise IndexError_(
                f"the Milvus server at {target.uri} did not finish {doing} {within}: it answers, but "
                "the work was still under way",
                f"the server is busy or short of resources (see its log, its query and data nodes), {then}",
            ) from None
        raise IndexError_(
            f"the Milvus server at {target.uri} stopped answering while {doing}: "
            + (f"no reply {within}" if within else message[:200]),
            f"check that the server runs and is reachable, {then}",
        ) from None


# pymilvus's own wait for a flush, a load or an index, which polls the server until the deadline: each
# poll answered, the work not done (a server that is silent fails the poll itself, gRPC's error)
_UNFINISHED = re.compile(r"wait for (?:loading|flush)\b.*\btimeout|create index .* timeout in", re.S)


_SILENT_CODES = {"UNAVAILABLE", "DEADLINE_EXCEEDED"}
_LAST = re.compile(r"last error: (?:[A-Z_]+: )?(?:(?:ipv[46]|unix|dns):\S+: )?(.*)", re.S)


def silent(exc: BaseException) -> tuple[bool, str]:
    """Whether a failed call means the server did not answer (pymilvus's CONNECT_FAILED, gRPC's
    ``UNAVAILABLE`` or ``DEADLINE_EXCEEDED``, a retry timeout), and the failure's message."""
    message = str(getattr(exc, "message", exc))
    code = getattr(exc, "code", None)
    if callable(code):  # a grpc.RpcError: code() and details() are methods
        code, message = code(), str(exc.details())  # type: ignore[attr-defined]
    return code == 2 or getattr(code, "name", "") in _SILENT_CODES or "timeout" in message.lower(), message


# A refusal of this user, by Milvus's codes (never its English words, which a release may reword): gRPC's
# status code (the proxy's authentication and privilege interceptors), else the code of a response's
# status (merr: 1400 "not authenticated", 1800 "user hasn't authenticated", 1401 "privilege not
# permitted"; the deprecated ErrorCode PermissionDenied, 3, as compatible_code).
_AUTH_CODES = {"UNAUTHENTICATED", 1400, 1800}
_PRIVILEGE_CODES = {"PERMISSION_DENIED", 1401}
_LEGACY_PERMISSION_DENIED = 3
# What a MILVUS_USER is quoted as only when it looks like one (Milvus's names: a letter, then letters,
# digits, _ . - @): "root:Milvus", the token's form in the wrong variable, would print the password.
_USER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.@-]{0,63}")
PRIVILEGES = (
    "grant that user's role the privilege named (qa index creates, fills, aliases and drops collections; "
    "qa ask, qa batch and qa serve describe, load, query and search them), or use a user who has it"
)


def _sent() -> tuple[str, str]:
    """Which credentials this process sends (never a secret), and why none when none are: pymilvus sends
    a user only with a password, so either alone sends nothing."""
    token, user, password = (os.environ.get(f"MILVUS_{n}", "") for n in ("TOKEN", "USER", "PASSWORD"))
    if token:
        return "the token in MILVUS_TOKEN", ""
    if user and password:
        if _USER_NAME.fullmatch(user):
            return f"the user {user!r} (MILVUS_USER)", ""
        return "the user in MILVUS_USER (not shown: it is not a user name)", ""
    if user or password:
        have, lack = ("MILVUS_USER", "MILVUS_PASSWORD") if user else ("MILVUS_PASSWORD", "MILVUS_USER")
        return "a connection without credentials", (
            f"{have} is set but {lack} is not, so no credentials were sent: set {lack} too (or "
            "MILVUS_TOKEN=USER:PASSWORD)"
        )
    return "a connection without credentials", (
        "the server requires them: set MILVUS_TOKEN (USER:PASSWORD, or an API key), or MILVUS_USER and "
        "MILVUS_PASSWORD, in the environment"
    )


def _refusal(exc: BaseException) -> tuple[str, str]:
    """("auth", "privilege" or "", the error's own words) of one error: a grpc.RpcError (code() and
    details() are methods) or pymilvus's MilvusException (a status's code, or gRPC's, as attributes)."""
    code = getattr(exc, "code", None)
    if callable(code):
        codes, text = {getattr(code(), "name", "")}, str(exc.details())  # type: ignore[attr-defined]
    else:
        codes, text = {getattr(code, "name", code)}, str(getattr(exc, "message", exc))
        if getattr(exc, "compatible_code", None) == _LEGACY_PERMISSION_DENIED:
            codes.add("PERMISSION_DENIED")
    kind = "auth" if codes & _AUTH_CODES else "privilege" if codes & _PRIVILEGE_CODES else ""
    return kind, text


def refused(exc: BaseException | None, where: str, message: str = "") -> IndexError_ | None:
    """The error a server's refusal of this user is told as: its credentials (gRPC's ``UNAUTHENTICATED``:
    a wrong token or password, none sent) or a privilege its role lacks (``PERMISSION_DENIED``); else
    None. Told as "cannot reach" or "may have been replaced by a newer build", either sent the user to
    the network or to ask again; ``where`` names the server ("the Milvus server at URI")."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:  # pymilvus's, and gRPC's under it (pymilvus raises
        seen.add(id(exc))  # some "from" themselves)
        kind, text = _refusal(exc)
        if kind:
            break
        exc = exc.__cause__
    else:
        return None
    lines = (text.strip() or message.strip()).splitlines()  # the server's own words
    reason = lines[0][:200] if lines else "no reason given"
    who, none = _sent()
    if kind == "auth":
        check = (
            "check MILVUS_TOKEN (USER:PASSWORD, or an API key): the server did not accept it"
            if "TOKEN" in who
            else "check MILVUS_USER and MILVUS_PASSWORD: the server did not accept them"
        )
        return IndexError_(f"{where} refused {who}: {reason}", none or check)
    return IndexError_(f"{where} refused a privilege to {who}: {reason}", none or PRIVILEGES)


def unreachable(target: StoreTarget, message: str, cause: BaseException | None) -> IndexError_:
    """One line saying why the server at ``target`` could not be reached, from the gRPC error under
    pymilvus's (``cause``) when there is one; a refusal of the credentials is told as one."""
    said = refused(cause, f"the Milvus server at {target.uri}", message)
    if said is not None:
        return said
    code = getattr(cause, "code", None)
    code = code() if callable(code) else None
    details = cause.details() if callable(getattr(cause, "details", None)) else ""  # type: ignore[union-attr]
    where = target.uri
    if getattr(code, "name", "") == "DEADLINE_EXCEEDED":
        return IndexError_(
            f"the Milvus server at {where} does not answer: no reply within {CONNECT_TIMEOUT:g} s",
            "something accepts connections there but does not answer as Milvus: check the port (Milvus "
            "listens on 19530 by default) and that the server is not stuck or still starting",
        )
    if "[" in where:
        return IndexError_(
            f"cannot reach the Milvus server at {where}: {message}",
            "pymilvus cannot reach an IPv6 address: give the server's host name",
        )
    found = _LAST.search(details or "")
    lines = (found.group(1) if found else details or message).strip().splitlines()
    reason = (lines[0] if lines else "no reason given")[:200]
    # credentials are never the cause here: a server that refuses them answers, and is told by ``refused``
    hint = "check that the server runs and the address (host and port: Milvus listens on 19530 by default)"
    if "HTTP/2" in reason:
        hint = (
            "that port answers, but not as Milvus's gRPC port (a web server, or Milvus's HTTP port "
            "9091?): Milvus listens on 19530 by default"
        )
    elif "ssl" in reason.lower() or "tls" in reason.lower():
        hint = (
            "TLS did not agree: milvus:// (or milvus:http://) for a server without TLS, milvus+https:// "
            "(or milvus:https://) for one with it"
        )
    return IndexError_(f"cannot reach the Milvus server at {where}: {reason}", hint)
