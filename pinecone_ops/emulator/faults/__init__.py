"""Teaching faults, off by default, per server (options) or per index (``Backend.set_index_options``):
API keys with roles (``keys``), an index not ready for N ms (``readiness``), rate limits
(``rate_limits``) and eventual consistency (``consistency``). The request pipeline runs them in
that order (``pipeline.py``)."""
