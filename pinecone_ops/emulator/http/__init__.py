"""The HTTP layer: Starlette routes over the request pipeline (nothing below imports it)."""
