/** Who is refused for how long: repeated offences earn a refusal that doubles each time and is forgotten later. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PeerGuard } from '../../src/coordinator/guard/peer_guard.js';
import { RateLimitedLog } from '../../src/cluster/net/rate_limited_log.js';

describe('peer guard', () => {
  it('counts the first offences, then refuses for 10 s, 20 s, 40 s … up to the maximum', () => {
    let now = 0;
    const g = new PeerGuard({ now: () => now, strikes: 3, baseMs: 10_000, maxMs: 60_000 });
    assert.equal(g.offence('p'), 0);
    assert.equal(g.offence('p'), 0);
    assert.equal(g.offence('p'), 10_000);
    assert.equal(g.refusedFor('p'), 10_000);
    now += 10_000;
    assert.equal(g.refusedFor('p'), 0);
    assert.deepEqual([g.punish('p'), g.punish('p'), g.punish('p')], [20_000, 40_000, 60_000]);
  });

  it('forgets a key that stayed clean, so an old offence does not weigh for ever', () => {
    let now = 0;
    const g = new PeerGuard({ now: () => now, forgetMs: 1000 });
    g.punish('p');
    now += 20_000;
    assert.equal(g.punish('p'), 10_000);
  });

  it('stays bounded under a flood of fresh keys', () => {
    const g = new PeerGuard({ maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) g.punish(`k${i}`);
    assert.ok(g.refusedCount() <= 100);
    assert.ok(g.refusedFor('k9999') > 0, 'the newest offender is remembered');
  });
});

describe('rate-limited log', () => {
  it('writes one line of a kind per interval and counts the ones held back', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new RateLimitedLog(
      (l) => lines.push(l),
      5000,
      () => now,
    );
    for (let i = 0; i < 1000; i++) log.write('malformed', `bad frame ${i}`);
    log.write('evicted', 'evicted w1');
    now += 5000;
    log.write('malformed', 'bad frame again');
    assert.deepEqual(lines, [
      'bad frame 0',
      'evicted w1',
      'bad frame again (999 more like it in the last 5 s not shown)',
    ]);
  });
});
