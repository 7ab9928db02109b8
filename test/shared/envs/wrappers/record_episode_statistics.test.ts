import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../../src/shared/envs/registry.js';
import {
  RecordEpisodeStatistics,
  type EpisodeStatistics,
} from '../../../../src/shared/envs/wrappers/record_episode_statistics.js';
import { TimeLimit } from '../../../../src/shared/envs/wrappers/time_limit.js';
import { fixture, resetOptions } from './fixture.js';

describe("RecordEpisodeStatistics reports info.episode as Gymnasium 1.x's", () => {
  fixture.record_episode_statistics.forEach((c, k) => {
    it(`${c.env} case ${k}: {r, l} at the step that ends each episode, nothing before; queues and count`, () => {
      const env = new RecordEpisodeStatistics(make(c.env), { bufferLength: c.buffer_length });
      for (const ep of c.episodes) {
        env.reset(resetOptions(ep));
        ep.actions.forEach((a, t) => {
          const { info } = env.step(a);
          const want = ep.episode[t];
          if (want === null) assert.equal('episode' in info, false, `no info.episode at step ${t}`);
          else {
            const got = info.episode as EpisodeStatistics;
            assert.equal(got.r, want.r);
            assert.equal(got.l, want.l);
          }
        });
      }
      assert.equal(env.episodeCount, c.episode_count);
      assert.deepEqual(env.returnQueue, c.return_queue);
      assert.deepEqual(env.lengthQueue, c.length_queue);
    });
  });

  it('measures t with the clock it is given, in seconds rounded to microseconds', () => {
    let now = 10;
    const env = new RecordEpisodeStatistics(new TimeLimit(make('CartPole-v1'), 3), { clock: () => now });
    env.reset({ seed: 0 });
    now = 10.25;
    env.step(0);
    env.step(1);
    now = 11.1234567;
    const { info } = env.step(0);
    assert.deepEqual(info.episode, { r: 3, l: 3, t: 1.123457 });
    assert.deepEqual(env.timeQueue, [1.123457]);
  });

  it('refuses to overwrite an info key it did not write (e.g. the wrapper applied twice)', () => {
    const env = new RecordEpisodeStatistics(new RecordEpisodeStatistics(new TimeLimit(make('CartPole-v1'), 1)));
    env.reset({ seed: 0 });
    assert.throws(() => env.step(0), /info already has a 'episode' key/);
  });
});
