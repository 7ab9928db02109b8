"""Benchmark peer: one generation of simple_ga + adaptive_sigma + cross-entropy fitness in NumPy, for
bench/compute.bench.ts.

The same step as evoscale's: every agent's per-parameter sigma is multiplied by 1 + N(0, 1e-2), then its
parameters move by N(0, sigma^2); the whole population runs a tanh MLP (in -> hidden -> out, PyTorch's
Linear layout: W is out x in) on one mini-batch; fitness is the mean cross-entropy; the best half (lowest
CE) is copied, with its sigma, over the worst half. Everything in float32, as a NumPy user would write it:
batched matmul over the population, Generator.standard_normal(dtype=float32).

Timing: the best of WINDOWS windows of SECONDS / WINDOWS each (after warm-up), the same rule as
bench/compute.bench.ts uses for its own figures, so neither side is penalised by a busy neighbour.
Prints one JSON object on stdout:
  {"numpy": version, "python": version, "results": {"P=50": {"gens_per_s": x, "noise_share": s}, ...}}
Usage: python3 numpy_step.py [seconds-per-measurement] [P ...]
"""

import json
import platform
import sys
import time

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
POPS = [int(p) for p in sys.argv[2:]] or [50, 1000, 10000]
IN, HIDDEN, OUT, BATCH = 8, 50, 4, 32
WINDOWS = 5

try:
    import numpy as np
except ImportError as e:  # pragma: no cover - depends on the machine
    print(json.dumps({"error": f"numpy not importable: {e}"}))
    sys.exit(0)

N_PARAMS = IN * HIDDEN + HIDDEN + HIDDEN * OUT + OUT


def make_problem(pop, rng):
    theta = rng.uniform(-0.3, 0.3, size=(pop, N_PARAMS)).astype(np.float32)
    sigma = np.full((pop, N_PARAMS), 1e-3, dtype=np.float32)
    x = rng.standard_normal((BATCH, IN), dtype=np.float32)
    y = rng.integers(0, OUT, size=BATCH)
    return theta, sigma, x, y


def vary(theta, sigma, rng):
    """adaptive_sigma: sigma *= 1 + N(0, 1e-2); theta += N(0, sigma^2)."""
    shape = theta.shape
    sigma *= np.float32(1) + np.float32(1e-2) * rng.standard_normal(shape, dtype=np.float32)
    np.abs(sigma, out=sigma)
    theta += sigma * rng.standard_normal(shape, dtype=np.float32)


def fitness(theta, x, y):
    """Mean cross-entropy of every agent on the batch (lower is better)."""
    pop = theta.shape[0]
    o = 0
    w1 = theta[:, o : o + IN * HIDDEN].reshape(pop, HIDDEN, IN)
    o += IN * HIDDEN
    b1 = theta[:, o : o + HIDDEN]
    o += HIDDEN
    w2 = theta[:, o : o + HIDDEN * OUT].reshape(pop, OUT, HIDDEN)
    o += HIDDEN * OUT
    b2 = theta[:, o : o + OUT]
    h = np.tanh(np.matmul(x, w1.transpose(0, 2, 1)) + b1[:, None, :])  # pop x batch x hidden
    logits = np.matmul(h, w2.transpose(0, 2, 1)) + b2[:, None, :]  # pop x batch x out
    m = logits.max(axis=2, keepdims=True)
    lse = np.log(np.exp(logits - m).sum(axis=2)) + m[:, :, 0]
    picked = logits[:, np.arange(BATCH), y]
    return (lse - picked).mean(axis=1)


def select(theta, sigma, ce):
    """simple_ga: the best half (lowest CE) copied over the worst half."""
    order = np.argsort(ce, kind="stable")
    half = theta.shape[0] // 2
    best, worst = order[:half], order[theta.shape[0] - half :][::-1]
    theta[worst] = theta[best]
    sigma[worst] = sigma[best]


def measure(pop):
    rng = np.random.default_rng(0)
    theta, sigma, x, y = make_problem(pop, rng)

    def step():
        vary(theta, sigma, rng)
        select(theta, sigma, fitness(theta, x, y))

    def best_rate(work):
        best = 0.0
        for _ in range(WINDOWS):
            calls, start = 0, time.perf_counter()
            while True:
                work()
                calls += 1
                elapsed = time.perf_counter() - start
                if elapsed >= SECONDS / WINDOWS and calls >= 2:
                    break
            best = max(best, calls / elapsed)
        return best

    for _ in range(3):
        step()
    gens_per_s = best_rate(step)
    # Share of the step spent drawing the noise (both normal draws), timed alone.
    shape = theta.shape

    def noise():
        rng.standard_normal(shape, dtype=np.float32)
        rng.standard_normal(shape, dtype=np.float32)

    noise_per_s = best_rate(noise)
    return {"gens_per_s": gens_per_s, "noise_share": min(1.0, gens_per_s / noise_per_s)}


results = {}
for p in POPS:
    results[f"P={p}"] = measure(p)
print(json.dumps({"numpy": np.__version__, "python": platform.python_version(), "results": results}))
