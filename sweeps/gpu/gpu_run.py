#!/usr/bin/env python3
"""Helpers of sweeps/gpu/run.sh (standard library only).

  gpu_run.py device --device cuda|cpu
      prints the records file's name for this device (gpu-nvidia-h100-80gb-hbm3, or cpu) and torch's version, separated
      by a tab, after checking that torch and numpy import and, for cuda, that a GPU is visible (exit 3 otherwise).
  gpu_run.py check --hashes sweeps/gpu/datasets.tsv DATASET...
      checks each dataset written by `pcfglab generate --npy`: tokens.npy's SHA-256 against the one dataset.json
      records, then the grammar's rules and tokens.npy against the committed row for (preset, seed, tokens): the
      SHA-256 of grammar.pcfg without its '#' lines (dataset.json's grammarSha256 also covers the header, which names
      the tool's version and commit, so it changes with every build) and of tokens.npy.
      Exit 2 on a mismatch; a dataset without a committed row is reported and not checked.
  gpu_run.py fresh DATASET TOKENS SEED
      exit 0 when DATASET is a whole dataset of TOKENS tokens (as --tokens gave them) at SEED with an intact
      tokens.npy (then run.sh does not generate it again), else 1.
  gpu_run.py summary --records FILE --plan NAME=PLAN... [--cpu results/cpu-grid.jsonl]
      one line per record (cheapest first: cell, N, D, validation loss, seconds; the CPU record's loss beside it when
      the CPU grid has the same cell), then per plan: planned, with a record, left.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import sys


# The adapter's data module hashes exports the same way; one owner for it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "trainers", "torch"))
from token_data import sha256_of as sha256  # noqa: E402


def rules_sha256(path: str) -> str:
    """SHA-256 of a grammar file's rule lines: the '#' header names the tool version, which is not the grammar."""
    with open(path, encoding="utf-8") as f:
        rules = "".join(line for line in f if not line.startswith("#"))
    return hashlib.sha256(rules.encode("utf-8")).hexdigest()


def read_jsonl(path: str) -> list[dict]:
    """Whole records only: a line cut off by a killed writer is skipped, as `pcfglab sweep report` skips it."""
    records = []
    if not os.path.exists(path):
        return records
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                print(f"warning: {path}: a malformed line was skipped", file=sys.stderr)
    return records


def npy_export(manifest: dict) -> dict | None:
    return next((e for e in manifest.get("exports", []) if e.get("format") == "npy"), None)


def cmd_device(args) -> int:
    try:
        import numpy  # noqa: F401
        import torch
    except ImportError as e:
        print(f"error: {sys.executable} cannot import {e.name}: pass --python with an interpreter that has torch and numpy", file=sys.stderr)
        return 3
    if args.device == "cpu":
        print(f"cpu\t{torch.__version__}")
        return 0
    if not torch.cuda.is_available():
        print(f"error: torch {torch.__version__} sees no CUDA GPU: run on a GPU machine, or pass --device cpu", file=sys.stderr)
        return 3
    name = torch.cuda.get_device_name(0)
    print("gpu-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + f"\t{torch.__version__}")
    return 0


def load_hashes(path: str) -> dict:
    rows = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 5:
                raise SystemExit(f"error: {path}:{number}: expected 5 columns (preset seed tokens grammar_rules_sha256 tokens_npy_sha256)")
            preset, seed, tokens, grammar, npy = parts
            rows[(preset, int(seed), int(tokens))] = (grammar, npy)
    return rows


def cmd_check(args) -> int:
    rows = load_hashes(args.hashes)
    bad = 0
    for folder in args.datasets:
        manifest = json.load(open(os.path.join(folder, "dataset.json"), encoding="utf-8"))
        name = manifest.get("preset") or os.path.basename(folder.rstrip("/"))
        export = npy_export(manifest)
        if export is None:
            print(f"error: {folder}: dataset.json records no tokens.npy: generate it with --npy", file=sys.stderr)
            return 2
        actual = sha256(os.path.join(folder, export["file"]))
        if actual != export["sha256"]:
            print(f"error: {folder}/{export['file']}: SHA-256 {actual} is not the {export['sha256']} dataset.json records: the file was changed or cut; delete the folder", file=sys.stderr)
            return 2
        key = (name, int(manifest["seed"]), int(manifest["tokens"]))
        committed = rows.get(key)
        if committed is None:
            print(f"   {name}: {manifest['tokens']} tokens, seed {manifest['seed']}: no committed row in {args.hashes}: not checked")
            continue
        grammar, npy = committed
        rules = rules_sha256(os.path.join(folder, manifest.get("grammarFile") or "grammar.pcfg"))
        if (rules, actual) != (grammar, npy):
            print(f"error: {folder}: grammar rules {rules[:12]}, tokens.npy {actual[:12]} differ from the committed "
                  f"{grammar[:12]}, {npy[:12]} ({args.hashes}): this build does not make the study's data; do not train on it", file=sys.stderr)
            bad += 1
            continue
        print(f"   {name}: {manifest['tokens']} tokens, seed {manifest['seed']}: grammar rules and tokens.npy match {args.hashes}")
    return 2 if bad else 0


def cmd_fresh(args) -> int:
    path = os.path.join(args.dataset, "dataset.json")
    if not os.path.exists(path):
        return 1
    try:
        manifest = json.load(open(path, encoding="utf-8"))
        export = npy_export(manifest)
        same = (manifest.get("parameters", {}).get("tokens") == args.tokens and int(manifest["seed"]) == int(args.seed)
                and export is not None and sha256(os.path.join(args.dataset, export["file"])) == export["sha256"])
    except (OSError, ValueError, KeyError):
        return 1
    return 0 if same else 1


def cmd_summary(args) -> int:
    records = read_jsonl(args.records)
    by_id = {r.get("cell_id"): r for r in records}
    cpu = {r.get("cell_id"): r for r in read_jsonl(args.cpu)} if args.cpu else {}
    planned = []
    for item in args.plan:
        label, _, path = item.partition("=")
        cells = read_jsonl(path)
        planned.append((label, cells))
    cells = sorted(((label, c) for label, plan in planned for c in plan if c["cell_id"] in by_id), key=lambda lc: lc[1]["C"])
    print(f"== records in {args.records}")
    for label, cell in cells:
        r = by_id[cell["cell_id"]]
        line = f"{label:8} {cell['cell_id']:48} N {cell['N']:>11,} D {cell['D']:>11,} loss {r['final_valid_loss']:.4f} {r['wall_seconds']:8.1f} s"
        if cell["cell_id"] in cpu:
            line += f"  (CPU {cpu[cell['cell_id']]['final_valid_loss']:.4f})"
        print(line)
    print("== summary")
    for label, plan in planned:
        done = sum(1 for c in plan if c["cell_id"] in by_id)
        print(f"{label}: {len(plan)} cells planned, {done} with a record, {len(plan) - done} left")
    broken = [r.get("cell_id") for r in records if not isinstance(r.get("final_valid_loss"), (int, float)) or not math.isfinite(r["final_valid_loss"])]
    if broken:
        print(f"error: {len(broken)} records without a finite final_valid_loss: {broken[:3]}", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Helpers of sweeps/gpu/run.sh.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("device")
    d.add_argument("--device", default="cuda")
    c = sub.add_parser("check")
    c.add_argument("--hashes", required=True)
    c.add_argument("datasets", nargs="+")
    f = sub.add_parser("fresh")
    f.add_argument("dataset")
    f.add_argument("tokens")
    f.add_argument("seed")
    s = sub.add_parser("summary")
    s.add_argument("--records", required=True)
    s.add_argument("--plan", action="append", default=[], help="LABEL=PATH")
    s.add_argument("--cpu")
    args = p.parse_args(argv)
    return {"device": cmd_device, "check": cmd_check, "fresh": cmd_fresh, "summary": cmd_summary}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
