/** What experiment 3 measured, shared by the run that produces it and the report and replot that read it. */
import type { HumanComparison } from './matched.js';

/** One model's outcome for one participant × env. */
export interface Exp3ModelResult extends HumanComparison {
  id: string;
  variant: string;
  baseMethod: string;
  withCl: boolean;
  returns: number[];
  testMacroF1: number;
  testLoss: number;
  testActionMatch: number;
  steps: number;
  wallSeconds: number;
  /** The backend that really trained this model (see TrialSummary.backend). */
  backend: string;
  /** With-CL models only: mean return when told it is the first session (−1) and the last (+1), run value 0. */
  temporal?: { firstSession: number; lastSession: number };
}

/** Everything experiment 3 measured for one participant × env. */
export interface Exp3PairResult {
  participant: string;
  envId: string;
  synthetic: boolean;
  episodes: number;
  sessions: number;
  trainEpisodes: number;
  testEpisodes: number;
  trainRows: number;
  testRows: number;
  testSeeds: number[];
  humanReturns: number[];
  humanMeanReturn: number;
  /** Mean human return per session (time order): the learning curve the CL inputs could capture. */
  humanSessionMeans: number[];
  medianCl: { session: number; run: number };
  models: Exp3ModelResult[];
}
