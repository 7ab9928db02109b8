import type { Command } from 'commander';
import { writeKeyFiles } from '../../coordinator/keys.js';

/** `evoscale keys generate`: a CURVE key pair for authenticating and encrypting coordinator ⇄ worker traffic. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Manage CURVE keys for encrypted, authenticated clusters');
  keys
    .command('generate')
    .description('Write <name>.key (public: give to workers) and <name>.key_secret (keep on the coordinator, mode 600)')
    .option('--out <dir>', 'folder for the key files', 'keys')
    .option('--name <name>', 'base name of the files', 'coordinator')
    .action((flags: { out: string; name: string }) => {
      const { publicFile, secretFile } = writeKeyFiles(flags.out, flags.name);
      process.stdout.write(
        `wrote ${publicFile} (public) and ${secretFile} (secret)\n` +
          `coordinator: evoscale coordinator --bind tcp://0.0.0.0:5555 --curve-secret ${secretFile} …\n` +
          `workers:     evoscale worker --connect tcp://<coordinator>:5555 --curve-server-key ${publicFile}\n`,
      );
    });
}
