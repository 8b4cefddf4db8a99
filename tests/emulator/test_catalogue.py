"""The route tables and the operations catalogue agree: every route names a catalogue operation of
its own plane, every operation is reachable, and only writes are journaled."""
from __future__ import annotations

from pinecone_ops.emulator import admin, catalogue
from pinecone_ops.emulator.control import urls as control_urls
from pinecone_ops.emulator.documents import urls as document_urls
from pinecone_ops.emulator.vectors import urls as vector_urls

TABLES = {"control": control_urls.URLS, "vectors": vector_urls.URLS, "documents": document_urls.URLS,
          "admin": admin.URLS}


def test_every_route_names_an_operation_of_its_plane():
    for plane, urls in TABLES.items():
        for method, path, name in urls:
            assert name in catalogue.OPERATIONS, f"{method} {path} names unknown operation {name!r}"
            assert catalogue.get(name).plane == plane, f"{method} {path} → {name} is not a {plane} operation"


def test_every_operation_is_routed_once_per_method_and_path():
    routed = {name for urls in TABLES.values() for _, _, name in urls} | {vector_urls.FALLBACK[1]}
    assert routed == set(catalogue.OPERATIONS)
    for urls in TABLES.values():
        keys = [(method, path) for method, path, _ in urls]
        assert len(keys) == len(set(keys)), "a (method, path) is routed twice"


def test_only_writes_are_journaled_and_every_pinecone_write_is():
    for op in catalogue.OPERATIONS.values():
        assert not op.journaled or op.write, op.name
        if op.pinecone_api:
            assert op.journaled == op.write, op.name
    assert {op.name for op in catalogue.OPERATIONS.values() if op.plane == "vectors" and op.write} == {
        "upsert", "update", "delete", "create_namespace", "delete_namespace",
        "create_namespace_alias", "repoint_namespace_alias", "delete_namespace_alias"}
    assert {op.name for op in catalogue.OPERATIONS.values() if op.plane == "documents" and op.write} == {
        "upsert_documents", "update_documents", "delete_documents"}
    # Alias changes are the exception: the replica shares the primary's aliases (live on every reader).
    assert all(op.on_index is not None for op in catalogue.OPERATIONS.values()
               if op.data_plane and op.write and "alias" not in op.name), \
        "a lagging replica must be able to repeat every write"
    assert all(op.on_index is None for op in catalogue.OPERATIONS.values() if "namespace_alias" in op.name)
