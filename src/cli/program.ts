import { Command } from 'commander';
import { registerRolloutCommand } from './commands/rollout.js';
import { registerDatasetCommands } from './commands/dataset.js';
import { registerRunCommand } from './commands/run.js';

/** Builds the commander program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('evoscale')
    .description('Scaling-law analyses of behaviour cloning: deep learning vs neuroevolution.')
    .showHelpAfterError();
  registerRolloutCommand(program);
  registerDatasetCommands(program);
  registerRunCommand(program);
  return program;
}
