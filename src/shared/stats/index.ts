/** Statistics for results: means with t confidence intervals, the Mann–Whitney U test, special functions, saturating power-law fits (bootstrap CIs, forecast validation, credibility), the IsoFLOP frontier. */
export { mean, std, meanCi, meanCi95 } from './descriptive.js';
export type { MeanCi } from './descriptive.js';
export { mannWhitneyU, significanceMarker } from './mann_whitney.js';
export type { MannWhitneyResult } from './mann_whitney.js';
export { studentTCdf, studentTQuantile } from './student_t.js';
export { lnGamma, lnBeta, gammaP, gammaQ, incompleteBeta, normalCdf } from './special.js';
export { fitSaturatingPowerLaw, predictSaturating } from './power_law.js';
export type { SaturatingFit, SaturatingFitOptions } from './power_law.js';
export { bootstrapBand, bootstrapSaturatingFit, percentile } from './bootstrap_fit.js';
export type { BootstrapFitOptions, BootstrapInterval, CurveGroup, SaturatingBootstrap } from './bootstrap_fit.js';
export { credibility, forecastValidation, meansByX } from './fit_checks.js';
export type { Credibility, CredibilityOptions, ForecastValidation } from './fit_checks.js';
export { fitJointPowerLaw, predictJoint } from './joint_power_law.js';
export type { JointFit, JointFitOptions } from './joint_power_law.js';
export { isoFlopFrontier } from './isoflop.js';
export type { IsoFlopBudget, IsoFlopFrontier, IsoFlopOptions, IsoFlopPoint } from './isoflop.js';
export { boundedLevenbergMarquardt } from './least_squares.js';
export type { BoundedLmOptions, LeastSquaresProblem, LeastSquaresResult } from './least_squares.js';
