#!/usr/bin/env node
/** The `evoscale` command. */
import { buildProgram } from './program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`evoscale: ${message}\n`);
    process.exit(1);
  });
