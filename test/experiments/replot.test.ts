/** `evoscale plot`: figures and reports re-rendered from saved results are those the run wrote. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EXP1_DEFAULTS, runExp1 } from '../../src/experiments/exp1.js';
import { createProgress } from '../../src/experiments/progress.js';
import { replotExperiment } from '../../src/experiments/replot.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-replot-'));
process.env.EVOSCALE_CACHE = join(root, 'cache');
after(() => rmSync(root, { recursive: true, force: true }));
const quiet = createProgress(1, { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);

describe('evoscale plot <results dir>', () => {
  it('re-renders exactly the report and figures the run wrote, and refuses unfinished results', async () => {
    const cfg = {
      ...EXP1_DEFAULTS,
      sizes: [100],
      seeds: [0, 1],
      testSize: 300,
      epochs: 2,
      generations: 2,
      evalEpisodes: 1,
      datasetSteps: 2000,
    };
    const { dir } = await runExp1(cfg, {
      out: root,
      resume: false,
      workers: 0,
      progress: quiet,
      command: 'the command',
    });
    const read = (): Record<string, string> =>
      Object.fromEntries(
        [
          'report.md',
          ...readdirSync(join(dir, 'plots'))
            .filter((f) => f.endsWith('.svg'))
            .map((f) => `plots/${f}`),
        ].map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
      );
    const before = read();
    rmSync(join(dir, 'plots'), { recursive: true });
    rmSync(join(dir, 'report.md'));
    const r = await replotExperiment(dir);
    assert.equal(r.experiment, 'exp1');
    assert.deepEqual(read(), before);
    assert.match(before['report.md'], /the command/);

    rmSync(join(dir, 'trials', readdirSync(join(dir, 'trials'))[0], 'summary.json'));
    await assert.rejects(replotExperiment(dir), /not finished .* --resume/);
    await assert.rejects(replotExperiment(join(root, 'nowhere')), /experiment\.json is missing/);
  });
});
