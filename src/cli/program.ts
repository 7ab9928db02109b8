import { Command } from 'commander';
import { evoscaleVersion } from '../platform/package_info.js';
import { registerRolloutCommand } from './commands/rollout.js';
import { registerDatasetCommands } from './commands/dataset.js';
import { registerRunCommand } from './commands/run.js';
import { registerCoordinatorCommand } from './commands/coordinator.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerSweepCommand } from './commands/sweep.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerPlotCommand } from './commands/plot.js';
import { registerCollectCommand } from './commands/collect.js';
import { registerLogOptions } from './logging.js';

/** `--cache-dir` → `EVOSCALE_CACHE_DIR`, `--no-resume` → `EVOSCALE_NO_RESUME`: a flag's environment variable. */
export function envVarOf(longFlag: string): string {
  return 'EVOSCALE_' + longFlag.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}

/**
 * Gives every option of every command its EVOSCALE_* variable (commander's `Option.env()`), so one place names them
 * all and a new flag gets one without anyone remembering to. A flag on the command line wins over the variable.
 */
function addEnvVars(cmd: Command): void {
  for (const opt of cmd.options) {
    if (opt.envVar === undefined && opt.long !== undefined && opt.long !== '--version' && opt.long !== '--help') {
      opt.env(envVarOf(opt.long));
      // commander subscribes to an option's variable only when it has one at addOption() time; these are added
      // afterwards, so subscribe the same way: the variable applies unless the flag was typed.
      cmd.on(`optionEnv:${opt.name()}`, (raw: string | undefined) => {
        const value = raw === undefined ? !opt.negate : opt.parseArg ? opt.parseArg(raw, undefined) : raw;
        cmd.setOptionValueWithSource(opt.attributeName(), value, 'env');
      });
    }
  }
  for (const sub of cmd.commands) addEnvVars(sub);
}

/** Builds the commander program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('evoscale')
    .description('Scaling-law analyses of behaviour cloning: deep learning vs neuroevolution.')
    .version(evoscaleVersion(), '-V, --version', 'print the version of evoscale and exit')
    .showHelpAfterError();
  registerLogOptions(program);
  registerRunCommand(program);
  registerPlotCommand(program);
  registerDatasetCommands(program);
  registerRolloutCommand(program);
  registerCoordinatorCommand(program);
  registerWorkerCommand(program);
  registerSweepCommand(program);
  registerKeysCommand(program);
  registerCollectCommand(program);
  addEnvVars(program);
  return program;
}
