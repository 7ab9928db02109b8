/**
 * Simulated participants for experiment 3 (the project ships no real human data). Each one plays the games over
 * several simulated days with human-like traits, so that session/run information carries real signal:
 *  - skill: the probability of acting like the built-in expert; it rises across sessions (learning) and falls
 *    within a session (fatigue);
 *  - reaction delay: the player acts on an observation a few frames old (fewer as skill grows);
 *  - key holding: when not acting skilfully, the previous key is kept pressed with some probability, else a
 *    random key is pressed;
 *  - noise: a small probability of a random key at any step.
 * Everything is drawn from counter-based streams keyed by (seed, participant, env, episode): reproducible, pure.
 * Every record says `synthetic: true`.
 */
import { make } from '../envs/registry.js';
import { datasetEnvSpec } from '../data/envs.js';
import { expert } from '../experts/index.js';
import { InvalidArgumentError } from '../errors.js';
import { CounterRng, RngPurpose } from '../rng/philox.js';
import { HUMAN_EPISODE_FORMAT, HUMAN_EPISODE_VERSION, type HumanEpisode } from './episode.js';

// Sub-streams under RngPurpose.syntheticHuman.
const TRAITS = 1;
const SCHEDULE = 2;
const PLAY = 3;

export const HUMAN_ENV_IDS: readonly string[] = ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'LunarLander-v3'];

export interface SyntheticTraits {
  /** Skill (probability of an expert-like action) in the first run of the first session. */
  readonly initialSkill: number;
  /** Skill gained per session, as a fraction of what is left to learn. */
  readonly learningRate: number;
  /** Skill lost per run played within a session. */
  readonly fatigue: number;
  /** Frames between what the player sees and what the player acts on, at skill 0 (halves at skill 1). */
  readonly reactionDelay: number;
  /** Probability of keeping the previous key pressed when not acting skilfully. */
  readonly holdProbability: number;
  /** Probability of a random key at any step. */
  readonly noise: number;
}

export interface SyntheticOptions {
  participants: number;
  days: number;
  /** Games played (default all four). */
  envIds?: readonly string[];
  /** Sessions per simulated day (default 2: morning and evening, hours apart). */
  sessionsPerDay?: number;
  /** Runs of each game per session: drawn uniformly in [min, max] (default [3, 7]). */
  runsPerSession?: readonly [number, number];
  seed?: number;
  /** Midnight UTC of day 1, in ms since the epoch (default 2025-01-06). */
  startMillis?: number;
  /** Called after each episode with (episodes done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** The simulated participant's id: synth01, synth02, … */
export function syntheticParticipantId(p: number): string {
  return `synth${String(p + 1).padStart(2, '0')}`;
}

/** The traits of simulated participant `p` (0-based) for generator seed `seed`. */
export function syntheticTraits(seed: number, p: number): SyntheticTraits {
  const r = CounterRng.from(seed, RngPurpose.syntheticHuman, TRAITS, p);
  const u = (lo: number, hi: number): number => lo + (hi - lo) * r.nextFloat();
  return {
    initialSkill: u(0.1, 0.3),
    learningRate: u(0.2, 0.4),
    fatigue: u(0.03, 0.06),
    reactionDelay: Math.round(u(2, 6)),
    holdProbability: u(0.55, 0.85),
    noise: u(0.02, 0.06),
  };
}

/** Skill in session `session` (0-based) at run `run` (0-based) of that session, clamped to [0.02, 0.98]. */
export function syntheticSkill(t: SyntheticTraits, session: number, run: number): number {
  const learnt = t.initialSkill + (1 - t.initialSkill) * (1 - Math.exp(-t.learningRate * session));
  return Math.min(0.98, Math.max(0.02, learnt - t.fatigue * run));
}

/** Plays one episode of `envId` as a player of the given traits and skill; returns the per-step record parts. */
export function playSyntheticEpisode(
  envId: string,
  seed: number,
  traits: SyntheticTraits,
  skill: number,
  rng: CounterRng,
): Pick<HumanEpisode, 'actions' | 'timestamps' | 'observations' | 'rewards' | 'terminated' | 'truncated'> {
  const env = make(envId);
  const policy = expert(envId);
  const k = env.actionSpace.n;
  const frameMs = 1000 / env.renderFps;
  const delay = Math.max(0, Math.round(traits.reactionDelay * (1 - 0.5 * skill)));
  let obs = env.reset({ seed }).obs;
  const observations: number[][] = [Array.from(obs)];
  const seen: Float32Array[] = [Float32Array.from(obs)];
  const actions: number[] = [];
  const timestamps: number[] = [];
  const rewards: number[] = [];
  let previous = rng.nextInt(k);
  let clock = 0;
  for (;;) {
    const stale = seen[Math.max(0, seen.length - 1 - delay)];
    const u = rng.nextFloat();
    let action: number;
    if (u < traits.noise) action = rng.nextInt(k);
    else if (rng.nextFloat() < skill) action = policy(stale);
    else action = rng.nextFloat() < traits.holdProbability ? previous : rng.nextInt(k);
    previous = action;
    // Frames arrive at the native rate with a little scheduling jitter (whole milliseconds, never backwards).
    clock = Math.max(clock, Math.round(actions.length * frameMs + (rng.nextFloat() - 0.5) * 4));
    timestamps.push(clock);
    actions.push(action);
    const r = env.step(action);
    rewards.push(r.reward);
    obs = r.obs;
    observations.push(Array.from(obs));
    seen.push(Float32Array.from(obs));
    if (seen.length > 16) seen.shift();
    if (r.terminated || r.truncated)
      return { actions, timestamps, observations, rewards, terminated: r.terminated, truncated: r.truncated };
  }
}

function checkCount(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 1 || v > max)
    throw new InvalidArgumentError(`${name} must be an integer in 1..${max}, got ${v}`);
}

/**
 * Every simulated participant's episodes, in time order per participant. Each day has `sessionsPerDay` sessions
 * hours apart; in each session the participant plays every game a few runs in a row, with short pauses between
 * episodes, so consecutive episodes of a session start minutes apart and sessions hours apart.
 */
export function synthesizeHumanEpisodes(opts: SyntheticOptions): HumanEpisode[] {
  checkCount('participants', opts.participants, 100);
  checkCount('days', opts.days, 365);
  const sessionsPerDay = opts.sessionsPerDay ?? 2;
  checkCount('sessionsPerDay', sessionsPerDay, 8);
  const [minRuns, maxRuns] = opts.runsPerSession ?? [3, 7];
  if (!Number.isInteger(minRuns) || !Number.isInteger(maxRuns) || minRuns < 1 || maxRuns < minRuns) {
    throw new InvalidArgumentError(
      `runsPerSession must be [min, max] with 1 <= min <= max, got [${minRuns}, ${maxRuns}]`,
    );
  }
  const envIds = (opts.envIds ?? HUMAN_ENV_IDS).map((e) => datasetEnvSpec(e).id);
  const seed = opts.seed ?? 0;
  const day0 = opts.startMillis ?? Date.UTC(2025, 0, 6);
  const hourMs = 3_600_000;
  const frameMs = new Map(envIds.map((e) => [e, 1000 / make(e).renderFps]));

  // The schedule first (runs per session and game), so progress can report a total.
  const plan: { p: number; day: number; slot: number; env: string; runs: number }[] = [];
  for (let p = 0; p < opts.participants; p++) {
    const r = CounterRng.from(seed, RngPurpose.syntheticHuman, SCHEDULE, p);
    for (let day = 0; day < opts.days; day++) {
      for (let slot = 0; slot < sessionsPerDay; slot++) {
        for (const env of envIds) plan.push({ p, day, slot, env, runs: minRuns + r.nextInt(maxRuns - minRuns + 1) });
      }
    }
  }
  const total = plan.reduce((a, s) => a + s.runs, 0);
  const out: HumanEpisode[] = [];
  const sessionIndex = new Map<string, number>();
  const counter = new Map<string, number>();
  let clock = 0;
  let lastKey = '';
  for (const s of plan) {
    const participant = syntheticParticipantId(s.p);
    const traits = syntheticTraits(seed, s.p);
    const key = `${s.p}|${s.day}|${s.slot}`;
    if (key !== lastKey) {
      // Sessions start 9:00 + slot × 14 h / sessionsPerDay, with up to 45 minutes of lateness.
      const late =
        CounterRng.from(seed, RngPurpose.syntheticHuman, SCHEDULE, s.p, s.day, s.slot).nextFloat() * 45 * 60_000;
      clock = day0 + s.day * 24 * hourMs + (9 + (s.slot * 14) / sessionsPerDay) * hourMs + late;
      lastKey = key;
    }
    const envKey = `${s.p}|${s.env}`;
    const session = sessionIndex.get(envKey) ?? 0;
    sessionIndex.set(envKey, session + 1);
    for (let run = 0; run < s.runs; run++) {
      const n = counter.get(envKey) ?? 0;
      counter.set(envKey, n + 1);
      const envIdx = envIds.indexOf(s.env);
      const rng = CounterRng.from(seed, RngPurpose.syntheticHuman, PLAY, s.p, envIdx, n);
      const episodeSeed = rng.nextUint32();
      const skill = syntheticSkill(traits, session, run);
      const played = playSyntheticEpisode(s.env, episodeSeed, traits, skill, rng);
      const startedAt = new Date(Math.round(clock)).toISOString();
      out.push({
        format: HUMAN_EPISODE_FORMAT,
        version: HUMAN_EPISODE_VERSION,
        id: `${participant}-${s.env}-${String(n).padStart(4, '0')}`,
        participant,
        envId: s.env,
        seed: episodeSeed,
        startedAt,
        ...played,
        synthetic: true,
        meta: { generator: 'evoscale synth-human', generatorSeed: seed, traits, session, run, skill },
      });
      // The episode's duration plus a pause of 3–40 s before the next one.
      const duration = played.timestamps[played.timestamps.length - 1] + (frameMs.get(s.env) ?? 20);
      clock += duration + 3000 + rng.nextFloat() * 37_000;
      opts.onProgress?.(out.length, total);
    }
  }
  return out;
}
