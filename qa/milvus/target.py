"""Where the index lives: ``local`` (FAISS + bm25s in the index folder) or a Milvus URI.

``milvus:PATH.db`` is Milvus Lite, embedded in this process; ``milvus://HOST:PORT[/NAME]`` (or
``milvus+https://``, or ``milvus:`` before pymilvus's own ``http[s]://HOST:PORT``) is a Milvus server.
Credentials come from the environment (``MILVUS_TOKEN``, or ``MILVUS_USER`` and ``MILVUS_PASSWORD``)
and never from the URI, so they reach neither the manifest, the logs nor the process list, and a
refused URI is quoted without them. This module imports nothing heavy: ``Settings`` validates with it.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import shlex
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import IndexError_, InputError
from ..printable import quoted_path
from .lite import Failure, check_folder, open_error
from .reach import CONNECT_TIMEOUT, LITE_TIMEOUT, unreachable

DEFAULT_NAME = "qa_passages"  # the alias readers open; each build is a collection named after it
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,180}")
SERVER_FORM = "write it as milvus://HOST:PORT[/NAME]"
FORMS = "local, milvus:PATH.db (Milvus Lite) or milvus://HOST:PORT[/NAME] (a Milvus server)"


@dataclass(frozen=True)
class StoreTarget:
    """Where the index lives, parsed once from ``--store`` / ``QA_STORE``: every Milvus call and every
    message about the store starts from it, so a spec is checked before anything connects."""

    kind: str  # "local", "lite" or "server"
    uri: str = ""  # what pymilvus connects to (no credentials)
    name: str = DEFAULT_NAME  # the alias that points at the current build

    @property
    def display(self) -> str:
        if self.kind == "local":
            return "the local index folder"
        if self.kind == "lite":
            return f"Milvus Lite {self.uri}"
        return f"Milvus at {self.uri}, alias {self.name}"

    @property
    def spec(self) -> str:
        """The ``--store`` value that names this target again: what a hint tells the user to type."""
        if self.kind == "local":
            return "local"
        alias = "" if self.kind == "lite" or self.name == DEFAULT_NAME else f"/{self.name}"
        return f"milvus:{self.uri}{alias}"

    @property
    def build_hint(self) -> str:
        """Where the store holds no index: the command that builds one there, as a shell reads it (a
        Milvus Lite path with a space in it is quoted)."""
        return f"build it with: qa index --store {shlex.quote(self.spec)}"


def parse_store(spec: str | None) -> StoreTarget:
    """The store a ``--store`` / ``QA_STORE`` value names; InputError for anything else."""
    spec = (spec or "local").strip()
    if spec == "local":
        return StoreTarget("local")
    if spec.startswith(("milvus://", "milvus+https://")):
        return _server(spec)
    if spec.startswith("milvus:"):
        written = spec[len("milvus:") :].strip()  # "milvus: /data/kb.db" in an environment file
        return _server(f"milvus:{written}") if written.startswith(("http://", "https://")) else _lite(written)
    raise InputError(f"unknown store {quoted_path(_shown(spec))}", f"choose {FORMS}")


def _lite(written: str) -> StoreTarget:
    """``milvus:PATH.db``: a path of this machine, ``~`` expanded as a shell would (no shell does after
    ``milvus:``), refused where it would quietly make a database other than the one meant."""
    path = os.path.expanduser(written)
    if path.rstrip("/").endswith(".db"):  # a shell completes the database's folder with a "/"
        path = path.rstrip("/")
    if not path.endswith(".db") or path == ".db":
        raise InputError(
            f"bad Milvus Lite path {quoted_path(_shown(path))}", "a Milvus Lite store is a path ending in .db"
        )
    if "://" in path:  # a URI of another scheme: as a path, a folder "tcp:" here (its credentials shown)
        raise InputError(
            f"bad Milvus Lite path {quoted_path(_shown(path))}: it is written as a URI",
            f"choose {FORMS}",
        )
    if path.startswith("~"):  # ~NAME of no user, left as written: it would be a folder named so, here
        user = path[1:].split("/", 1)[0]
        raise InputError(
            f"bad Milvus Lite path {quoted_path(path)}: ~{user} names no home folder here (no such user)",
            f"write the folder out, or ./{path} for a folder of that name here",
        )
    if os.sep == "/" and ("\\" in path or re.match(r"[A-Za-z]:[\\/]", path)):  # else made as one name, here
        raise InputError(
            f"bad Milvus Lite path {quoted_path(path)}: it is written as a Windows path "
            "(or holds a \\ no shell read)",
            "write a path of this machine, folders separated by / and unescaped (milvus:/data/my docs/kb.db)",
        )
    try:  # Milvus Lite takes its path as UTF-8 text: it created the folder, then failed as "damaged"
        os.path.abspath(path).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"Milvus Lite cannot use the path {quoted_path(path)}: it is not valid UTF-8",
            "choose a path whose folder and file names are UTF-8 (or rename them)",
        ) from None
    return StoreTarget("lite", os.path.abspath(path), DEFAULT_NAME)


def _server(spec: str) -> StoreTarget:
    """``milvus[+https]://HOST:PORT[/NAME]``, or ``milvus:`` before the URI pymilvus itself takes
    (``http[s]://HOST:PORT``, with ``/NAME``): nothing more, and no credentials."""
    uri = spec[len("milvus:") :] if spec.startswith("milvus:http") else spec
    try:
        parts = urlsplit(uri)
    except ValueError:  # an unbalanced IPv6 bracket
        raise InputError(f"bad Milvus server URI {quoted_path(_shown(spec))}", SERVER_FORM) from None
    if parts.username or parts.password:
        raise InputError(
            "the Milvus URI must not contain credentials",
            "set MILVUS_TOKEN (or MILVUS_USER and MILVUS_PASSWORD) in the environment instead",
        )
    if parts.query or parts.fragment:  # ?token=... would be dropped silently (and shown by qa info)
        raise InputError(
            f"bad Milvus server URI {quoted_path(_shown(spec))}: it takes no ?query or #fragment",
            "write it as milvus://HOST:PORT[/NAME]; credentials go in MILVUS_TOKEN",
        )
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None or not 0 < port < 65536:
        lite = "; a Milvus Lite database is milvus:PATH.db (one colon, no //)" if uri.endswith(".db") else ""
        raise InputError(f"bad Milvus server URI {quoted_path(_shown(spec))}", SERVER_FORM + lite)
    name = parts.path.strip("/") or DEFAULT_NAME
    scheme = "https" if parts.scheme in ("https", "milvus+https") else "http"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname  # IPv6 keeps its brackets
    return StoreTarget("server", f"{scheme}://{host}:{port}", _checked_name(name))


def _shown(spec: str) -> str:
    """A spec as a refusal quotes it: without a ``user:password@`` (all before the last ``@`` of what
    follows ``//``, as a password may hold / ? #), ``?query`` or ``#fragment`` (a token there)."""
    head, sep, rest = spec.partition("//")
    if not sep:  # "milvus:" before user:password@host without "//"; a path's "kb@v2" is no password
        return re.split(r"[?#]", re.sub(r"^[^/@]*:[^/]*@", "…@", spec), maxsplit=1)[0]
    if "@" in rest:
        end = rest.find("/", rest.rindex("@"))
        rest = "…" + (rest[end:] if end >= 0 else "")
    return head + sep + re.split(r"[?#]", rest, maxsplit=1)[0]


def _checked_name(name: str) -> str:
    if not _NAME_RE.fullmatch(name):
        raise InputError(
            f"bad Milvus collection name {quoted_path(name)}",
            "letters, digits and _, not starting with a digit",
        )
    return name


_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def _credentials() -> dict[str, str]:
    if os.environ.get("MILVUS_TOKEN"):
        return {"token": os.environ["MILVUS_TOKEN"]}
    if os.environ.get("MILVUS_USER"):
        return {"user": os.environ["MILVUS_USER"], "password": os.environ.get("MILVUS_PASSWORD", "")}
    return {}


def require_pymilvus(target: StoreTarget) -> None:
    """pymilvus (and milvus-lite for a ``.db`` path) can be imported, else one line saying what to
    install: called before anything of pymilvus is imported, so a missing package is no traceback."""
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")  # gRPC's C core prints its own error lines else
    wanted = {"pymilvus": "pymilvus"} | ({"milvus_lite": "milvus-lite"} if target.kind == "lite" else {})
    for module, package in wanted.items():
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise IndexError_(
                f"the Milvus store needs the Python package {package}, which cannot be imported ({exc})",
                "pip install pymilvus milvus-lite, or use --store local",
            ) from None
    # pymilvus logs every failed call with its traceback to its own stderr handler; each failure reaches
    # the user as one line through our errors instead.
    for name in ("pymilvus", "pymilvus.milvus_client", "pymilvus.bulk_writer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def connect(target: StoreTarget) -> Any:
    """One MilvusClient per target and process (Milvus Lite allows one process per file)."""
    with _clients_lock:
        if target.uri in _clients:
            return _clients[target.uri]
        require_pymilvus(target)
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException

        if target.kind == "lite":
            check_folder(target)
        # Milvus Lite logs a traceback when it cannot open a file; we keep its exception and say it in
        # one line instead (and its other log lines stay out of the user's terminal, as before).
        logging.getLogger("milvus_lite").addHandler(logging.NullHandler())
        failure, log = Failure(), logging.getLogger("milvus_lite.server_manager")
        log.addHandler(failure)
        propagate, log.propagate = log.propagate, False
        try:
            wait = LITE_TIMEOUT if target.kind == "lite" else CONNECT_TIMEOUT  # the first call's wait only
            # dedicated: pymilvus shares a connection per address and token, and one another client left
            # open to a server since stopped would stand in for a new server on that port, never asking it
            client = MilvusClient(uri=target.uri, timeout=wait, dedicated=True, **_credentials())
        except (MilvusException, ValueError) as exc:  # ValueError: an address pymilvus cannot parse
            message = str(getattr(exc, "message", exc))
            if target.kind == "lite":
                raise open_error(target, failure.exc, message) from None
            raise unreachable(target, message, exc.__cause__) from None
        finally:
            log.removeHandler(failure)
            log.propagate = propagate
        _clients[target.uri] = client
        return client


def forget(target: StoreTarget) -> None:
    """Close and forget the client of a target (tests; a Lite file is then free for another process)."""
    with _clients_lock:
        client = _clients.pop(target.uri, None)
    if client is not None:
        client.close()
        if target.kind == "lite":
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(target.uri)
