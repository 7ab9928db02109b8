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

/**
 * Participant ids the server stores: they name a file in the data folder, so no leading dot (hidden files, `.`,
 * `..`, the `.collect.lock`) and nothing but letters, digits, `_` and `-`.
 */
export const PARTICIPANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const PARTICIPANT_RULE = `episode: field 'participant' must start with a letter or digit and hold 1-64 letters, digits, _ or -`;
/** Deepest nesting of arrays and objects in a submission (an episode needs 3; `meta` may use the rest). */
export const MAX_JSON_DEPTH = 8;
/** Largest `meta` (provenance such as app version and frame rate), in bytes of its JSON. */
export const MAX_META_BYTES = 4096;

const FIELDS = new Set([
  'format',
  'version',
  'id',
  'participant',
  'envId',
  'seed',
  'startedAt',
  'actions',
  'timestamps',
  'observations',
  'rewards',
  'terminated',
  'truncated',
  'synthetic',
  'meta',
]);

/**
 * True when `text` nests arrays/objects deeper than `max`. Scanned before JSON.parse, so a body of a million
 * nested brackets costs one pass over its bytes instead of a million objects (and a stack overflow on display).
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function refuse(status: 400 | 422, code: string, message: string): Verdict {
  return { ok: false, status, code, message };
}

/** Parses and validates a submission's body (without replaying it); see `replaySubmission`. */
export function parseSubmission(text: string): Verdict {
  if (jsonDeeperThan(text, MAX_JSON_DEPTH))
    return refuse(400, 'JSON_TOO_DEEP', `the body nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return refuse(400, 'INVALID_JSON', `the body is not valid JSON (${(e as Error).message}); send one episode object`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const participant = (value as { participant?: unknown }).participant;
    if (typeof participant === 'string' && !PARTICIPANT_ID.test(participant))
      return refuse(422, 'INVALID_PARTICIPANT', PARTICIPANT_RULE);
    const unknown = Object.keys(value).filter((k) => !FIELDS.has(k));
    if (unknown.length > 0)
      return refuse(
        422,
        'UNKNOWN_FIELD',
        `episode: unknown field(s) ${unknown
          .slice(0, 5)
          .map((k) => `'${k.slice(0, 40)}'`)
          .join(', ')}; ` +
          `send only the HumanEpisode fields (put provenance in 'meta', at most ${MAX_META_BYTES} bytes)`,
      );
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
  if (!PARTICIPANT_ID.test(episode.participant)) return refuse(422, 'INVALID_PARTICIPANT', PARTICIPANT_RULE);
  if (episode.meta !== undefined && Buffer.byteLength(JSON.stringify(episode.meta)) > MAX_META_BYTES)
    return refuse(422, 'META_TOO_LARGE', `episode: field 'meta' exceeds ${MAX_META_BYTES} bytes of JSON; trim it`);
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
