#!/usr/bin/env python3
"""Tokens per core-second of the PyTorch adapter against a plain fp32 PyTorch loop, on the same cell, in one sitting.

Each training runs in its own process, one after the other (never two at once), repetition by repetition, so the
trainers are interleaved and share the machine's state of the moment. Trainers:

  * ``adapter[:PATH]``: ``PATH/train_cell.py`` (default: this checkout's src/trainers/torch) as ``run-sweep.sh
    --train cpu`` runs it (``--device cpu --dtype bfloat16 --threads 1 --max-valid-docs 256``, or ``--dtype`` given
    here); pass the folder of an older copy to measure it beside this one (``git archive BASE src/trainers/torch``);
  * ``plain``: the simplest fp32 loop over the same documents in the same order, with the same model class
    (tiny_llama.TinyLlama), AdamW, warmup + cosine schedule and gradient clipping, the loss written as a plain loop
    writes it (the logits shifted), pools of one thread (torch.set_num_threads(1), OMP/OPENBLAS/MKL_NUM_THREADS=1),
    and glibc's malloc left at its defaults;
  * ``plain-bf16``: the same loop under bfloat16 autocast.

A core-second is a second of user + system CPU time of the training process, all its threads together (CPU time,
not wall time, because the machine is shared). The metric is the training's tokens (D) per core-second of training
(``train_cpu_seconds`` of the record; the plain loop times itself the same way); the whole process's core-seconds
(start, data, validation) are printed beside it.

    /usr/bin/python3 bench/torch/train_speed.py --dataset DIR --shape 64,128,2,2 --tokens 300000 --repeats 3 \\
        --trainer adapter --trainer adapter:/tmp/base/src/trainers/torch --trainer plain

Prints one JSON line per run and a summary table (medians). Not part of CI: it measures, it does not test.
"""
import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ADAPTER = os.path.normpath(os.path.join(HERE, "..", "..", "src", "trainers", "torch"))


def plan_cell(dataset, shape, tokens, seed, vocabulary):
    hidden, intermediate, layers, heads = shape
    n = 2 * vocabulary * hidden + layers * (4 * hidden * hidden + 3 * hidden * intermediate + 2 * hidden) + hidden
    # The "small" training profile of src/PcfgLab/Sweeps/TrainingSettings.cs: batch 8, lr 1e-2 x 32 / hidden, warmup 10.
    training = {"profile": "small", "weight_decay": 0.0, "context": 256, "batch_size": 8, "epochs": 1,
                "learning_rate": 1e-2 * 32 / hidden, "warmup_steps": 10, "schedule": "cosine", "validation_fraction": 0.01}
    return {"index": 0, "cell_id": f"bench-h{hidden}-D{tokens}", "dataset": os.path.basename(dataset.rstrip("/")),
            "dataset_path": os.path.abspath(dataset), "D": tokens,
            "shape": {"hidden": hidden, "intermediate": intermediate, "layers": layers, "heads": heads},
            "vocabulary": vocabulary, "N": n, "seed": seed, "training": training}


def child_rusage():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_adapter(folder, plan, dtype, extra):
    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, "results.jsonl")
        before, began = child_rusage(), time.time()
        command = [sys.executable, os.path.join(folder, "train_cell.py"), "--plan", plan, "--cell", "0", "--results", results,
                   "--device", "cpu", "--dtype", dtype, "--threads", "1", "--max-valid-docs", "256", "--force"] + extra
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"adapter failed ({done.returncode}): {done.stderr[-2000:]}")
        process = child_rusage() - before
        with open(results, encoding="utf-8") as f:
            record = json.loads(f.readline())
    return {"train_cpu_seconds": record["train_cpu_seconds"], "process_cpu_seconds": round(process, 3),
            "wall_seconds": round(time.time() - began, 3), "final_valid_loss": record["final_valid_loss"],
            "valid_loss_stderr": record["valid_loss_stderr"], "steps": record["steps"],
            "eval_cpu_seconds": round(record["cpu_seconds"] - record["train_cpu_seconds"], 3),
            "dtype": record.get("dtype"), "threads": record.get("threads")}


def run_plain(plan, dtype):
    before, began = child_rusage(), time.time()
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--child-plain", plan, "--dtype", dtype],
                          capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(f"plain loop failed ({done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(process_cpu_seconds=round(child_rusage() - before, 3), wall_seconds=round(time.time() - began, 3))
    return result


def plain_loop(plan, dtype):
    """The plain loop, in this (child) process: same documents, order, model class, optimiser and schedule."""
    import numpy as np
    import torch
    import torch.nn.functional as F
    sys.path.insert(0, ADAPTER)
    import token_data
    from tiny_llama import TinyLlama, cosine_with_warmup

    torch.set_num_threads(1)
    with open(plan, encoding="utf-8") as f:
        cell = json.loads(f.readline())
    settings, shape = cell["training"], cell["shape"]
    values, starts, ends, _ = token_data.read_documents(cell["dataset_path"])
    documents = len(starts)
    n_valid = min(max(1, int(documents * settings["validation_fraction"])), 256, documents - 1)
    valid = [(int(starts[i]), int(ends[i])) for i in range(documents - n_valid, documents)]
    train, tokens = [], 0
    for i in range(documents - n_valid):
        if tokens >= cell["D"]:
            break
        s, e = int(starts[i]), int(ends[i])
        e = min(e, s + cell["D"] - tokens)
        train.append((s, e))
        tokens += e - s
    batch, context = settings["batch_size"], settings["context"]

    def batches(ranges):
        for first in range(0, len(ranges), batch):
            chunk = ranges[first:first + batch]
            width = min(context, max(e - s for s, e in chunk))
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            labels = np.full((len(chunk), width), -100, dtype=np.int64)
            for row, (s, e) in enumerate(chunk):
                n = min(e - s, width)
                ids[row, :n] = values[s:s + n]
                labels[row, :n] = ids[row, :n]
            yield torch.from_numpy(ids), torch.from_numpy(labels)

    def loss_of(logits, labels):
        return F.cross_entropy(logits[:, :-1, :].float().reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=-100)

    random.seed(cell["seed"])
    torch.manual_seed(cell["seed"])
    model = TinyLlama(cell["vocabulary"], shape["hidden"], shape["intermediate"], shape["layers"], shape["heads"])
    steps = math.ceil(len(train) / batch)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings["learning_rate"], betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, cosine_with_warmup(settings["warmup_steps"], steps))
    docs = list(train)
    random.Random(cell["seed"]).shuffle(docs)
    bf16 = dtype == "bfloat16"
    began = time.process_time()
    model.train()
    for ids, labels in batches(docs):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits, _ = model(ids)
        loss = loss_of(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
    train_cpu = time.process_time() - began
    model.eval()
    per_document, total, count = [], 0.0, 0
    with torch.no_grad():
        for ids, labels in batches(valid):
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                logits, _ = model(ids)
            token_loss = F.cross_entropy(logits[:, :-1, :].float().transpose(1, 2), labels[:, 1:], ignore_index=-100, reduction="none")
            predicted = labels[:, 1:] != -100
            sums, counts = (token_loss * predicted).sum(1), predicted.sum(1)
            per_document += [s / c for s, c in zip(sums.tolist(), counts.tolist()) if c]
            total += float(sums.sum())
            count += int(counts.sum())
    mean = sum(per_document) / len(per_document)
    se = math.sqrt(sum((x - mean) ** 2 for x in per_document) / (len(per_document) - 1) / len(per_document))
    print(json.dumps({"train_cpu_seconds": round(train_cpu, 3), "final_valid_loss": round(total / count, 6),
                      "valid_loss_stderr": round(se, 6), "steps": steps,
                      "eval_cpu_seconds": round(time.process_time() - began - train_cpu, 3), "dtype": dtype, "threads": 1}))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", help="a dataset folder with tokens.npy (pcfglab generate --npy)")
    p.add_argument("--shape", default="64,128,2,2", help="hidden,intermediate,layers,heads")
    p.add_argument("--tokens", type=int, default=300_000)
    p.add_argument("--vocabulary", type=int, default=None, help="default: the dataset's largest token id + 1")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--dtype", default="bfloat16", help="the adapter's --dtype (run-sweep.sh's: bfloat16)")
    p.add_argument("--trainer", action="append", help="adapter[:FOLDER][+ARGS], plain, plain-bf16 (repeatable)")
    p.add_argument("--child-plain", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child_plain:
        plain_loop(args.child_plain, args.dtype)
        return
    trainers = args.trainer or ["adapter", "plain"]
    import numpy as np
    vocabulary = args.vocabulary or int(np.load(os.path.join(args.dataset, "tokens.npy"), mmap_mode="r").max()) + 1
    shape = [int(x) for x in args.shape.split(",")]
    runs = {t: [] for t in trainers}
    with tempfile.TemporaryDirectory() as tmp:
        plan = os.path.join(tmp, "plan.jsonl")
        with open(plan, "w", encoding="utf-8") as f:
            f.write(json.dumps(plan_cell(args.dataset, shape, args.tokens, args.seed, vocabulary)) + "\n")
        for repeat in range(args.repeats):
            for trainer in trainers:
                if trainer.startswith("adapter"):
                    spec, _, extra = trainer.partition("+")
                    folder = spec.split(":", 1)[1] if ":" in spec else ADAPTER
                    result = run_adapter(folder, plan, args.dtype, extra.split() if extra else [])
                elif trainer in ("plain", "plain-bf16"):
                    result = run_plain(plan, "bfloat16" if trainer == "plain-bf16" else "float32")
                else:
                    raise SystemExit(f"unknown trainer '{trainer}': use adapter[:FOLDER][+ARGS], plain or plain-bf16")
                result.update(trainer=trainer, repeat=repeat, shape=args.shape, D=args.tokens,
                              tokens_per_core_second=round(args.tokens / result["train_cpu_seconds"], 1),
                              load_average=[round(x, 2) for x in os.getloadavg()])
                runs[trainer].append(result)
                print(json.dumps(result), flush=True)
    print(f"\nshape {args.shape}, D = {args.tokens}, {args.repeats} repeats, medians:")
    print("| trainer | tokens per core-second (train) | core-seconds (train / process) | final validation loss (stderr) |")
    print("|---|---|---|---|")
    for trainer, rs in runs.items():
        tps = statistics.median(r["tokens_per_core_second"] for r in rs)
        train = statistics.median(r["train_cpu_seconds"] for r in rs)
        process = statistics.median(r["process_cpu_seconds"] for r in rs)
        loss = statistics.median(r["final_valid_loss"] for r in rs)
        se = statistics.median(r["valid_loss_stderr"] for r in rs)
        print(f"| {trainer} | {tps:.0f} | {train:.2f} / {process:.2f} | {loss:.4f} ({se:.4f}) |")


if __name__ == "__main__":
    main()
