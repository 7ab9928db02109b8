import type { Command } from 'commander';
import { BACKEND_NAMES } from '../../worker/engine/backends.js';
import { addCoordinatorOptions, coordinatorAction, type CoordinatorFlags } from './coordinator.js';

/** `evoscale sweep <file>`: a grid of trials, on embedded threads or remote workers (--bind); resumable. */
export function registerSweepCommand(program: Command): void {
  const cmd = program
    .command('sweep')
    .description(
      'Run a grid of trials (experiment × method × dataset × fraction/size × seed) from a JSON/YAML file; ' +
        'finished trials (summary.json present) are never re-run, so rerunning resumes',
    )
    .argument(
      '<file>',
      'sweep file: { out?, grid: { experiment, method, dataset, fraction, size, seed }, settings?: { exp1?, exp2? } }',
    );
  cmd.option(
    '--backend <name>',
    `where every trial's SGD steps and NE fitness run: ${BACKEND_NAMES.join(' | ')} ` +
      "(overrides the file's settings; default: the settings' backend, else cpu)",
  );
  addCoordinatorOptions(cmd).action(
    (file: string, flags: Omit<CoordinatorFlags, 'sweep' | 'run' | 'placement' | 'checkpointEvery' | 'resume'>) =>
      coordinatorAction({ ...flags, sweep: file, placement: 'auto', checkpointEvery: '10', resume: true }),
  );
}
