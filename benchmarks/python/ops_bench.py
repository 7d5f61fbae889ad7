"""PyTorch side of the `ops` benchmark (benchmarks/VideoTransformers.Benchmarks, mode `ops`).

Times, with torch.set_num_threads(n) for each n in --threads:
  * add of two float32 [16] tensors and a [64, 64] @ [64, 64] float32 matmul, in microseconds per call;
  * a 1024 x 1024 x 1024 float32 matmul, in GFLOP/s.
Each figure is the median over --repeats batches; the op runs inline in the loop (no lambda call per op), and
every result is freed before the next call, as the .NET side disposes each result.

Prints one JSON object on stdout. Debian's PyTorch hands float32 GEMM to OpenBLAS, whose pool size comes from
OPENBLAS_NUM_THREADS (read once, at load): the .NET side runs this script once per thread count n with
OPENBLAS_NUM_THREADS=n, so that the GEMM uses as many threads as its own (MKL inside libtorch's intra-op pool).
"""
import argparse
import json
import os
import statistics
import time

import torch


def median(batch, calls, repeats):
    batch(max(1, calls // 10))  # warm-up
    return statistics.median(batch(calls) for _ in range(repeats))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=11)
    ap.add_argument("--add-calls", type=int, default=20000)
    ap.add_argument("--matmul-calls", type=int, default=2000)
    ap.add_argument("--gemm-calls", type=int, default=3)
    args = ap.parse_args()

    torch.manual_seed(0)
    a16, b16 = torch.randn(16), torch.randn(16)
    a64, b64 = torch.randn(64, 64), torch.randn(64, 64)
    n = 1024
    ag, bg = torch.randn(n, n), torch.randn(n, n)

    def add(calls):
        t0 = time.perf_counter_ns()
        for _ in range(calls):
            a16 + b16
        return (time.perf_counter_ns() - t0) / calls / 1e3

    def matmul(calls):
        t0 = time.perf_counter_ns()
        for _ in range(calls):
            a64 @ b64
        return (time.perf_counter_ns() - t0) / calls / 1e3

    def gemm(calls):
        t0 = time.perf_counter_ns()
        for _ in range(calls):
            ag @ bg
        seconds = (time.perf_counter_ns() - t0) / calls / 1e9
        return 2.0 * n ** 3 / seconds / 1e9

    results = {}
    for threads in (int(t) for t in args.threads.split(",")):
        torch.set_num_threads(threads)
        results[str(threads)] = {
            "add16_us": median(add, args.add_calls, args.repeats),
            "matmul64_us": median(matmul, args.matmul_calls, args.repeats),
            "gemm1024_gflops": median(gemm, args.gemm_calls, args.repeats),
        }
    print(json.dumps({
        "torch": torch.__version__,
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "results": results,
    }))


if __name__ == "__main__":
    main()
