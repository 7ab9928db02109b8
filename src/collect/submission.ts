/**
 * Judges one submitted episode: well-formed JSON, a valid HumanEpisode, played by a person, and genuine — its
 * actions replayed from its seed through the same environment code give back exactly its observations, rewards
 * and ending. Each refusal carries the HTTP status and a message that says what is wrong.
 */
import { HumanEpisodeError, parseHumanEpisode, type HumanEpisode } from '../shared/human/episode.js';
import { replayEpisode } from '../shared/human/replay.js';

export type Verdict =
  | { readonly ok: true; readonly episode: HumanEpisode }
  | { readonly ok: false; readonly status: 400 | 422; readonly code: string; readonly message: string };

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

function refuse(status: 400 | 422, code: string, message: string): Verdict {
  return { ok: false, status, code, message };
}

/** Parses and validates a submission's body (without replaying it); see `replaySubmission`. */
export function parseSubmission(text: string): Verdict {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return refuse(400, 'INVALID_JSON', `the body is not valid JSON (${(e as Error).message}); send one episode object`);
  }
  let episode: HumanEpisode;
  try {
    episode = parseHumanEpisode(value, 'episode');
  } catch (e) {
    if (e instanceof HumanEpisodeError) return refuse(422, 'HUMAN_EPISODE_INVALID', e.message);
    throw e;
  }
  if (!ID.test(episode.id))
    return refuse(422, 'HUMAN_EPISODE_INVALID', `episode: field 'id' must be 1-128 letters, digits or _ . : -`);
  if (episode.synthetic)
    return refuse(
      422,
      'SYNTHETIC_EPISODE',
      `episode ${episode.id} is marked synthetic; the collection server stores human play only`,
    );
  return { ok: true, episode };
}

/** Replays a parsed episode; refuses it (422) unless the replay reproduces it bit for bit. */
export function replaySubmission(episode: HumanEpisode): Verdict {
  let reason: string | null;
  try {
    const v = replayEpisode(episode);
    reason = v.ok ? null : v.reason;
  } catch (e) {
    reason = (e as Error).message;
  }
  if (reason === null) return { ok: true, episode };
  return refuse(
    422,
    'REPLAY_MISMATCH',
    `episode ${episode.id} (${episode.envId}, seed ${episode.seed}) does not replay: ${reason}`,
  );
}
