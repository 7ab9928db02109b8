/**
 * What the server knows about the episodes already stored: a digest per episode id (so a resubmission is
 * recognised as the same episode, also after a restart) and per-participant counts and latest returns for the page.
 */
import { createHash } from 'node:crypto';
import { episodeReturn, type HumanEpisode } from '../shared/human/episode.js';

export interface EnvSummary {
  readonly episodes: number;
  /** Return of the participant's latest episode of this game (by start time). */
  readonly lastReturn: number;
  readonly lastStartedAt: string;
}

export interface ParticipantSummary {
  readonly participant: string;
  readonly episodes: number;
  /** Game and return of the latest episode (by start time); null before the first. */
  readonly lastEnvId: string | null;
  readonly lastReturn: number | null;
  readonly envs: Readonly<Record<string, EnvSummary>>;
}

/** JSON with object keys sorted at every level, so equal episodes give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  });
}

/** SHA-256 of the episode's canonical JSON: two submissions with one id are the same episode iff digests match. */
export function episodeDigest(ep: HumanEpisode): string {
  return createHash('sha256').update(canonicalJson(ep)).digest('hex');
}

export class EpisodeIndex {
  private readonly digests = new Map<string, string>();
  private readonly byParticipant = new Map<string, Map<string, EnvSummary>>();

  /** An index of these episodes (in the order they were stored). */
  static of(episodes: Iterable<HumanEpisode>): EpisodeIndex {
    const index = new EpisodeIndex();
    for (const ep of episodes) index.add(ep);
    return index;
  }

  /** Number of distinct episodes. */
  get size(): number {
    return this.digests.size;
  }

  /** The digest of the stored episode with this id, if any. */
  digestOf(id: string): string | undefined {
    return this.digests.get(id);
  }

  /** Records a stored episode (a second one with a known id is ignored: the file keeps the first). */
  add(ep: HumanEpisode, digest: string = episodeDigest(ep)): void {
    if (this.digests.has(ep.id)) return;
    this.digests.set(ep.id, digest);
    let envs = this.byParticipant.get(ep.participant);
    if (!envs) this.byParticipant.set(ep.participant, (envs = new Map()));
    const prev = envs.get(ep.envId);
    const newer = prev === undefined || Date.parse(ep.startedAt) >= Date.parse(prev.lastStartedAt);
    envs.set(ep.envId, {
      episodes: (prev?.episodes ?? 0) + 1,
      lastReturn: newer ? episodeReturn(ep) : (prev as EnvSummary).lastReturn,
      lastStartedAt: newer ? ep.startedAt : (prev as EnvSummary).lastStartedAt,
    });
  }

  /** Counts and latest returns of one participant (zeros for an unknown one). */
  summary(participant: string): ParticipantSummary {
    const envs = this.byParticipant.get(participant) ?? new Map<string, EnvSummary>();
    let episodes = 0;
    let last: [string, EnvSummary] | null = null;
    for (const entry of envs) {
      episodes += entry[1].episodes;
      if (last === null || Date.parse(entry[1].lastStartedAt) >= Date.parse(last[1].lastStartedAt)) last = entry;
    }
    return {
      participant,
      episodes,
      lastEnvId: last?.[0] ?? null,
      lastReturn: last?.[1].lastReturn ?? null,
      envs: Object.fromEntries(envs),
    };
  }
}
