import { Command } from 'commander';
import { registerRolloutCommand } from './commands/rollout.js';
import { registerDatasetCommands } from './commands/dataset.js';
import { registerRunCommand } from './commands/run.js';
import { registerCoordinatorCommand } from './commands/coordinator.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerSweepCommand } from './commands/sweep.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerPlotCommand } from './commands/plot.js';
import { registerCollectCommand } from './commands/collect.js';

/** Builds the commander program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('evoscale')
    .description('Scaling-law analyses of behaviour cloning: deep learning vs neuroevolution.')
    .showHelpAfterError();
  registerRunCommand(program);
  registerPlotCommand(program);
  registerDatasetCommands(program);
  registerRolloutCommand(program);
  registerCoordinatorCommand(program);
  registerWorkerCommand(program);
  registerSweepCommand(program);
  registerKeysCommand(program);
  registerCollectCommand(program);
  return program;
}
