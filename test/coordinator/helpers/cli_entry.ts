/**
 * The `evoscale` runtime commands for the multi-process tests: coordinator, worker, sweep, keys and run on a
 * commander program, as src/cli/program.ts registers them.
 */
import { Command } from 'commander';
import { registerCoordinatorCommand } from '../../../src/cli/commands/coordinator.js';
import { registerKeysCommand } from '../../../src/cli/commands/keys.js';
import { registerRunCommand } from '../../../src/cli/commands/run.js';
import { registerSweepCommand } from '../../../src/cli/commands/sweep.js';
import { registerWorkerCommand } from '../../../src/cli/commands/worker.js';
import { registerLogOptions } from '../../../src/cli/logging.js';

const program = new Command().name('evoscale').showHelpAfterError();
registerLogOptions(program);
registerCoordinatorCommand(program);
registerWorkerCommand(program);
registerSweepCommand(program);
registerKeysCommand(program);
registerRunCommand(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`evoscale: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
