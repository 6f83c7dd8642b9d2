#!/usr/bin/env python3
"""This processor's fp32 and bf16 matrix-multiply rate, one thread, at the shapes a training step of the small
profile multiplies (batch 8 x context 256 = 2048 rows): the layers' h x h and h x 2h products and the output head's
h x V. GFLOP per core-second (user + system CPU time of this process), the median of --repeats timings.

    /usr/bin/python3 bench/torch/matmul_rate.py [--hidden 64 128] [--vocabulary 2001] [--repeats 5]

Not part of CI: it measures, it does not test.
"""
import argparse
import os
import statistics
import time

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hidden", type=int, nargs="+", default=[64, 128])
    p.add_argument("--vocabulary", type=int, default=2001)
    p.add_argument("--rows", type=int, default=2048)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    import torch
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, one thread; GFLOP per core-second, median of {args.repeats}")
    print("| product | fp32 | bf16 |")
    print("|---|---|---|")
    for h in args.hidden:
        for name, k, n in ((f"{args.rows} x {h} @ {h} x {h}", h, h), (f"{args.rows} x {h} @ {h} x {2 * h}", h, 2 * h),
                           (f"{args.rows} x {h} @ {h} x {args.vocabulary} (head)", h, args.vocabulary),
                           (f"{args.rows} x {args.vocabulary} @ {args.vocabulary} x {h} (head backward)", args.vocabulary, h)):
            rates = []
            for dtype in (torch.float32, torch.bfloat16):
                a, b = torch.randn(args.rows, k).to(dtype), torch.randn(k, n).to(dtype)
                out = torch.empty(args.rows, n, dtype=dtype)
                flops = 2 * args.rows * k * n
                reps = max(3, int(2e9 // flops))
                samples = []
                for _ in range(args.repeats):
                    torch.mm(a, b, out=out)
                    began = time.process_time()
                    for _ in range(reps):
                        torch.mm(a, b, out=out)
                    samples.append(flops * reps / (time.process_time() - began) / 1e9)
                rates.append(statistics.median(samples))
            print(f"| {name} | {rates[0]:.1f} | {rates[1]:.1f} |")


if __name__ == "__main__":
    main()
