import { Command } from 'commander';

/** Builds the commander program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('evoscale')
    .description('Scaling-law analyses of behaviour cloning: deep learning vs neuroevolution.')
    .showHelpAfterError();
  return program;
}
