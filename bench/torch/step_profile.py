#!/usr/bin/env python3
"""Where a CPU training step of the adapter goes: data, forward, backward, clipping, optimiser, and validation, in
core-seconds (user + system CPU time of this process, one thread), then the heaviest operators from torch.profiler.

It runs the adapter's own pieces (train_cell.batches over the dataset's documents, tiny_llama.TinyLlama, AdamW,
clip_grad_norm_, train_cell.evaluate), so what it times is what train_cell.py does per step:

    /usr/bin/python3 bench/torch/step_profile.py --dataset DIR --shape 64,128,2,2 [--steps 40] [--dtype bfloat16]
        [--malloc keep|default]

Not part of CI: it measures, it does not test.
"""
import argparse
import contextlib
import os
import sys
import time

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "src", "trainers", "torch"))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", required=True)
    p.add_argument("--shape", default="64,128,2,2")
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--dtype", default="bfloat16", choices=("float32", "bfloat16"))
    p.add_argument("--malloc", default="keep", choices=("keep", "default"))
    p.add_argument("--profile-steps", type=int, default=5)
    args = p.parse_args()
    import train_cell
    malloc = train_cell.keep_freed_memory() if args.malloc == "keep" else None
    import torch
    import token_data
    from tiny_llama import TinyLlama
    torch.set_num_threads(1)
    values, starts, ends, _ = token_data.read_documents(args.dataset)
    vocabulary = int(values.max()) + 1
    documents = [(int(s), int(e)) for s, e in zip(starts, ends)]
    train_docs, valid_docs = documents[:(args.steps + 3 + args.profile_steps) * args.batch], documents[-156:]
    h, i, layers, heads = (int(x) for x in args.shape.split(","))
    torch.manual_seed(0)
    model = TinyLlama(vocabulary, h, i, layers, heads)
    params = list(model.parameters())
    optimizer = torch.optim.AdamW(params, lr=1e-2 * 32 / h, weight_decay=0.0)
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if args.dtype == "bfloat16" else contextlib.nullcontext
    device = torch.device("cpu")
    data = iter(train_cell.batches(values, train_docs, args.batch, 256, torch, device))
    sections = dict.fromkeys(("data", "forward", "backward", "clip", "optimizer"), 0.0)

    def step(record):
        t0 = time.process_time()
        ids, labels = next(data)
        t1 = time.process_time()
        with autocast():
            _, loss = model(ids, labels)
        t2 = time.process_time()
        loss.backward()
        t3 = time.process_time()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        t4 = time.process_time()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        loss.item()
        t5 = time.process_time()
        if record:
            for name, dt in zip(sections, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                sections[name] += dt

    for _ in range(3):
        step(False)
    for _ in range(args.steps):
        step(True)
    model.eval()
    began = time.process_time()
    train_cell.evaluate(model, train_cell.batches(values, valid_docs, 32, 256, torch, device), autocast, torch)
    evaluation = time.process_time() - began
    total = sum(sections.values())
    print(f"shape {args.shape}, V {vocabulary}, batch {args.batch} x 256, {args.dtype}, malloc {malloc or 'glibc default'}: "
          f"{1000 * total / args.steps:.1f} ms per step ({args.batch * 256 * args.steps / total:.0f} tokens per core-second)")
    print("| part | ms per step | share |")
    print("|---|---|---|")
    for name, seconds in sections.items():
        print(f"| {name} | {1000 * seconds / args.steps:.2f} | {100 * seconds / total:.1f}% |")
    print(f"| validation of {len(valid_docs)} documents (once per run) | {1000 * evaluation:.0f} ms in all | "
          f"{100 * evaluation / (evaluation + total / args.steps * 147):.1f}% of a D = 300K run |")
    model.train()
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(args.profile_steps):
            step(False)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15))


if __name__ == "__main__":
    main()
