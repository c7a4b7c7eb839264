"""What a ``qa`` command opens: its settings (flags over ``QA_*`` variables over defaults, ``qa.config``)
and the assistant of them; one definition for the command modules (``commands``, ``cli_batch``,
``cli_measure``), so each command reads its flags alike."""

from __future__ import annotations

import argparse

from .config import Settings


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings the parsed flags name, the ``QA_*`` variables filling what they leave out."""
    return Settings.from_env(
        corpus_dir=args.corpus,
        index_dir=args.index,
        encoder=args.encoder,
        model=args.model,
        query_prefix=args.query_prefix,
        passage_prefix=args.passage_prefix,
        window=args.window,
        store=args.store,
    )


def open_assistant(args: argparse.Namespace, build: str = "auto", read_only: bool = False):
    """The assistant of those settings (its index opened, built only as ``build`` allows)."""
    from .assistant import Assistant

    return Assistant(settings_from(args), build=build, read_only=read_only)
