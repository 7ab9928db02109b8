/**
 * The thinned series a trial's fitness history is kept in: bounded, entry i is always step i × every, and a series
 * rebuilt from its saved fields (a resumed trial) goes on exactly as one that never stopped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pushThinned, thinnedSeries, THINNED_SERIES_CAP } from '../../../src/shared/stats/thinned_series.js';

describe('thinned series', () => {
  for (const cap of [2, 3, 7, 8, 100]) {
    it(`keeps at most ${cap} entries, entry i being the value of step i × every`, () => {
      const s = thinnedSeries();
      for (let step = 0; step < 5000; step++) {
        pushThinned(s, step * 10, cap);
        assert.ok(s.values.length <= cap, `${s.values.length} entries after step ${step}`);
        assert.equal(s.seen, step + 1);
        // Every kept entry is the value of its step, and none is missing between them.
        assert.equal(s.values.length, Math.floor(step / s.every) + 1);
        s.values.forEach((v, i) => assert.equal(v, i * s.every * 10));
      }
      assert.ok(s.values.length > cap / 2 - 1, 'it halves only when full');
    });
  }

  it('keeps every value while below the cap (stride 1), as the untruncated history did', () => {
    const s = thinnedSeries();
    for (let i = 0; i < 1000; i++) pushThinned(s, i);
    assert.equal(s.every, 1);
    assert.deepEqual(
      s.values,
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  it('resumed from its saved fields, it ends as a series that never stopped', () => {
    const whole = thinnedSeries();
    for (let i = 0; i < 3000; i++) pushThinned(whole, Math.sin(i), 16);
    const first = thinnedSeries();
    for (let i = 0; i < 1234; i++) pushThinned(first, Math.sin(i), 16);
    const saved = JSON.parse(JSON.stringify(first)) as typeof first;
    const resumed = thinnedSeries(saved.values, saved.every, saved.seen);
    for (let i = 1234; i < 3000; i++) pushThinned(resumed, Math.sin(i), 16);
    assert.deepEqual(resumed, whole);
  });

  it('a million-generation history stays a few thousand values (it travels in a bounded wire frame)', () => {
    const s = thinnedSeries();
    for (let i = 0; i < 1_500_000; i++) pushThinned(s, 0.5);
    assert.ok(s.values.length <= THINNED_SERIES_CAP);
    assert.ok(s.values.length >= THINNED_SERIES_CAP / 2);
  });

  it('refuses a cap below 2', () => {
    assert.throws(() => pushThinned(thinnedSeries(), 1, 1), /cap of at least 2/);
  });
});
