"""Pinecone's full-text analyzer pipeline, built from tantivy's own tokenizers and filters.

docs.pinecone.io "Full-text search text processing": split on whitespace and punctuation
(hyphenated words split), lowercase, optional stemming (by the field's language), optional stop
words, a 40-character token cap; or character n-grams instead of words. The same analyzer runs
at index time and at query time (``text`` and ``query_string`` clauses and the ``$match_*``
filters), because tantivy applies the field's registered tokenizer to both.

Only the mapping from a field's ``full_text_search`` configuration to a tantivy ``TextAnalyzer``
is written here; tokenizing, stemming and stop-word lists are tantivy's.
"""
from __future__ import annotations

import re
from typing import Any

import tantivy

from pinecone_ops.emulator.storage.fields import LANGUAGES

#: Pinecone caps tokens at 40 characters; tantivy's ``remove_long`` drops tokens of this many
#: bytes or more (a difference for very long tokens: see docs/emulator.md).
TOKEN_LIMIT_BYTES = 41


def analyzer(fts: dict[str, Any]) -> tantivy.TextAnalyzer:
    """The tantivy analyzer of one ``full_text_search`` configuration (already validated)."""
    ngram = fts.get("ngram")
    if ngram:
        builder = tantivy.TextAnalyzerBuilder(
            tantivy.Tokenizer.ngram(ngram["min_gram"], ngram["max_gram"], ngram.get("prefix_only", False)))
        return builder.filter(tantivy.Filter.lowercase()).build()
    language = LANGUAGES[fts.get("language", "en")]
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    builder = builder.filter(tantivy.Filter.remove_long(TOKEN_LIMIT_BYTES)).filter(tantivy.Filter.lowercase())
    if fts.get("stop_words"):
        # Before the stemmer, so the list matches whole words ("was", not its stem "wa").
        builder = builder.filter(tantivy.Filter.stopword(language))
    if fts.get("stemming"):
        builder = builder.filter(tantivy.Filter.stemmer(language))
    return builder.build()


def tokenizer_name(field: str) -> str:
    return f"pinecone:{field}"


_QUOTED = re.compile(r'("(?:[^"\\]|\\.)*")')
_NOT = re.compile(r"(^|[\s(])NOT\s+")


def lucene_to_tantivy(query: str) -> str:
    """Pinecone's ``query_string`` is Lucene syntax; tantivy's parser reads the same phrases,
    ``AND`` / ``OR``, ``+`` / ``-``, ``field:`` scoping and ``^`` boosts, but spells ``NOT x`` as
    ``-x``. Rewrite ``NOT`` outside quoted phrases."""
    parts = _QUOTED.split(query)
    return "".join(p if i % 2 else _NOT.sub(r"\1-", p) for i, p in enumerate(parts))
