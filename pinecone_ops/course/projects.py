"""Pre-built Pinecone projects the notebooks read (phase 1: an inventory of someone else's project).

``build_project(pc, seed)`` creates a small, realistic set of indexes (tags, deletion protection,
dimensions, metrics, records in several namespaces) and returns what it created, so a grader can
build a variant the learner has never seen and compare.
"""
from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field

import httpx
from pinecone import ServerlessSpec

from pinecone_ops.course.legacy import create_legacy_pod_index


@dataclass(frozen=True)
class IndexPlan:
    """One index of a pre-built project, as created."""

    name: str
    dimension: int
    metric: str
    tags: dict = field(default_factory=dict)
    protected: bool = False
    kind: str = "serverless"  # or "pod" (legacy; only when the local Pinecone supports pods)
    namespaces: dict = field(default_factory=dict)  # namespace -> record count ("" = default)

    @property
    def records(self) -> int:
        return sum(self.namespaces.values())


_BASE = [
    IndexPlan("films-prod", 384, "cosine", {"env": "prod", "team": "search"}, True,
              namespaces={"": 40, "kids": 12}),
    IndexPlan("films-staging", 384, "cosine", {"env": "staging", "team": "search"}, False,
              namespaces={"": 25}),
    IndexPlan("support-tickets", 1536, "dotproduct", {"env": "prod", "team": "support"}, True,
              namespaces={"acme": 9, "globex": 14, "initech": 3}),
    IndexPlan("old-experiment", 768, "cosine", {"env": "dev", "owner": "sam"}, False,
              namespaces={"": 7}),
    IndexPlan("scratch-7f3a", 8, "euclidean", {}, False, namespaces={}),
]
LEGACY_POD = IndexPlan("legacy-catalog", 512, "cosine", {"env": "prod"}, False, kind="pod",
                        namespaces={"": 20})


def plan_project(seed: int = 0, prefix: str = "") -> list[IndexPlan]:
    """The indexes of project variant ``seed`` (seed 0 is the one the notebook shows)."""
    if seed == 0:
        return [IndexPlan(prefix + p.name, p.dimension, p.metric, dict(p.tags), p.protected, p.kind,
                          dict(p.namespaces)) for p in _BASE]
    rng = random.Random(seed)
    envs = ["prod", "staging", "dev", None]
    plans = []
    for i in range(5):
        env = envs[i % 4] if i < 4 else rng.choice(envs)
        tags = {"env": env} if env else {}
        if rng.random() < 0.5:
            tags["team"] = rng.choice(["ml", "search", "ads"])
        n_ns = rng.randint(0, 3)
        namespaces = {("" if j == 0 and rng.random() < 0.5 else f"t{j}"): rng.randint(1, 30) for j in range(n_ns)}
        plans.append(IndexPlan(
            name=f"{prefix}v{seed}-{i}-{rng.choice(['emb', 'rag', 'recs', 'faq'])}",
            dimension=rng.choice([8, 16, 384, 768, 1024, 1536]),
            metric=rng.choice(["cosine", "dotproduct", "euclidean"]),
            tags=tags,
            protected=bool(rng.random() < 0.4) or env == "prod",
            namespaces=namespaces,
        ))
    return plans


def _vectors(n: int, dim: int, rng: random.Random) -> list[list[float]]:
    return [[rng.uniform(-1, 1) for _ in range(dim)] for _ in range(n)]


def _create(pc, plan: IndexPlan) -> bool:
    """Create one index; False when the backend cannot create this kind (pods before they land)."""
    if plan.kind == "pod":
        return _create_legacy_pod(pc, plan)
    pc.create_index(name=plan.name, dimension=plan.dimension, metric=plan.metric,
                    spec=ServerlessSpec(cloud="aws", region="us-east-1"), tags=plan.tags or None,
                    deletion_protection="enabled" if plan.protected else "disabled")
    return True


def _create_legacy_pod(pc, plan: IndexPlan) -> bool:
    """Create a pod index the way it was made years ago (see ``course.legacy``)."""
    try:
        create_legacy_pod_index(pc, plan.name, plan.dimension, metric=plan.metric, tags=plan.tags,
                                deletion_protection="enabled" if plan.protected else "disabled")
    except (RuntimeError, httpx.HTTPError):
        return False
    return True


def build_project(pc, seed: int = 0, prefix: str = "", *, with_pods: bool = True) -> list[IndexPlan]:
    """Create project variant ``seed`` on ``pc`` (skipping indexes that already exist); return what exists."""
    plans = plan_project(seed, prefix)
    if seed == 0 and with_pods:
        plans.append(IndexPlan(prefix + LEGACY_POD.name, LEGACY_POD.dimension, LEGACY_POD.metric,
                               dict(LEGACY_POD.tags), LEGACY_POD.protected, "pod",
                               dict(LEGACY_POD.namespaces)))
    rng = random.Random(1000 + seed)
    built = []
    for plan in plans:
        if not pc.has_index(plan.name):
            if not _create(pc, plan):
                continue
            index = pc.Index(host=pc.describe_index(plan.name).host)
            for ns, count in plan.namespaces.items():
                vecs = _vectors(count, plan.dimension, rng)
                index.upsert(vectors=[(f"{ns or 'doc'}-{i}", v) for i, v in enumerate(vecs)], namespace=ns)
        built.append(plan)
    return built


def drop_project(pc, plans: list[IndexPlan]) -> None:
    """Delete the given indexes (turning deletion protection off first)."""
    for plan in plans:
        if not pc.has_index(plan.name):
            continue
        if plan.protected:
            # a backend without configure_index: try the delete anyway
            with contextlib.suppress(Exception):
                pc.configure_index(plan.name, deletion_protection="disabled")
        # still protected: leave it, it is clearly named
        with contextlib.suppress(Exception):
            pc.delete_index(plan.name)
