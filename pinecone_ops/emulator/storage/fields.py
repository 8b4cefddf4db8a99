"""How a schema's fields are read, for every plane: which field is dense, which sparse, which
full-text (and the analyzer languages). ``control/schema.py`` validates schemas; this only reads them."""
from __future__ import annotations

from typing import Any

#: Pinecone's 18 full-text languages → the Snowball stemmer (tantivy's names).
LANGUAGES: dict[str, str] = {
    "ar": "arabic", "da": "danish", "de": "german", "el": "greek", "en": "english", "es": "spanish",
    "fi": "finnish", "fr": "french", "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
}


def dense_field(fields: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    for name, f in fields.items():
        if f.get("type") == "dense_vector":
            return name, f
    return None


def sparse_field(fields: dict[str, Any]) -> str | None:
    return next((n for n, f in fields.items() if f.get("type") == "sparse_vector"), None)


def text_fields(fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Full-text fields → their ``full_text_search`` configuration."""
    return {n: f["full_text_search"] for n, f in fields.items() if f.get("type") == "string"}
