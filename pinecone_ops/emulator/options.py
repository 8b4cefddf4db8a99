"""Server options of the control plane: the plan, the teaching faults and API keys with roles.

All are off (or Standard) by default and can be changed at run time: ``LocalPinecone(**options)``,
``pinecone_ops.admin().set_options(...)`` (``PATCH /_ops/options``) or ``pinecone-ops serve`` flags.
Per-index overrides of the faults live in :mod:`pinecone_ops.emulator.faults`.
"""
from __future__ import annotations

from typing import Any

PLANS = ("starter", "standard", "enterprise")

#: Pinecone's API-key roles (Admin API ``roles``): what each may do on each plane.
ROLES: dict[str, frozenset[str]] = {
    "ProjectEditor": frozenset({"control:read", "control:write", "data:read", "data:write"}),
    "ProjectViewer": frozenset({"control:read", "data:read"}),
    "ControlPlaneEditor": frozenset({"control:read", "control:write"}),
    "ControlPlaneViewer": frozenset({"control:read"}),
    "DataPlaneEditor": frozenset({"data:read", "data:write"}),
    "DataPlaneViewer": frozenset({"data:read"}),
}

#: Pinecone's documented default limit for on-demand serverless indexes: 100 requests per second
#: per namespace (of each of query, upsert, …). ``rate_limit_rps="pinecone"`` sets it.
PINECONE_NAMESPACE_RPS = 100

#: Faults that can also be set per index (``set_index_options``).
FAULT_OPTIONS = ("index_init_ms", "consistency_lag_ms", "rate_limit_rps")

CONTROL_OPTIONS: dict[str, Any] = {
    # Starter / Standard / Enterprise quotas (plans.py).
    "plan": "standard",
    # A new index stays Initializing (not ready) for this long.
    "index_init_ms": 0,
    # Writes become visible to reads this long after they are acknowledged (LSN headers tell).
    "consistency_lag_ms": 0,
    # More than this many data-plane requests per second per namespace → 429 (0 = no limit).
    "rate_limit_rps": 0,
    # {api_key: role or [roles]}; empty = any non-empty key is accepted with every permission.
    "api_keys": {},
}


def _non_negative_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
        raise ValueError(f"{name} must be a whole number ≥ 0 (0 switches it off), got {value!r}")
    return int(value)


def normalize_api_keys(value: Any) -> dict[str, list[str]]:
    """``{"key": "DataPlaneViewer"}`` or ``{"key": ["ControlPlaneViewer", "DataPlaneEditor"]}``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError('api_keys must be an object {key: role}, e.g. {"reader-key": "DataPlaneViewer"}')
    out: dict[str, list[str]] = {}
    for key, roles in value.items():
        if not isinstance(key, str) or not key:
            raise ValueError("api_keys: every key must be a non-empty string")
        names = [roles] if isinstance(roles, str) else roles
        if not isinstance(names, list) or not names or not all(isinstance(r, str) for r in names):
            raise ValueError(f"api_keys[{key[:4]}…]: give a role name or a list of role names")
        unknown = [r for r in names if r not in ROLES]
        if unknown:
            raise ValueError(f"unknown role {unknown[0]!r}; roles are {', '.join(ROLES)}")
        out[key] = list(names)
    return out


def normalize_fault(name: str, value: Any) -> int:
    if name == "rate_limit_rps" and value == "pinecone":
        return PINECONE_NAMESPACE_RPS
    return _non_negative_int(name, value)


def normalize_options(options: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the options this module defines (others pass through unchanged)."""
    out = dict(options)
    if "plan" in out:
        plan = str(out["plan"]).strip().lower()
        if plan not in PLANS:
            raise ValueError(f"plan must be one of {', '.join(PLANS)}, got {out['plan']!r}")
        out["plan"] = plan
    for name in FAULT_OPTIONS:
        if name in out:
            out[name] = normalize_fault(name, out[name])
    if "api_keys" in out:
        out["api_keys"] = normalize_api_keys(out["api_keys"])
    return out
