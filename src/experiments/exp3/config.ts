/** Experiment 3's settings, their defaults, and the plan of trials they imply. */
import { datasetEnvSpec } from '../../shared/data/envs.js';
import { EXP2_METHODS, HUMANLIKE_METHOD, HYBRID_METHODS, resolveMethods, type Method } from '../../trials/methods.js';
import { InvalidArgumentError } from '../../shared/errors.js';
import { parseBackend } from '../../worker/engine/backends.js';
import { checkSchema } from '../../shared/config/check.js';
import { Exp3ConfigSchema, type Exp3Config } from '../../shared/config/experiments.js';

/** Experiment 3's configuration; its schema (src/shared/config/experiments.ts) documents each field. */
export type { Exp3Config };

/**
 * Defaults sized so that `npx evoscale run exp3` (2 synthetic participants × 4 games × 4 models = 32 trials) takes
 * a few minutes on two cores (3.4 min measured, about 6 s per trial). Steps:generations keeps experiment 2's
 * 400 000 : 12 000 ratio (≈ equal wall-clock time per method).
 */
export const EXP3_DEFAULTS: Exp3Config = {
  data: 'synthetic',
  methods: ['sgd', 'ga_adaptive_ce'],
  seed: 0,
  sgdSteps: 72_000,
  neGenerations: 2_160,
  evalPoints: 10,
  testFraction: 0.1,
  gapMinutes: 30,
  policy: 'sample',
  synthetic: { participants: 2, days: 5, sessionsPerDay: 3, seed: 0 },
  backend: 'cpu',
};

/** One trial of experiment 3: a base method with or without CL inputs, for one participant × env. */
export interface Exp3TrialPlan {
  id: string;
  participant: string;
  envId: string;
  method: Method;
  withCl: boolean;
  /** e.g. sgd_with_cl, the proposal's naming. */
  variant: string;
}

/** Folder-safe short name of an env id (CartPole-v1 → cartpole). */
export function envTag(envId: string): string {
  return envId.replace(/-v\d+$/, '').toLowerCase();
}

/**
 * Experiment 3's methods: experiment 2's, and (optional, not in the default list) the warm-start and SM-G hybrids and
 * the human-likeness hybrid. The feature hybrid is left out: its model (frozen network + head) is not the one MLP the
 * matched-episode play runs.
 */
export const EXP3_METHODS: Readonly<Record<string, Method>> = {
  ...EXP2_METHODS,
  ...Object.fromEntries(Object.entries(HYBRID_METHODS).filter(([, m]) => m.variant !== 'feature')),
  [HUMANLIKE_METHOD.name]: HUMANLIKE_METHOD,
};

/** Generations of the human-likeness GA (each plays population × episodes rollouts; see HUMANLIKE_METHOD). */
export const HUMANLIKE_GENERATIONS = 20;
/** Matched training episodes each agent plays per generation of the human-likeness GA. */
export const HUMANLIKE_EPISODES = 8;

function resolveExp3Methods(names: readonly string[]): Method[] {
  for (const n of names) {
    if (HYBRID_METHODS[n]?.variant === 'feature') {
      throw new InvalidArgumentError(
        `${n}: experiment 3 plays each model in the env as one MLP, which the feature hybrid is not; use hybrid_warm_* or hybrid_smg_*`,
      );
    }
  }
  return resolveMethods(EXP3_METHODS, names);
}

/** Checks a configuration once, at the edge, with messages that say what to change. */
export function validateExp3Config(cfg: Exp3Config): void {
  checkSchema(Exp3ConfigSchema, cfg, 'exp3');
  resolveExp3Methods(cfg.methods);
  for (const e of cfg.envs ?? []) datasetEnvSpec(e);
  parseBackend(cfg.backend, 'exp3 backend');
}

/** The trials for one participant × env: every base method without and with CL inputs. */
export function planPair(cfg: Exp3Config, participant: string, envId: string): Exp3TrialPlan[] {
  return resolveExp3Methods(cfg.methods).flatMap((method) =>
    [false, true].map((withCl) => {
      const variant = `${method.name}_${withCl ? 'with_cl' : 'no_cl'}`;
      return { id: `${participant}_${envTag(envId)}_${variant}`, participant, envId, method, withCl, variant };
    }),
  );
}
