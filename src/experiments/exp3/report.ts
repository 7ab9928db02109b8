/** Experiment 3's outputs: three figures per participant × env, aggregate.json, and report.md with the answers. */
import { join } from 'node:path';
import { exp3AggregateReturns, exp3ClImpact, exp3Violins } from '../../plots/exp3.js';
import { renderVegaLite } from '../../plots/render.js';
import { markdownTable } from '../aggregate.js';
import type { runEnvironment } from '../environment.js';
import { writeFileAtomic, writeJsonAtomic } from '../../platform/atomic_file.js';
import { envTag, type Exp3Config } from './config.js';
import { departuresSection, exp3Departures } from '../protocol_departures.js';
import type { Exp3ModelResult, Exp3PairResult } from './results.js';

const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const pct = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)}%` : 'n/a');
const pp = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)} pp` : 'n/a');
const fp = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
const meanOf = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/** Gain of adding CL inputs for one base method: drop of |% difference| in percentage points (> 0 = closer). */
export interface ClGain {
  participant: string;
  envId: string;
  baseMethod: string;
  noCl: number;
  withCl: number;
  gainPp: number;
  testLossNoCl: number;
  testLossWithCl: number;
  testF1NoCl: number;
  testF1WithCl: number;
}

/** Pairs every base method's no-CL and with-CL results. */
export function clGains(pairs: readonly Exp3PairResult[]): ClGain[] {
  return pairs.flatMap((p) => {
    const bases = [...new Set(p.models.map((m) => m.baseMethod))];
    return bases.flatMap((b) => {
      const no = p.models.find((m) => m.baseMethod === b && !m.withCl);
      const w = p.models.find((m) => m.baseMethod === b && m.withCl);
      if (!no || !w) return [];
      return [
        {
          participant: p.participant,
          envId: p.envId,
          baseMethod: b,
          noCl: no.pctDiff,
          withCl: w.pctDiff,
          gainPp: Math.abs(no.pctDiff) - Math.abs(w.pctDiff),
          testLossNoCl: no.testLoss,
          testLossWithCl: w.testLoss,
          testF1NoCl: no.testMacroF1,
          testF1WithCl: w.testMacroF1,
        },
      ];
    });
  });
}

function modelTable(p: Exp3PairResult): string {
  const sorted = [...p.models].sort((a, b) => Math.abs(a.pctDiff) - Math.abs(b.pctDiff));
  return markdownTable(
    [
      'model',
      'mean return ± sd',
      '% diff from human',
      'Mann–Whitney U',
      'p (two-sided)',
      'sig.',
      'KS D',
      'KS p',
      'test macro-F1',
      'test CE',
      'steps / gens',
      'train s',
    ],
    [
      [
        'human (test runs)',
        `${f1(p.humanMeanReturn)} ± ${f1(sd(p.humanReturns))}`,
        '0%',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
      ],
      ...sorted.map((m: Exp3ModelResult) => [
        m.variant,
        `${f1(m.meanReturn)} ± ${f1(m.stdReturn)}`,
        pct(m.pctDiff),
        m.mannWhitneyU.toFixed(1),
        fp(m.pValue),
        m.marker || '–',
        // Results written before the KS statistic was added have none.
        m.ksStatistic !== undefined ? f3(m.ksStatistic) : 'n/a',
        m.ksPValue !== undefined ? fp(m.ksPValue) : 'n/a',
        f3(m.testMacroF1),
        f3(m.testLoss),
        m.steps,
        m.wallSeconds.toFixed(1),
      ]),
    ],
  );
}

function sd(xs: readonly number[]): number {
  const m = meanOf(xs);
  return xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
}

function insights(pairs: readonly Exp3PairResult[], gains: readonly ClGain[]): string {
  const out: string[] = [];
  const better = gains.filter((g) => g.gainPp > 0).length;
  const lossBetter = gains.filter((g) => g.testLossWithCl < g.testLossNoCl).length;
  const f1Better = gains.filter((g) => g.testF1WithCl > g.testF1NoCl).length;
  out.push(
    `**1. Does providing continual-learning information (session/run) improve model fit to human behaviour?** ` +
      `Adding the two inputs brought the model's mean return closer to the human's in ${better} of ${gains.length} ` +
      `(participant × env × method) comparisons, by ${pp(meanOf(gains.map((g) => g.gainPp)))} on average ` +
      `(median ${pp(median(gains.map((g) => g.gainPp)))}). On the held-out runs it lowered the test cross-entropy in ` +
      `${lossBetter} of ${gains.length} and raised test macro-F1 in ${f1Better} of ${gains.length} ` +
      `(mean test CE ${f3(meanOf(gains.map((g) => g.testLossNoCl)))} → ${f3(meanOf(gains.map((g) => g.testLossWithCl)))}, ` +
      `macro-F1 ${f3(meanOf(gains.map((g) => g.testF1NoCl)))} → ${f3(meanOf(gains.map((g) => g.testF1WithCl)))}).`,
  );
  const bases = [...new Set(gains.map((g) => g.baseMethod))];
  out.push(
    `**2. Does the impact of CL information differ between deep learning and neuroevolution?** ` +
      bases
        .map((b) => {
          const gs = gains.filter((g) => g.baseMethod === b);
          return `${b}: closer in ${gs.filter((g) => g.gainPp > 0).length}/${gs.length}, mean ${pp(meanOf(gs.map((g) => g.gainPp)))}, test CE ${f3(meanOf(gs.map((g) => g.testLossNoCl)))} → ${f3(meanOf(gs.map((g) => g.testLossWithCl)))}`;
        })
        .join('; ') +
      '.',
  );
  const envs = [...new Set(gains.map((g) => g.envId))];
  const byEnv = envs
    .map((e) => ({ e, gs: gains.filter((g) => g.envId === e) }))
    .map(({ e, gs }) => ({
      e,
      gain: meanOf(gs.map((g) => g.gainPp)),
      ce: meanOf(gs.map((g) => g.testLossNoCl - g.testLossWithCl)),
    }))
    .sort((a, b) => b.gain - a.gain);
  out.push(
    `**3. Which environments show the strongest effect of CL information?** By mean gain in closeness to the human: ` +
      byEnv
        .map((r) => `${r.e} ${pp(r.gain)} (test CE ${r.ce >= 0 ? '−' : '+'}${Math.abs(r.ce).toFixed(3)})`)
        .join(', ') +
      '.',
  );
  const temporal = pairs.flatMap((p) =>
    p.models
      .filter((m) => m.temporal)
      .map((m) => ({
        p,
        m,
        human: p.humanSessionMeans[p.humanSessionMeans.length - 1] - p.humanSessionMeans[0],
        model: m.temporal!.lastSession - m.temporal!.firstSession,
      })),
  );
  const sameSign = temporal.filter((t) => Math.sign(t.human) === Math.sign(t.model) && t.model !== 0).length;
  out.push(
    `**4. Do models trained with CL info better capture the temporal dynamics of human learning?** A no-CL model plays ` +
      `the same way whatever the session, so its learning curve is flat by construction. Playing each with-CL model ` +
      `as if in the first session (session input −1) and in the last (+1), its return changed in the same direction ` +
      `as the human's first-to-last-session change in ${sameSign} of ${temporal.length} cases:\n\n` +
      markdownTable(
        ['participant', 'env', 'model', 'human: first → last session', 'model: session −1 → +1'],
        temporal.map((t) => [
          t.p.participant,
          t.p.envId,
          t.m.variant,
          `${f1(t.p.humanSessionMeans[0])} → ${f1(t.p.humanSessionMeans[t.p.humanSessionMeans.length - 1])} (${t.human >= 0 ? '+' : ''}${f1(t.human)})`,
          `${f1(t.m.temporal!.firstSession)} → ${f1(t.m.temporal!.lastSession)} (${t.model >= 0 ? '+' : ''}${f1(t.model)})`,
        ]),
      ),
  );
  return out.join('\n\n');
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Renders the figures of every pair and writes aggregate.json and report.md into `dir`. */
export async function writeExp3Outputs(
  dir: string,
  cfg: Exp3Config,
  source: string,
  pairs: readonly Exp3PairResult[],
  env: ReturnType<typeof runEnvironment>,
  command: string,
): Promise<void> {
  const synthetic = pairs.some((p) => p.synthetic);
  const label = synthetic ? ' — SYNTHETIC players' : '';
  const sections: string[] = [];
  for (const p of pairs) {
    const tag = `${p.participant}_${envTag(p.envId)}`;
    const who = `${p.participant}, ${p.envId}${label}`;
    await renderVegaLite(
      exp3AggregateReturns(
        p.models.map((m) => ({
          method: m.variant,
          withCl: m.withCl,
          pctDiff: m.pctDiff,
          pctDiffStd: m.pctDiffStd,
          marker: m.marker,
        })),
        { title: `Mean return vs the human — ${who}` },
      ),
      join(dir, 'plots', `${tag}_aggregate`),
    );
    const bases = [...new Set(p.models.map((m) => m.baseMethod))];
    await renderVegaLite(
      exp3ClImpact(
        bases.map((b) => ({
          baseMethod: b,
          noCl: p.models.find((m) => m.baseMethod === b && !m.withCl)?.pctDiff ?? Number.NaN,
          withCl: p.models.find((m) => m.baseMethod === b && m.withCl)?.pctDiff ?? Number.NaN,
        })),
        { title: `Impact of CL inputs — ${who}` },
      ),
      join(dir, 'plots', `${tag}_cl_impact`),
    );
    await renderVegaLite(
      exp3Violins(
        [
          { who: `human (${p.participant})`, returns: p.humanReturns },
          ...p.models.map((m) => ({ who: m.variant, returns: m.returns })),
        ],
        {
          title: `Episode returns on the ${p.testEpisodes} test seeds — ${who}`,
        },
      ),
      join(dir, 'plots', `${tag}_violins`),
    );
    sections.push(`### ${p.participant} · ${p.envId}${synthetic ? ' (synthetic)' : ''}

${p.episodes} episodes in ${p.sessions} sessions; ${p.trainEpisodes} optimisation runs (${p.trainRows} steps), ${p.testEpisodes} test runs (${p.testRows} steps).
Human mean return per session: ${p.humanSessionMeans.map(f1).join(', ')}. With-CL models play at the test set's median session/run values (${p.medianCl.session.toFixed(3)}, ${p.medianCl.run.toFixed(3)}).

![aggregate](plots/${tag}_aggregate.png)
![CL impact](plots/${tag}_cl_impact.png)
![violins](plots/${tag}_violins.png)

${modelTable(p)}
`);
  }
  const gains = clGains(pairs);
  const departures = exp3Departures(
    cfg,
    synthetic,
    pairs.map((p) => p.envId),
  );
  writeJsonAtomic(join(dir, 'aggregate.json'), {
    synthetic,
    source,
    config: cfg,
    pairs,
    clGains: gains,
    protocolDepartures: departures,
    environment: env,
  });
  const warning = synthetic
    ? `> **SYNTHETIC DATA.** Every episode here was played by evoscale's simulated participants (\`evoscale dataset synth-human\`), not by people: a built-in expert mixed with reaction delay, key holding and noise, with skill that rises across sessions and falls with fatigue within a session. The numbers test the pipeline and show what the analysis can detect; they say nothing about real human behaviour.\n`
    : '';
  writeFileAtomic(
    join(dir, 'report.md'),
    `# Experiment 3: on the value of giving continual-learning information${synthetic ? ' (synthetic players)' : ''}

${warning}
Data: ${source}. Sessions: an episode starting at least ${cfg.gapMinutes} minutes after the previous one's start opens a new session; session and run numbers are mapped to evenly spaced values in [−1, 1] and appended to the observation (obs_dim + 2) for the \`_with_cl\` models.
Split: the last runs of each session are held out, ${Math.round(cfg.testFraction * 100)}% of all runs in total (largest-remainder share per session).
Models: obs_dim (+2 with CL) → 50 tanh → actions (experiment 2's network); methods ${cfg.methods.join(', ')} (experiment 2's settings), ${cfg.sgdSteps} SGD steps / ${cfg.neGenerations} GA generations per trial, seed ${cfg.seed}.
Matched episodes: each model plays the human's test seeds once, actions ${cfg.policy === 'sample' ? 'sampled from its softmax' : 'by argmax'}. % difference = (model − human)/|human| × 100 of the mean returns (error bars: sd across episodes); two-sided Mann–Whitney U against the human's returns (*** p < 0.001, ** p < 0.005). With few test episodes the test has little power: with 5 episodes each, no difference can reach p < 0.005.

${departuresSection(departures)}
## Expected insights${departures.length > 0 ? ' (provisional: see the departures above)' : ''}

${insights(pairs, gains)}

## Per participant × environment

${sections.join('\n')}
## Environment
- evoscale ${env.evoscale}, Node ${env.node}, ${env.platform}
- CPU: ${env.cpu} (${env.cores} cores); backend: ${env.backend}; trials run one after another in this process

## Reproduce
\`\`\`sh
${command}
\`\`\`
`,
  );
}
