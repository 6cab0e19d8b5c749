"""Glued forms: a whole form on one line, its cells run together with no separator (placeholder)."""

from __future__ import annotations

from loaders.model import Block
from loaders.vocabulary import Vocabulary


def is_glued(raw: str, vocab: Vocabulary) -> bool:
    return False


def blocks_of_line(raw: str, no: int, page: int | None, vocab: Vocabulary) -> list[Block]:
    return [Block("paragraph", no, no, text=raw.strip(), page=page)]
