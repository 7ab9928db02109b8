// The layering rule of `npm run check` (docs/ARCHITECTURE.md draws the picture). A module may import its own
// layer or any layer of a lower rank, never a higher one or a sibling of the same rank, and no import chain may come
// back to where it started. Type-only imports count too: a type that lives above its user is an upward arrow.

/** Layers from the bottom up; layers of one rank are siblings that do not import each other. */
const RANKS = [
  ['shared'],
  // Node-side building blocks every layer above may use: the atomic file writer, the thread starter, the config
  // file reader.
  ['platform', 'config'],
  ['data', 'metrics', 'plots', 'media'],
  ['worker'],
  ['trials'],
  ['cluster'],
  ['coordinator'],
  ['experiments', 'collect'],
  ['cli'],
];

const rankOf = new Map(RANKS.flatMap((layers, rank) => layers.map((layer) => [layer, rank])));
const below = (rank) => RANKS.slice(0, rank).flat();

const layerRules = [...rankOf].map(([layer, rank]) => ({
  name: `layer-${layer}`,
  comment:
    `src/${layer} may import only ${[layer, ...below(rank)].map((l) => `src/${l}`).join(', ')}: ` +
    'move the imported code down to a layer both can use, or move this code up.',
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: '^src/', pathNot: `^src/(${[layer, ...below(rank)].join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: break it by moving the shared code (often a type) into a module both can import.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'layer-unknown',
      comment: 'Every folder under src/ belongs to a layer: add it to RANKS in .dependency-cruiser.mjs.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: `^src/(${[...rankOf.keys()].join('|')})/` },
      to: {},
    },
    {
      name: 'browser-entry',
      comment: 'src/index.ts is the browser-safe entry point: it may re-export src/shared only.',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'shared-is-pure',
      comment: 'src/shared runs in browsers: no Node built-ins (node:fs, node:path, …); do the I/O in src/data.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'A relative import that resolves to no file (the rules above would not see it): fix the path.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true, path: '^[.]' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
