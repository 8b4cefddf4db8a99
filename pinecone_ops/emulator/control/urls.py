"""The control plane's route table: (method, path, operation). Paths are Pinecone's."""

URLS: list[tuple[str, str, str]] = [
    ("GET", "/indexes", "list_indexes"),
    ("POST", "/indexes", "create_index"),
    ("POST", "/indexes/create-for-model", "create_index_for_model"),
    ("GET", "/indexes/{index_name}", "describe_index"),
    ("PATCH", "/indexes/{index_name}", "configure_index"),
    ("DELETE", "/indexes/{index_name}", "delete_index"),
    ("POST", "/collections", "create_collection"),
    ("GET", "/collections", "list_collections"),
    ("GET", "/collections/{collection_name}", "describe_collection"),
    ("DELETE", "/collections/{collection_name}", "delete_collection"),
    ("POST", "/indexes/{index_name}/backups", "create_backup"),
    ("GET", "/indexes/{index_name}/backups", "list_backups"),
    ("GET", "/backups", "list_backups"),
    ("GET", "/backups/{backup_id}", "describe_backup"),
    ("DELETE", "/backups/{backup_id}", "delete_backup"),
    ("POST", "/backups/{backup_id}/create-index", "create_index_from_backup"),
    ("GET", "/restore-jobs", "list_restore_jobs"),
    ("GET", "/restore-jobs/{job_id}", "describe_restore_job"),
    # Pinecone Inference runs hosted models: 501, naming what to do instead (operations._inference).
    ("POST", "/embed", "embed"),
    ("POST", "/rerank", "rerank"),
    ("GET", "/models", "list_models"),
    ("GET", "/models/{model_name}", "describe_model"),
]
