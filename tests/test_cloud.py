"""Cloud mode's per-learner index names (pinecone_ops.cloud), tested against the local Pinecone posing
as the cloud: the real SDK under LearnerPinecone, and the server's request log says which names arrived."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pinecone import Pinecone, RetryConfig, ServerlessSpec
from pinecone.client.backups import Backups
from pinecone.client.collections import Collections
from pinecone.client.indexes import Indexes
from pinecone.errors import PineconeValueError

from pinecone_ops import cloud, connection
from pinecone_ops.emulator.state import DEFAULT_OPTIONS

PINECONE_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
SPEC = ServerlessSpec(cloud="aws", region="us-east-1")

# ---- the name mapping ----

learners = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() == s and s)
index_names = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,23}[a-z0-9])?\Z")


@given(learners)
def test_slug_is_short_alphanumeric_and_stable(learner):
    slug = cloud.learner_slug(learner)
    assert re.fullmatch(r"[a-z0-9]{1,16}", slug)
    assert cloud.learner_slug(learner) == slug
    prefix = cloud.learner_prefix(learner)
    assert prefix == f"po-{slug}-" and len(prefix) <= 20


@pytest.mark.parametrize("learner", ["alice", "student7", "a", "x" * 16])
def test_a_clean_learner_id_is_its_own_slug(learner):
    assert cloud.learner_slug(learner) == learner


def test_ids_that_clean_to_the_same_letters_stay_apart():
    slugs = {cloud.learner_slug(x) for x in ["Alice.B", "alice_b", "alice-b", "ALICE B", "aliceb"]}
    assert len(slugs) == 5
    assert cloud.learner_slug("x" * 17) != cloud.learner_slug("x" * 18)
    with pytest.raises(ValueError, match="PINECONE_OPS_LEARNER"):
        cloud.learner_slug("")


@given(learners, index_names)
def test_names_round_trip_and_stay_valid(learner, name):
    names = cloud.NameMap(cloud.learner_prefix(learner))
    full = names.to_cloud(name)
    assert PINECONE_NAME.match(full) and len(full) <= cloud.MAX_NAME_LENGTH
    assert names.from_cloud(full) == name


@given(learners, learners, index_names, index_names)
def test_two_learners_never_share_a_name(a, b, x, y):
    pa, pb = cloud.learner_prefix(a), cloud.learner_prefix(b)
    if pa == pb:
        return
    na, nb = cloud.NameMap(pa), cloud.NameMap(pb)
    assert na.to_cloud(x) != nb.to_cloud(y)
    assert nb.from_cloud(na.to_cloud(x)) is None and na.from_cloud(nb.to_cloud(y)) is None


@given(st.integers(min_value=1, max_value=16), st.data())
def test_the_45_character_boundary_is_exact(slug_len, data):
    learner = "l" * slug_len
    names = cloud.NameMap(cloud.learner_prefix(learner))
    assert names.max_length == 45 - 3 - slug_len - 1
    longest = data.draw(st.from_regex(rf"\A[a-z0-9]{{{names.max_length}}}\Z"))
    assert len(names.to_cloud(longest)) == 45
    with pytest.raises(PineconeValueError, match=f"at most {names.max_length}"):
        names.to_cloud(longest + "a")


@pytest.mark.parametrize("bad", ["", "Films", "-films", "films-", "my_films", "films.v2"])
def test_names_pinecone_refuses_are_refused_before_the_prefix_hides_them(bad):
    with pytest.raises(PineconeValueError, match="Invalid name"):
        cloud.NameMap("po-alice-").to_cloud(bad)


def test_learner_comes_from_the_environment_in_order():
    assert cloud.learner_id({"PINECONE_OPS_LEARNER": "ann", "JUPYTERHUB_USER": "bob"}) == "ann"
    assert cloud.learner_id({"PINECONE_OPS_LEARNER": " ", "JUPYTERHUB_USER": "bob"}) == "bob"
    assert cloud.learner_id({}) == __import__("getpass").getuser()


@pytest.mark.parametrize("sdk_class, wrapper", [(Indexes, cloud._LearnerIndexes),
                                                (Collections, cloud._LearnerCollections),
                                                (Backups, cloud._LearnerBackups)])
def test_every_public_sdk_method_is_wrapped(sdk_class, wrapper):
    """A method the SDK adds would otherwise reach the project with the learner's bare name."""
    public = {n for n in dir(sdk_class) if not n.startswith("_")}
    assert public == {n for n in vars(wrapper) if not n.startswith("_")}


# ---- against the local Pinecone posing as the cloud ----

@pytest.fixture
def project(server, admin) -> Iterator[Any]:
    """A fresh "project": the local Pinecone, reset; yields a maker of learners' clients."""
    admin.reset()
    admin.set_options(**DEFAULT_OPTIONS)
    made: list[Pinecone] = []

    def learner(name: str) -> cloud.LearnerPinecone:
        pc = cloud.LearnerPinecone(api_key="pclocal", host=server.url, learner=name,
                                   retry_config=RetryConfig(max_retries=0))
        made.append(pc)
        return pc

    yield learner
    for pc in made:
        pc.close()


def _names_sent(admin, since: int = 0) -> list[str]:
    return [r["index"] for r in admin.requests(since=since) if r["index"]]


def test_connect_in_cloud_mode_prefixes_the_canonical_surface(monkeypatch, server, admin, project):
    monkeypatch.setenv("PINECONE_OPS_BACKEND", "pinecone")
    monkeypatch.setenv("PINECONE_API_KEY", "pclocal")
    monkeypatch.setenv("PINECONE_OPS_LEARNER", "alice")
    pc = connection.connect(host=server.url)
    assert isinstance(pc, cloud.LearnerPinecone) and isinstance(pc, Pinecone)
    assert "po-alice-" in connection.backend_name()

    model = pc.indexes.create(name="films", dimension=2, spec=SPEC)
    assert model.name == "films" and "po-alice-films" in model.host
    assert pc.indexes.exists("films") and not pc.indexes.exists("movies")
    assert pc.indexes.describe("films").name == "films"
    assert pc.indexes.configure("films", tags={"env": "dev"}).tags == {"env": "dev"}
    pc.index("films").upsert(vectors=[("a", [1.0, 2.0])])
    assert pc.index(name="films").describe_index_stats().total_vector_count == 1
    assert [m.name for m in pc.indexes.list()] == ["films"]
    pc.indexes.delete("films")
    assert list(pc.indexes.list()) == []
    sent = _names_sent(admin)
    assert sent and set(sent) == {"po-alice-films", "po-alice-movies"}
    pc.close()


def test_the_deprecated_shims_are_prefixed_too(admin, project):
    pc = project("alice")
    pc.create_index(name="films", dimension=2, spec=SPEC)
    assert pc.describe_index("films").name == "films" and pc.has_index("films")
    assert pc.list_indexes().names() == ["films"]
    pc.configure_index("films", tags={"env": "dev"})
    pc.Index("films").upsert(vectors=[("a", [1.0, 2.0])])
    assert pc.Index(name="films").fetch(ids=["a"]).vectors["a"].values == [1.0, 2.0]
    pc.delete_index("films")
    assert not pc.has_index("films")
    assert set(_names_sent(admin)) == {"po-alice-films"}


def test_a_name_too_long_with_the_prefix_never_reaches_the_server(admin, project):
    pc = project("alice")  # prefix po-alice- (9): names up to 36
    seq = admin.last_seq()
    with pytest.raises(PineconeValueError, match="at most 36"):
        pc.indexes.create(name="f" * 37, dimension=2, spec=SPEC)
    assert admin.requests(since=seq) == []
    pc.indexes.create(name="f" * 36, dimension=2, spec=SPEC)
    assert _names_sent(admin, seq)[0] == "po-alice-" + "f" * 36


def test_two_learners_in_one_project_do_not_collide(server, admin, project):
    alice, bob = project("alice"), project("bob")
    outsider = Pinecone(api_key="pclocal", host=server.url)  # the project's own index, not the course's
    outsider.indexes.create(name="films", dimension=2, spec=SPEC)
    for pc, n in ((alice, 1), (bob, 3)):
        pc.indexes.create(name="films", dimension=2, spec=SPEC)
        pc.index("films").upsert(vectors=[(str(i), [1.0, float(i)]) for i in range(n)])
    assert alice.index("films").describe_index_stats().total_vector_count == 1
    assert bob.index("films").describe_index_stats().total_vector_count == 3
    assert [m.name for m in alice.indexes.list()] == ["films"] == [m.name for m in bob.indexes.list()]

    report = bob.cleanup()
    assert report.deleted == ["films"] and report.protected == []
    assert sorted(m.name for m in outsider.indexes.list()) == ["films", "po-alice-films"]
    assert alice.index("films").describe_index_stats().total_vector_count == 1
    outsider.close()


def test_cleanup_keeps_protected_indexes_and_says_how(admin, project):
    pc = project("alice")
    pc.indexes.create(name="keep", dimension=2, spec=SPEC, deletion_protection="enabled")
    pc.indexes.create(name="scratch", dimension=2, spec=SPEC)
    report = pc.cleanup()
    assert report.deleted == ["scratch"] and report.protected == ["keep"]
    assert "pc.indexes.configure('keep', deletion_protection='disabled')" in str(report)
    pc.indexes.configure("keep", deletion_protection="disabled")
    assert pc.cleanup().deleted == ["keep"] and list(pc.indexes.list()) == []


def test_cleanup_cloud_runs_only_in_cloud_mode(monkeypatch, server, project, capsys):
    monkeypatch.delenv("PINECONE_OPS_BACKEND", raising=False)
    with pytest.raises(RuntimeError, match="for real Pinecone"):
        connection.cleanup_cloud()
    project("carol").indexes.create(name="films", dimension=2, spec=SPEC)
    monkeypatch.setenv("PINECONE_OPS_BACKEND", "pinecone")
    monkeypatch.setenv("PINECONE_OPS_LEARNER", "carol")
    report = connection.cleanup_cloud("pclocal", host=server.url)
    assert report.deleted == ["films"] and "deleted 1 index(es) (films)" in capsys.readouterr().out


def test_collections_and_backups_are_named_per_learner(server, admin, project):
    pc, outsider = project("alice"), Pinecone(api_key="pclocal", host=server.url)
    # a pod index (API 2025-10 only, as on Pinecone) to take a collection of
    response = httpx.post(f"{server.url}/indexes", headers={"Api-Key": "pclocal", "X-Pinecone-Api-Version": "2025-10"},
                          json={"name": "po-alice-pods", "dimension": 2, "metric": "cosine",
                                "spec": {"pod": {"environment": "us-east-1-aws", "pod_type": "p1.x1", "pods": 1}}})
    assert response.status_code == 201, response.text
    assert pc.create_collection(name="snap", source="pods").name == "snap"
    assert [c.name for c in pc.collections.list()] == ["snap"] == [c.name for c in pc.list_collections()]
    assert [c.name for c in outsider.collections.list()] == ["po-alice-snap"]
    assert pc.describe_collection("snap").name == "snap"

    pc.indexes.create(name="films", dimension=2, spec=SPEC)
    outsider.indexes.create(name="films", dimension=2, spec=SPEC)
    outsider.backups.create(index_name="films", name="not-alices")
    backup = pc.backups.create(index_name="films", name="b1")
    assert backup.source_index_name == "films"
    assert [b.name for b in pc.backups.list()] == ["b1"] == [b.name for b in pc.list_backups(index_name="films")]
    assert [b.source_index_name for b in pc.indexes.list_backups("films")] == ["films"]
    restored = pc.create_index_from_backup(name="films-restored", backup_id=backup.backup_id)
    assert restored.name == "films-restored"
    assert {r["index"] for r in admin.requests() if r["operation"].endswith("backup")} == {
        "po-alice-films", "po-alice-films-restored", "films"}

    report = pc.cleanup()
    assert sorted(report.deleted) == ["films", "films-restored", "pods"] and report.collections_deleted == ["snap"]
    assert [m.name for m in outsider.indexes.list()] == ["films"] and list(outsider.collections.list()) == []
    outsider.close()


def test_local_mode_is_unchanged(monkeypatch, server):
    monkeypatch.delenv("PINECONE_OPS_BACKEND", raising=False)
    monkeypatch.setenv("PINECONE_OPS_HOST", server.url)
    pc = connection.connect()
    assert type(pc) is Pinecone
    pc.close()
