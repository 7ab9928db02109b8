/** Statistics for results: means with t confidence intervals, the Mann–Whitney U test, special functions. */
export { mean, std, meanCi, meanCi95 } from './descriptive.js';
export type { MeanCi } from './descriptive.js';
export { mannWhitneyU, significanceMarker } from './mann_whitney.js';
export type { MannWhitneyResult } from './mann_whitney.js';
export { ksTwoSample } from './kolmogorov_smirnov.js';
export type { KsResult } from './kolmogorov_smirnov.js';
export { studentTCdf, studentTQuantile } from './student_t.js';
export { lnGamma, lnBeta, gammaP, gammaQ, incompleteBeta, normalCdf } from './special.js';
