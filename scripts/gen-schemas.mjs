// Writes schemas/*.schema.json from the TypeBox schemas in src (run after `tsc`; `npm run schemas` does both).
// test/shared/config/published.test.ts fails when a committed file is out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { PUBLISHED_SCHEMAS, toJsonSchema } = await import(join(root, 'dist/src/shared/config/published.js'));
const dir = join(root, 'schemas');
mkdirSync(dir, { recursive: true });
const options = { ...(await prettier.resolveConfig(join(dir, 'x.json'))), parser: 'json' };
for (const [file, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
  const text = await prettier.format(JSON.stringify(toJsonSchema(schema)), options);
  writeFileSync(join(dir, file), text);
  console.log(`schemas/${file}`);
}
