import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FontFormatError, parseFontMetrics } from '../../src/plots/font_metrics.js';
import { figureFonts } from '../../src/plots/fonts.js';

test('the shipped DejaVu Sans is found and its widths scale with font size', () => {
  const m = parseFontMetrics(readFileSync(figureFonts().regular));
  const w10 = m.textWidth('Runtime (% of compute budget)', 10);
  assert.ok(w10 > 100 && w10 < 200, `width ${w10}`);
  assert.equal(m.textWidth('Runtime (% of compute budget)', 20), 2 * w10);
});

test('bold text is measured wider than regular', () => {
  const f = figureFonts();
  const text = 'Experiment 1: behaviour cloning';
  assert.ok(
    parseFontMetrics(readFileSync(f.bold)).textWidth(text, 15) >
      parseFontMetrics(readFileSync(f.regular)).textWidth(text, 15),
  );
});

test('a file that is not a font is rejected with FontFormatError', () => {
  assert.throws(
    () => parseFontMetrics(new TextEncoder().encode('<!doctype html><html></html>'), 'page.html'),
    FontFormatError,
  );
});
