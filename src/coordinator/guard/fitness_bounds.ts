/**
 * The values a run's fitness can take, so that a worker's answer outside them is refused without re-evaluating
 * anything: a CartPole return above its time limit, a macro-F1 or accuracy above 1, a negative cross-entropy.
 * Tasks without known bounds (LunarLander's returns, future objectives) are only required to be finite.
 */
import { make } from '../../shared/envs/registry.js';
import type { FitnessVector, NeRunSpec } from '../../shared/protocol/index.js';

export interface FitnessBounds {
  readonly min: number;
  readonly max: number;
  /** Where the bounds come from, for the message that refuses a value. */
  readonly why: string;
}

/** Reward per step of the classic-control envs, whose returns are then bounded by the episode length. */
const STEP_REWARD: Readonly<Record<string, readonly [number, number]>> = {
  'CartPole-v1': [0, 1],
  'Acrobot-v1': [-1, 0],
  'MountainCar-v0': [-1, 0],
};

/** Bounds of the spec's fitness values (mean returns or dataset scores). */
export function fitnessBounds(spec: NeRunSpec): FitnessBounds {
  const task = spec.task;
  if (task.kind === 'dataset') {
    if (task.fitness === 'ce') return { min: 0, max: Infinity, why: 'cross-entropy is ≥ 0' };
    if (task.fitness === 'accuracy' || task.fitness === 'macro_f1') {
      return { min: 0, max: 1, why: `${task.fitness} lies in [0, 1]` };
    }
    return { min: -Infinity, max: Infinity, why: 'fitness must be finite' };
  }
  const step = STEP_REWARD[task.envId];
  if (step === undefined) return { min: -Infinity, max: Infinity, why: 'fitness must be finite' };
  const limit = make(task.envId).maxEpisodeSteps ?? Infinity;
  const steps = Math.min(limit, task.maxSteps ?? Infinity);
  return {
    min: step[0] * steps,
    max: step[1] * steps,
    why: `a ${task.envId} return over at most ${steps} steps lies in [${step[0] * steps}, ${step[1] * steps}]`,
  };
}

/** The first value that is not finite or lies outside `bounds`, as an index and a description; undefined when all are fine. */
export function firstImpossible(
  fitness: FitnessVector,
  bounds: FitnessBounds,
): { index: number; kind: 'non_finite' | 'out_of_bounds'; detail: string } | undefined {
  for (let i = 0; i < fitness.length; i++) {
    const v = fitness[i];
    if (!Number.isFinite(v)) return { index: i, kind: 'non_finite', detail: `value ${String(v)} is not finite` };
    if (v < bounds.min || v > bounds.max) {
      return { index: i, kind: 'out_of_bounds', detail: `value ${v} is impossible (${bounds.why})` };
    }
  }
  return undefined;
}
