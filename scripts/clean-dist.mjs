#!/usr/bin/env node
// Empties dist/ before `npm pack` builds it again, so a file whose source was deleted or renamed cannot ship
// in the package (the "files" globs in package.json would otherwise pick up anything left there).
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

rmSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'), { recursive: true, force: true });
