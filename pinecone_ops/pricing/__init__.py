"""Dated price book and Pinecone's cost and capacity models (pure functions).

The submodules each do one job: ``units`` (RU/WU/record-size formulas, shared with the local
Pinecone), ``pricebook`` (the dated data), ``serverless`` (the monthly bill), ``pods`` (legacy
pods), ``drn`` (dedicated read nodes), ``throughput`` (rate-limit ceilings), ``breakeven`` (cost vs
QPS) and ``sizing`` (side-by-side recommendations). The names below are the ones notebooks use.
"""
from __future__ import annotations

from pinecone_ops.pricing.bill import Bill, LineItem
from pinecone_ops.pricing.breakeven import Workload, break_even, break_evens, option_costs, queries_per_month
from pinecone_ops.pricing.drn import drn_bill, drn_replicas, drn_shards
from pinecone_ops.pricing.pods import (
                                       PodSpec,
                                       billed_minutes,
                                       fullness,
                                       pod_capacity,
                                       pod_change,
                                       pod_cost,
                                       pods_needed,
                                       replicas_for_qps,
)
from pinecone_ops.pricing.pricebook import PricebookError, edition, load_pricebook
from pinecone_ops.pricing.serverless import max_batch_size, namespace_bytes, namespace_gb, serverless_bill
from pinecone_ops.pricing.sizing import Option, recommend
from pinecone_ops.pricing.throughput import query_ceiling

__all__ = [
    "Bill", "LineItem", "Option", "PodSpec", "PricebookError", "Workload", "billed_minutes", "break_even",
    "break_evens", "drn_bill", "drn_replicas", "drn_shards", "edition", "fullness", "load_pricebook", "max_batch_size",
    "namespace_bytes", "namespace_gb", "option_costs", "pod_capacity", "pod_change", "pod_cost", "pods_needed",
    "queries_per_month", "query_ceiling", "recommend", "replicas_for_qps", "serverless_bill",
]
