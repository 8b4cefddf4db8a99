"""`pinecone-ops cost` and `pinecone-ops size` through the real console entry."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pinecone_ops.cli import main
from pinecone_ops.pricing.pricebook import load_pricebook

EXAMPLE = ["cost", "serverless", "--records", "1M", "--dims", "1536", "--metadata-bytes", "1000",
           "--queries-per-month", "1000000", "--upserts-per-month", "100k", "--batch-size", "100"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_console_script_prints_the_worked_example_with_the_edition_date():
    exe = Path(sys.executable).with_name("pinecone-ops")
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    out = subprocess.run([str(exe), *EXAMPLE], capture_output=True, text=True, check=True).stdout
    assert "$119.65" in out and "$114.43" in out and "$2.36" in out and "$2.86" in out
    assert load_pricebook().current.id in out


def test_serverless_json(capsys):
    code, out, _ = run(capsys, *EXAMPLE, "--json")
    data = json.loads(out)
    assert code == 0 and data["total"] == 119.65 and data["edition"] == load_pricebook().current.id
    items = {i["key"]: i for i in data["items"]}
    assert items["reads"]["amount"] == 114.43
    assert items["reads"]["price_source"]["source"] and items["reads"]["price_source"]["date"]


def test_older_edition_and_plan(capsys):
    code, out, _ = run(capsys, *EXAMPLE, "--edition", "2024-06-01", "--json")
    data = json.loads(out)
    assert code == 0 and data["edition"] == "2024-01-09"
    assert data["quantities"]["ru_per_query"] == pytest.approx(18.0, abs=0.1)  # the 2024 table, 1M × 1536
    code, out, _ = run(capsys, *EXAMPLE, "--plan", "enterprise")
    assert code == 0 and "Enterprise" in out and "$171.65" in out


def test_reported_prices_are_flagged_in_the_table(capsys):
    code, out, _ = run(capsys, *EXAMPLE, "--edition", "2024-06-01")
    assert code == 0 and "$8.25/M*" in out and "reported" in out


@pytest.mark.parametrize("argv,fragment", [
    (["--dims", "30000"], "maximum dense dimension"),
    (["--records", "lots"], "1e6, 1M or 100k"),
    (["--batch-size", "500"], "use a batch size between 1 and 279"),
    (["--edition", "2020-01-01"], "on or after 2024-01-09"),
    (["--plan", "builder", "--edition", "2025-08-01"], "choose one of"),
])
def test_bad_arguments_name_the_fix(capsys, argv, fragment):
    args = list(EXAMPLE)
    for flag, value in zip(argv[::2], argv[1::2], strict=True):
        if flag in args:
            args[args.index(flag) + 1] = value
        else:
            args += [flag, value]
    code, out, err = run(capsys, *args)
    assert code == 2 and fragment in err and not out


def test_pods_legacy_example(capsys):
    code, out, _ = run(capsys, "cost", "pods", "--pod-type", "p1.x2", "--pods", "1", "--replicas", "3", "--days", "31",
                       "--price-per-pod-minute", "0.0012", "--json")
    data = json.loads(out)
    assert code == 0 and data["pod_minutes"] == 267_840 and data["total"] == 321.41


def test_pods_sized_from_records(capsys):
    code, out, _ = run(capsys, "cost", "pods", "--records", "100M", "--dims", "2048", "--pod-type", "s1.x1")
    assert code == 0 and "54 pod(s)" in out and "uncertain" in out
    code, _, err = run(capsys, "cost", "pods")
    assert code == 2 and "--records and --dims" in err


def test_drn_and_breakeven(capsys):
    code, out, _ = run(capsys, "cost", "drn", "--records", "1M", "--dims", "1536", "--shards", "2", "--replicas", "2",
                       "--json")
    assert code == 0 and {i["key"]: i["amount"] for i in json.loads(out)["items"]}["nodes"] == 1345.68
    code, out, _ = run(capsys, "cost", "breakeven", "--records", "1M", "--dims", "1536", "--metadata-bytes", "1000",
                       "--json")
    points = json.loads(out)["break_evens"]
    assert code == 0 and any(p["cheaper_above"].startswith("dedicated") and p["cheaper_below"] == "serverless"
                             for p in points)


def test_editions_listing(capsys):
    code, out, _ = run(capsys, "cost", "editions")
    assert code == 0
    for ed in load_pricebook().editions:
        assert ed.id in out
    assert "(current)" in out


def test_size_recommendations(capsys):
    code, out, _ = run(capsys, "size", "--records", "100M", "--dims", "2048", "--json")
    data = json.loads(out)
    pods = {o["config"]["pod_type"]: o["config"]["pods"] for o in data["options"] if o["kind"] == "pods"}
    assert code == 0 and pods["p1.x1"] == 267 and pods["s1.x1"] == 54
    code, out, _ = run(capsys, "size", "--records", "1M", "--dims", "1536", "--metadata-bytes", "1000", "--qps", "50")
    assert code == 0 and "Cheapest that fits" in out and load_pricebook().current.id in out
    code, _, err = run(capsys, "size", "--records", "1M", "--dims", "0")
    assert code == 2 and "--dims" in err
