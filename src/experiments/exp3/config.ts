/** Experiment 3's settings, their defaults, and the plan of trials they imply. */
import { InvalidArgumentError } from '../../shared/errors.js';
import { datasetEnvSpec } from '../../shared/data/envs.js';
import { EXP2_METHODS, resolveMethods, type Method } from '../../trials/methods.js';
import type { PlayPolicy } from './matched.js';

export interface Exp3Config {
  /** 'synthetic' (simulated participants, generated on the fly) or a folder of <participant>.jsonl files. */
  data: string;
  /** Participants to model (default: every participant in the data). */
  participants?: string[];
  /** Environments to model (default: every env the participant played). */
  envs?: string[];
  /** Base methods, each trained without and with CL inputs (experiment 2's names). */
  methods: string[];
  /** Seed of initialisation, mini-batches, mutation and the models' action sampling. */
  seed: number;
  /** SGD steps and NE generations per trial: the same ratio as experiment 2 (≈ equal wall-clock time). */
  sgdSteps: number;
  neGenerations: number;
  evalPoints: number;
  /** Share of each participant × env's runs held out (taken from the end of sessions; see sessionSplit). */
  testFraction: number;
  /** Minutes between episode starts that open a new session. */
  gapMinutes: number;
  /** How models pick actions when they play the matched episodes. */
  policy: PlayPolicy;
  /** The simulated participants used when `data` is 'synthetic'. */
  synthetic: { participants: number; days: number; sessionsPerDay: number; seed: number };
}

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

/** Checks a configuration once, at the edge, with messages that say what to change. */
export function validateExp3Config(cfg: Exp3Config): void {
  resolveMethods(EXP2_METHODS, cfg.methods);
  for (const [k, v] of [
    ['sgdSteps', cfg.sgdSteps],
    ['neGenerations', cfg.neGenerations],
    ['evalPoints', cfg.evalPoints],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`exp3 ${k} must be a positive integer, got ${v}`);
  }
  if (!(cfg.testFraction > 0 && cfg.testFraction < 0.5))
    throw new InvalidArgumentError(`exp3 testFraction must be in (0, 0.5), got ${cfg.testFraction}`);
  if (!(cfg.gapMinutes > 0)) throw new InvalidArgumentError(`exp3 gapMinutes must be positive, got ${cfg.gapMinutes}`);
  if (cfg.policy !== 'sample' && cfg.policy !== 'greedy')
    throw new InvalidArgumentError(`exp3 policy must be 'sample' or 'greedy', got '${String(cfg.policy)}'`);
  for (const e of cfg.envs ?? []) datasetEnvSpec(e);
}

/** The trials for one participant × env: every base method without and with CL inputs. */
export function planPair(cfg: Exp3Config, participant: string, envId: string): Exp3TrialPlan[] {
  return resolveMethods(EXP2_METHODS, cfg.methods).flatMap((method) =>
    [false, true].map((withCl) => {
      const variant = `${method.name}_${withCl ? 'with_cl' : 'no_cl'}`;
      return { id: `${participant}_${envTag(envId)}_${variant}`, participant, envId, method, withCl, variant };
    }),
  );
}
