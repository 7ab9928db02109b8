/**
 * The scaling study's presets: `laptop` (the default) finishes offline on two cores in under 20 minutes; `workstation`
 * and `cluster` are the same study at the sizes a scaling law needs, meant for `--coordinator` with workers.
 */
import type { ScalingConfig, ScalingPreset } from '../../shared/config/scaling.js';

const COMMON = {
  datasets: ['cartpole'],
  activation: 'tanh',
  evalDecades: 3,
  testSize: 5000,
  epsilon: 0.01,
  backend: 'cpu',
} as const;

export const SCALING_PRESET_CONFIGS: Readonly<Record<ScalingPreset, ScalingConfig>> = {
  // 2 methods × 5 sizes × 4 widths × 3 seeds = 120 trials of 1e9 FLOPs each. Four capacities and five sizes are the
  // fewest that leave a three-parameter fit a point to spare; three seeds are the fewest a bootstrap over seeds needs.
  laptop: {
    ...COMMON,
    datasets: [...COMMON.datasets],
    methods: ['adam', 'ga_adaptive_ce'],
    sizes: [100, 300, 1000, 3000, 10000],
    widths: [4, 16, 64, 256],
    depths: [1],
    seeds: [0, 1, 2],
    trialFlops: 1e9,
    evalPoints: 12,
    episodes: 5,
  },
  workstation: {
    ...COMMON,
    datasets: [...COMMON.datasets],
    methods: ['sgd', 'adam', 'ga_adaptive_ce', 'es_adaptive_ce'],
    sizes: [100, 300, 1000, 3000, 10000, 30000, 100000],
    widths: [4, 8, 16, 32, 64, 128, 256],
    depths: [1, 2],
    seeds: [0, 1, 2],
    trialFlops: 1e11,
    evalPoints: 16,
    episodes: 10,
  },
  cluster: {
    ...COMMON,
    datasets: ['cartpole', 'lunarlander'],
    methods: [
      'sgd',
      'adam',
      'ga_fixed_ce',
      'ga_adaptive_ce',
      'ga_fixed_f1',
      'ga_adaptive_f1',
      'es_fixed_ce',
      'es_adaptive_ce',
      'es_fixed_f1',
      'es_adaptive_f1',
    ],
    sizes: [100, 300, 1000, 3000, 10000, 30000, 100000, 300000],
    widths: [4, 8, 16, 32, 64, 128, 256, 512],
    depths: [1, 2, 3],
    seeds: [0, 1, 2, 3, 4],
    trialFlops: 1e11,
    evalDecades: 4,
    evalPoints: 20,
    episodes: 20,
  },
};

/** A preset's configuration (a fresh copy the caller may change). */
export function scalingPreset(name: ScalingPreset): ScalingConfig {
  return structuredClone(SCALING_PRESET_CONFIGS[name]);
}
