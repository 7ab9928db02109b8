import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  episodeReturn,
  parseHumanEpisode,
  prepareParticipantEnv,
  replayEpisode,
  synthesizeHumanEpisodes,
  syntheticSkill,
  syntheticTraits,
} from '../../../src/shared/human/index.js';

const episodes = synthesizeHumanEpisodes({
  participants: 2,
  days: 5,
  envIds: ['CartPole-v1', 'MountainCar-v0'],
  seed: 3,
});

function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

for (const participant of ['synth01', 'synth02']) {
  for (const envId of ['CartPole-v1', 'MountainCar-v0']) {
    test(`synthetic ${participant} gets better at ${envId} across sessions (return rises with session)`, () => {
      const d = prepareParticipantEnv(episodes, participant, envId);
      const returns = d.episodes.map(episodeReturn);
      const s = slope(
        d.sessionRuns.map((x) => x.sessionValue),
        returns,
      );
      assert.ok(s > 0, `return slope over session value is ${s}`);
      const first = returns.filter((_, i) => d.sessionRuns[i].session === 0);
      const last = returns.filter(
        (_, i) => d.sessionRuns[i].session === d.sessionRuns.reduce((m, x) => Math.max(m, x.session), 0),
      );
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      assert.ok(mean(last) > mean(first), `first session ${mean(first)}, last session ${mean(last)}`);
    });
  }
}

test('synthetic skill rises across sessions and falls with fatigue within a session', () => {
  const t = syntheticTraits(0, 0);
  assert.ok(syntheticSkill(t, 5, 0) > syntheticSkill(t, 0, 0));
  assert.ok(syntheticSkill(t, 5, 6) < syntheticSkill(t, 5, 0));
});

test('synthetic players produce ten sessions over five days (two a day) per game', () => {
  const d = prepareParticipantEnv(episodes, 'synth01', 'CartPole-v1');
  assert.equal(new Set(d.sessionRuns.map((x) => x.session)).size, 10);
});

test('every synthetic record is a valid episode labelled synthetic', () => {
  for (const e of episodes) {
    parseHumanEpisode(JSON.parse(JSON.stringify(e)), e.id);
    assert.equal(e.synthetic, true);
  }
});

test('synthetic episodes replay bit-exactly from their seeds and actions', () => {
  for (const e of episodes.slice(0, 40)) assert.deepEqual(replayEpisode(JSON.parse(JSON.stringify(e))), { ok: true });
});

test('replay rejects an episode whose actions were edited', () => {
  const e = JSON.parse(JSON.stringify(episodes[0]));
  e.actions[3] = 1 - e.actions[3];
  const v = replayEpisode(e);
  assert.equal(v.ok, false);
});

test('replay treats a recorded -0 as the 0 the env gives (JSON cannot keep the sign of a zero)', () => {
  const e = JSON.parse(JSON.stringify(episodes.find((x) => x.envId === 'MountainCar-v0')));
  // MountainCar starts at rest: the reset velocity is exactly 0.
  assert.equal(e.observations[0][1], 0);
  const record = JSON.parse(JSON.stringify(e).replace(/"observations":\[\[([^,\]]+),0\]/, '"observations":[[$1,-0]'));
  assert.ok(Object.is(record.observations[0][1], -0), 'the record now carries -0');
  assert.deepEqual(replayEpisode(record), { ok: true });
  record.observations[0][1] = 1e-7;
  assert.equal(replayEpisode(record).ok, false);
});

test('synthetic players are reproducible from their seed', () => {
  const again = synthesizeHumanEpisodes({
    participants: 2,
    days: 5,
    envIds: ['CartPole-v1', 'MountainCar-v0'],
    seed: 3,
  });
  assert.deepEqual(again, episodes);
});

test('parseHumanEpisode names the bad field of a malformed record', () => {
  const e = JSON.parse(JSON.stringify(episodes[0]));
  e.actions[0] = 7;
  assert.throws(
    () => parseHumanEpisode(e, 'x.jsonl:1'),
    /x\.jsonl:1: field 'actions\[0\]' must be an integer in 0\.\.1/,
  );
});
