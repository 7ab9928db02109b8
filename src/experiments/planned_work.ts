/**
 * How much of a run's time each trial of experiment 2 will take, for the ETA (progress.ts). Its budgets were set so
 * that the default 800 000 SGD steps take about as long as the default 12 000 NE generations with CE fitness, and a
 * macro-F1 generation (10 sampled trials per agent) costs about 3× a CE one (measured, README "Experiment 2 budgets";
 * EXP2_DEFAULTS). So a trial weighs its planned steps in units of its method's default budget, ×3 for macro-F1.
 * Raw FLOPs would mislead here: a CE generation's forward passes are cheap in FLOPs but not in time.
 */
import type { TrialSpec } from '../trials/trial.js';
import type { PlannedWork } from './progress.js';

/** The defaults that take about equal time on one core (EXP2_DEFAULTS' sgdSteps and neGenerations). */
export interface EqualTimeBudgets {
  readonly sgdSteps: number;
  readonly neGenerations: number;
}

/** Cost of one macro-F1 NE generation relative to a CE one (10 sampled trials per agent; measured ≈ 3×). */
export const MACRO_F1_GENERATION_COST = 3;

/** Planned work of exp2 trials; trials budgeted in seconds all weigh the same (they take the same time). */
export function exp2PlannedWork(specs: readonly TrialSpec[], equal: EqualTimeBudgets): PlannedWork[] {
  return specs.map((s) => {
    const steps = s.budget.steps;
    if (steps === undefined) return { id: s.id, weight: 1 };
    const m = s.method;
    const generationCost = (fitness: string): number => (fitness === 'macro_f1' ? MACRO_F1_GENERATION_COST : 1);
    const weight =
      m.kind === 'sgd'
        ? steps / equal.sgdSteps
        : m.kind === 'hybrid'
          ? m.dlSteps / equal.sgdSteps + ((steps - m.dlSteps) / equal.neGenerations) * generationCost(m.ne.fitness)
          : (steps / equal.neGenerations) * generationCost(m.fitness);
    return { id: s.id, weight };
  });
}
