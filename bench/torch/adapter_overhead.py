#!/usr/bin/env python3
"""The PyTorch adapter's training throughput as a ratio to a bare PyTorch loop on the same model and batch.

The adapter (src/trainers/torch/train_cell.py) reads the dataset, builds each batch from memory-mapped tokens, logs
every step's loss and writes a record. The bare loop trains the same model (tiny_llama.TinyLlama at the cell's shape)
with the same optimiser, schedule, gradient clipping and autocast on random batches of the same size that are
already tensors, and logs nothing. Both run in this process, alternately, --repeats times; the overhead is the ratio
of their median CPU seconds per step (CPU time, not wall time, because the machine is shared) minus one. Because that
ratio is as noisy as the machine, the adapter's own work per step (reading and batching documents, without the model)
is also timed alone: its share of a bare step bounds the overhead from above, apart from logging one float per step.

    /usr/bin/python3 bench/torch/adapter_overhead.py --plan PLAN --cell K [--repeats 5] [--threads 1] [--dtype bfloat16]

Prints one JSON line. Not part of CI: it measures, it does not test.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "src", "trainers", "torch"))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--plan", required=True)
    p.add_argument("--cell", type=int, required=True)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--dtype", default="bfloat16", choices=("float32", "bfloat16"))
    args = p.parse_args()
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, str(args.threads))

    import torch
    import train_cell
    from tiny_llama import TinyLlama, cosine_with_warmup

    torch.set_num_threads(args.threads)
    cell = train_cell.load_plan(args.plan)[args.cell]
    adapter_args = train_cell.parse_args(["--plan", args.plan, "--cell", str(args.cell), "--results", os.devnull,
                                          "--device", "cpu", "--dtype", args.dtype, "--threads", str(args.threads)])
    settings, shape = cell["training"], cell["shape"]
    context, batch_size = settings.get("context", 256), settings.get("batch_size", 32)

    def bare(steps):
        torch.manual_seed(cell["seed"])
        model = TinyLlama(cell["vocabulary"], shape["hidden"], shape["intermediate"], shape["layers"], shape["heads"])
        optimizer = torch.optim.AdamW(model.parameters(), lr=settings.get("learning_rate", 5e-5), betas=(0.9, 0.999),
                                      eps=1e-8, weight_decay=settings.get("weight_decay", 0.0))
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, cosine_with_warmup(settings.get("warmup_steps", 0), steps))
        generator = torch.Generator().manual_seed(cell["seed"])
        data = [torch.randint(1, cell["vocabulary"], (batch_size, context), generator=generator) for _ in range(steps)]
        model.train()
        began, cpu_began = time.time(), time.process_time()
        for ids in data:
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.dtype == "bfloat16"):
                _, loss = model(ids, ids)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
        return time.time() - began, time.process_time() - cpu_began

    def data_only():
        """CPU seconds of the adapter's own work per step without the model: reading and batching the documents."""
        import random
        values, starts, ends, _ = train_cell.token_data.read_documents(train_cell.dataset_folder(cell, args.plan))
        train_docs, _ = train_cell.split(starts, ends, cell, adapter_args.max_valid_docs)
        docs = list(train_docs)
        random.Random(cell["seed"]).shuffle(docs)
        cpu_began, count = time.process_time(), 0
        for ids, labels in train_cell.batches(values, docs, batch_size, context, torch, torch.device("cpu")):
            count += 1
        return (time.process_time() - cpu_began) / count

    data_cpu = statistics.median(data_only() for _ in range(args.repeats))
    adapter_cpu, adapter_wall, bare_cpu, bare_wall, steps = [], [], [], [], None
    for _ in range(args.repeats):
        record = train_cell.train(cell, adapter_args, 0)
        steps = record["steps"]
        adapter_cpu.append(record["train_cpu_seconds"] / steps)
        adapter_wall.append(record["train_seconds"] / steps)
        wall, cpu = bare(steps)
        bare_cpu.append(cpu / steps)
        bare_wall.append(wall / steps)

    a, b = statistics.median(adapter_cpu), statistics.median(bare_cpu)
    print(json.dumps({
        "cell": cell["cell_id"], "steps": steps, "batch": batch_size, "context": context, "threads": args.threads,
        "dtype": args.dtype, "repeats": args.repeats,
        "adapter_cpu_ms_per_step": round(1000 * a, 3), "bare_cpu_ms_per_step": round(1000 * b, 3),
        "overhead_cpu": round(a / b - 1, 4),
        "adapter_wall_ms_per_step": round(1000 * statistics.median(adapter_wall), 3),
        "bare_wall_ms_per_step": round(1000 * statistics.median(bare_wall), 3),
        "overhead_wall": round(statistics.median(adapter_wall) / statistics.median(bare_wall) - 1, 4),
        "data_cpu_ms_per_step": round(1000 * data_cpu, 4), "data_share_of_bare_step": round(data_cpu / b, 5),
        "adapter_cpu_all": [round(1000 * x, 3) for x in adapter_cpu], "bare_cpu_all": [round(1000 * x, 3) for x in bare_cpu],
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }))


if __name__ == "__main__":
    main()
