/** Randomness: the counter-based generator behind every draw of a run, and NumPy's generator for Gymnasium's envs. */
export { CounterRng, RngPurpose, counterRngUsesWasm, philox4x32_10 } from './philox.js';
export type { RngPurposeName } from './philox.js';
export { NumpyGenerator, PCG64, SeedSequence, npRandom, npRandomSeeded } from './numpy.js';
export type { PCG64State } from './numpy.js';
