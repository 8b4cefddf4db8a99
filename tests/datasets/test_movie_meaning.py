"""The shipped embeddings carry meaning: neighbours share genres, queries find their genre.

The rates measured on the committed data are written in datasets/movies/README.md; the bounds
here sit well below them but far above what unrelated vectors give (the shuffled control).
"""
from __future__ import annotations

import numpy as np
import pytest

from pinecone_ops import datasets as ds

K = 10
SAMPLE = 1_000


def genre_rates(vectors: np.ndarray, genres: list[list[str]], seed: int = 0) -> tuple[float, float]:
    """(share of k-NN pairs with a genre in common, same for random pairs) over films with genres."""
    rng = np.random.default_rng(seed)
    idx = np.flatnonzero([bool(g) for g in genres])
    sets = [set(g) for g in genres]
    sample = rng.choice(idx, size=min(SAMPLE, len(idx)), replace=False)
    sims = vectors[sample] @ vectors[idx].T
    sims[np.arange(len(sample)), np.searchsorted(idx, sample)] = -np.inf  # not your own neighbour
    nn = idx[np.argpartition(-sims, K, axis=1)[:, :K]]
    nn_rate = np.mean([bool(sets[i] & sets[j]) for i, row in zip(sample, nn, strict=True) for j in row])
    a, b = rng.choice(idx, size=(2, 20_000))
    keep = a != b
    random_rate = np.mean([bool(sets[i] & sets[j]) for i, j in zip(a[keep], b[keep], strict=True)])
    return float(nn_rate), float(random_rate)


@pytest.fixture(scope="module")
def genre_lists(movies) -> list[list[str]]:
    return movies["genres"].tolist()


def test_neighbours_share_a_genre_far_more_than_random_pairs(vectors, genre_lists):
    nn_rate, random_rate = genre_rates(vectors, genre_lists)
    print(f"k-NN pairs sharing a genre: {nn_rate:.3f}; random pairs: {random_rate:.3f}")
    assert nn_rate >= 0.75
    assert nn_rate - random_rate >= 0.2


def test_control_shuffled_vectors_lose_the_signal(vectors, genre_lists):
    # The same measurement on vectors detached from their films must fall to chance, or the
    # test above would be measuring the genre mix, not the embeddings.
    shuffled = vectors[np.random.default_rng(1).permutation(len(vectors))]
    nn_rate, random_rate = genre_rates(shuffled, genre_lists)
    assert abs(nn_rate - random_rate) < 0.05


def test_genre_queries_find_their_genre(vectors, genre_lists):
    q = ds.load_queries()
    qv = ds.query_vectors()
    precisions = []
    for i, genre in enumerate(q["genre"]):
        if genre:
            top = np.argsort(-(vectors @ qv[i]))[:K]
            precisions.append(np.mean([genre in genre_lists[j] for j in top]))
    base = np.mean([np.mean([g in gl for gl in genre_lists]) for g in q["genre"] if g])
    print(f"genre precision@{K} over {len(precisions)} queries: {np.mean(precisions):.2f} (base rate {base:.2f})")
    assert len(precisions) >= 25
    assert np.mean(precisions) >= 0.6
    assert np.mean(precisions) >= 2 * base


def test_a_named_query_finds_what_it_names(movies, vectors):
    texts = ds.query_texts()
    qv = ds.query_vectors()[texts.index("a funny animated film for kids")]
    top = movies.iloc[np.argsort(-(vectors @ qv))[:K]]
    assert sum("Animation" in g for g in top["genres"]) >= K // 2
