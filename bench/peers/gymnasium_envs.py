"""Benchmark peer: steps per second of Gymnasium's own environments, for bench/envs.bench.ts.

Imports gymnasium from the source tree in $GYMNASIUM_SRC (default /tmp/gymnasium-src), so no Gymnasium code lives
in this repository. Prints one JSON object on stdout:
  {"gymnasium": version, "numpy": version, "results": {name: {"steps_per_s": x, ...} | {"skipped": why}}}
Usage: python3 gymnasium_envs.py [seconds-per-measurement]
"""

import json
import os
import sys
import time

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
SRC = os.environ.get("GYMNASIUM_SRC", "/tmp/gymnasium-src")


def fail(why):
    print(json.dumps({"error": why}))
    sys.exit(0)


try:
    import numpy as np
except ImportError as e:  # pragma: no cover - depends on the machine
    fail(f"numpy not importable: {e}")

if not os.path.isdir(os.path.join(SRC, "gymnasium")):
    fail(f"no gymnasium source tree at {SRC} (set GYMNASIUM_SRC)")
sys.path.insert(0, SRC)
try:
    import gymnasium as gym
except Exception as e:  # pragma: no cover - depends on the machine
    fail(f"cannot import gymnasium from {SRC}: {type(e).__name__}: {e}")


def timed(step_once):
    """Runs step_once() in batches until SECONDS have passed (after a short warm-up); returns calls per second."""
    for _ in range(200):
        step_once()
    calls, start = 0, time.perf_counter()
    while True:
        for _ in range(200):
            step_once()
        calls += 200
        elapsed = time.perf_counter() - start
        if elapsed >= SECONDS:
            return calls / elapsed


def single(env_id, unwrapped):
    env = gym.make(env_id)
    n_actions = env.action_space.n
    if unwrapped:
        # The bare environment with the time limit counted by hand: Gymnasium minus its wrapper overhead.
        limit = env.spec.max_episode_steps
        env = env.unwrapped
    else:
        limit = None
    actions = [int(a) for a in np.random.default_rng(0).integers(0, n_actions, size=4096)]
    env.reset(seed=0)
    state = {"t": 0, "ep": 0}

    def step_once():
        t = state["t"]
        _, _, terminated, truncated, _ = env.step(actions[t & 4095])
        state["t"] = t + 1
        state["ep"] += 1
        if limit is not None and state["ep"] >= limit:
            truncated = True
        if terminated or truncated:
            env.reset()
            state["ep"] = 0

    return timed(step_once)


def cartpole_vector(n):
    from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv

    env = CartPoleVectorEnv(num_envs=n)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    batches = [rng.integers(0, 2, size=n) for _ in range(64)]
    state = {"t": 0}

    def step_once():
        env.step(batches[state["t"] & 63])
        state["t"] += 1

    return timed(step_once) * n


results = {}
for env_id in ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "LunarLander-v3"]:
    try:
        results[env_id] = {
            "steps_per_s": single(env_id, unwrapped=False),
            "unwrapped_steps_per_s": single(env_id, unwrapped=True),
        }
    except Exception as e:  # e.g. LunarLander without Box2D
        results[env_id] = {"skipped": f"{type(e).__name__}: {e}".splitlines()[0][:200]}
try:
    results["CartPoleVectorEnv N=1024"] = {"steps_per_s": cartpole_vector(1024)}
except Exception as e:
    results["CartPoleVectorEnv N=1024"] = {"skipped": f"{type(e).__name__}: {e}".splitlines()[0][:200]}

print(json.dumps({"gymnasium": gym.__version__, "numpy": np.__version__, "python": sys.version.split()[0], "results": results}))
