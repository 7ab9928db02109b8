// The browser app's pure parts, run in Node: key mapping, episode recording, and the outbox that keeps episodes
// until the server acknowledges them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envSpec } from '../../src/shared/envs/registry.js';
import { LunarLander } from '../../src/shared/envs/lunar_lander.js';
import { parseHumanEpisode } from '../../src/shared/human/episode.js';
import { replayEpisode } from '../../src/shared/human/replay.js';
import {
  COLLECT_ENV_IDS,
  GAME_KEYS,
  HeldKeys,
  chooseAction,
  controlsFor,
  isGameKey,
} from '../../src/collect/client/controls.js';
import { EpisodeRecorder } from '../../src/collect/client/recorder.js';
import { MemoryOutboxStore, Outbox, type SubmitResponse } from '../../src/collect/client/outbox.js';
import { make } from '../../src/shared/envs/registry.js';
import { lcg, playEpisode } from './helpers/episodes.js';

test('the app offers the four games of the study', () => {
  assert.deepEqual([...COLLECT_ENV_IDS].sort(), ['Acrobot-v1', 'CartPole-v1', 'LunarLander-v3', 'MountainCar-v0']);
});

test('every action of every game can be played from the arrow keys or by holding none', () => {
  for (const id of COLLECT_ENV_IDS) {
    const c = controlsFor(id);
    const reachable = new Set(Object.values(c.actions));
    if (c.idle !== 'last') reachable.add(c.idle);
    const n = envSpec(id).nActions;
    assert.deepEqual(
      [...reachable].sort(),
      Array.from({ length: n }, (_, i) => i),
      id,
    );
    for (const k of [...Object.keys(c.actions), ...c.startKeys]) assert.ok(isGameKey(k), `${id}: ${k}`);
  }
});

test('with no key held the game takes its no-op: Acrobot no torque, MountainCar no push, LunarLander no engine', () => {
  assert.equal(chooseAction(controlsFor('Acrobot-v1'), [], 0), 1);
  assert.equal(chooseAction(controlsFor('MountainCar-v0'), [], 2), 1);
  assert.equal(chooseAction(controlsFor('LunarLander-v3'), [], 2), 0);
});

test('CartPole, which has no no-op, keeps pushing the way of the last arrow when none is held', () => {
  const c = controlsFor('CartPole-v1');
  assert.equal(chooseAction(c, [], 0), 0);
  assert.equal(chooseAction(c, [], 1), 1);
  assert.deepEqual(c.startKeys, ['ArrowLeft', 'ArrowRight'], 'an episode starts on an arrow, which sets the push');
  assert.throws(() => chooseAction(c, [], null), /start the episode with an arrow key/);
});

test('arrows map to the env actions: left/right push or torque, up fires the main engine', () => {
  assert.equal(chooseAction(controlsFor('CartPole-v1'), ['ArrowLeft'], null), 0);
  assert.equal(chooseAction(controlsFor('CartPole-v1'), ['ArrowRight'], null), 1);
  assert.equal(chooseAction(controlsFor('Acrobot-v1'), ['ArrowLeft'], null), 0);
  assert.equal(chooseAction(controlsFor('Acrobot-v1'), ['ArrowRight'], null), 2);
  assert.equal(chooseAction(controlsFor('MountainCar-v0'), ['ArrowLeft'], null), 0);
  assert.equal(chooseAction(controlsFor('MountainCar-v0'), ['ArrowRight'], null), 2);
  assert.equal(chooseAction(controlsFor('LunarLander-v3'), ['ArrowLeft'], null), 1);
  assert.equal(chooseAction(controlsFor('LunarLander-v3'), ['ArrowUp'], null), 2);
  assert.equal(chooseAction(controlsFor('LunarLander-v3'), ['ArrowRight'], null), 3);
});

test('with several keys held the most recently pressed one that acts in the game wins', () => {
  const keys = new HeldKeys();
  keys.press('ArrowLeft');
  keys.press('ArrowUp');
  keys.press('ArrowLeft'); // auto-repeat: keeps its original place
  assert.equal(chooseAction(controlsFor('LunarLander-v3'), keys.held(), null), 2);
  keys.press('ArrowDown'); // acts in no game: ignored
  assert.equal(chooseAction(controlsFor('LunarLander-v3'), keys.held(), null), 2);
  keys.release('ArrowUp');
  assert.equal(chooseAction(controlsFor('LunarLander-v3'), keys.held(), null), 1);
  keys.clear();
  assert.deepEqual(keys.held(), []);
  assert.deepEqual([...GAME_KEYS].sort(), ['ArrowDown', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'Space']);
});

test('an episode recorded by the app is a valid HumanEpisode that replays bit-exactly, for every game', () => {
  for (const id of COLLECT_ENV_IDS) {
    const ep = playEpisode(id, 123, { participant: 'alice' });
    const roundTripped = parseHumanEpisode(JSON.parse(JSON.stringify(ep)), id);
    assert.deepEqual(replayEpisode(roundTripped), { ok: true }, id);
    assert.equal(roundTripped.synthetic, false);
    assert.equal(roundTripped.participant, 'alice');
    assert.equal(roundTripped.observations.length, roundTripped.actions.length + 1);
  }
});

test('the recorder keeps step times non-decreasing and refuses to finish an unfinished episode', () => {
  const rec = new EpisodeRecorder(make('MountainCar-v0'), {
    id: 'x',
    participant: 'p',
    seed: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
  });
  rec.step(1, 10);
  rec.step(1, 5); // a clock that stepped back
  assert.throws(() => rec.finish(), /not over yet/);
  while (!rec.done) rec.step(0, 40);
  const ep = rec.finish();
  assert.deepEqual(ep.timestamps.slice(0, 3), [10, 10, 40]);
  assert.equal(ep.truncated, true);
  assert.throws(() => rec.step(0, 50), /episode is over/);
});

test('LunarLander played with exhaust particles on screen replays exactly without them (as the server does)', () => {
  for (let seed = 0; seed < 12; seed++) {
    const rand = lcg(seed);
    // Held keys as people press them: runs of one action, the engines used a lot.
    let action = 0;
    const rec = new EpisodeRecorder(new LunarLander({ particles: true }), {
      id: `ll-${seed}`,
      participant: 'p',
      seed: 1000 + seed,
      startedAt: '2025-01-01T00:00:00.000Z',
    });
    for (let t = 0; !rec.done; t++) {
      if (rand() < 0.1) action = Math.floor(rand() * 4);
      rec.step(action, t * 20);
    }
    assert.deepEqual(replayEpisode(rec.finish()), { ok: true }, `seed ${seed}`);
  }
});

function fakeServer(answers: (SubmitResponse | 'down')[]): {
  submit: (json: string) => Promise<SubmitResponse>;
  received: string[];
} {
  const received: string[] = [];
  return {
    received,
    submit: async (json) => {
      const a = answers.length > 1 ? answers.shift() : answers[0];
      if (a === 'down' || a === undefined) throw new TypeError('fetch failed');
      received.push((JSON.parse(json) as { id: string }).id);
      return a;
    },
  };
}

test('an episode stays in the outbox while the server is unreachable and leaves it once acknowledged', async () => {
  const store = new MemoryOutboxStore();
  const server = fakeServer(['down']);
  const outbox = new Outbox(store, (j) => server.submit(j));
  await outbox.add(playEpisode('CartPole-v1', 1));
  const failed = await outbox.flush();
  assert.match(failed.error ?? '', /unreachable/);
  assert.deepEqual(await outbox.counts(), { pending: 1, rejected: 0 });
  // A new page (same storage) sends it once the server is back.
  const back = fakeServer([{ status: 201, body: { status: 'stored' } }]);
  const again = new Outbox(store, (j) => back.submit(j));
  const ok = await again.flush();
  assert.equal(ok.error, undefined);
  assert.deepEqual(
    ok.acked.map((a) => a.id),
    ['test-CartPole-v1-1'],
  );
  assert.deepEqual(await again.counts(), { pending: 0, rejected: 0 });
});

test('a server error (5xx) keeps the episode for a later retry', async () => {
  const store = new MemoryOutboxStore();
  const outbox = new Outbox(store, fakeServer([{ status: 503, body: { error: 'busy' } }]).submit);
  await outbox.add(playEpisode('CartPole-v1', 2));
  const r = await outbox.flush();
  assert.match(r.error ?? '', /503: busy/);
  assert.deepEqual(await outbox.counts(), { pending: 1, rejected: 0 });
});

test('an episode the server refuses for good is kept aside with its reason and not resent', async () => {
  const store = new MemoryOutboxStore();
  const server = fakeServer([{ status: 422, body: { error: 'does not replay: rewards[3]' } }]);
  const outbox = new Outbox(store, server.submit);
  await outbox.add(playEpisode('CartPole-v1', 3));
  const r = await outbox.flush();
  assert.deepEqual(r.rejected, [{ id: 'test-CartPole-v1-3', status: 422, message: 'does not replay: rewards[3]' }]);
  await outbox.flush();
  assert.equal(server.received.length, 1);
  assert.deepEqual(await outbox.counts(), { pending: 0, rejected: 1 });
  assert.deepEqual(await outbox.rejections(), r.rejected);
  const kept = JSON.parse([...store.entries.values()][0]) as { episode: string };
  assert.equal((JSON.parse(kept.episode) as { id: string }).id, 'test-CartPole-v1-3');
});

test('pending episodes are sent oldest first, and concurrent flushes send each once', async () => {
  const store = new MemoryOutboxStore();
  const server = fakeServer([{ status: 201, body: {} }]);
  const outbox = new Outbox(store, server.submit);
  for (const seed of [30, 10, 20]) await outbox.add(playEpisode('MountainCar-v0', seed)); // startedAt second = seed
  await Promise.all([outbox.flush(), outbox.flush(), outbox.flush()]);
  assert.deepEqual(server.received, ['test-MountainCar-v0-10', 'test-MountainCar-v0-20', 'test-MountainCar-v0-30']);
});
