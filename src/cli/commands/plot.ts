import type { Command } from 'commander';
import { replotExperiment } from '../../experiments/replot.js';

/** `evoscale plot <dir>`: re-renders an experiment's figures and report from its saved results. */
export function registerPlotCommand(program: Command): void {
  program
    .command('plot')
    .description(
      "Re-render an experiment's figures (SVG + PNG), aggregate.json and report.md from its saved results, without training",
    )
    .argument('<dir>', 'an experiment folder written by `evoscale run`, e.g. results/exp1')
    .action(async (dir: string) => {
      const r = await replotExperiment(dir);
      process.stdout.write(`${r.experiment}: figures and report re-rendered in ${r.dir}\n`);
    });
}
