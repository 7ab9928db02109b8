/**
 * Deterministic teachers for the classic-control envs: small hand-designed controllers that score well
 * above the thresholds the datasets need (see test/shared/experts).
 */

/** CartPole: a linear state-feedback law (LQR-like gains on angle, angular velocity, position, velocity). */
export function cartPoleExpert(obs: Float32Array): number {
  const u = 0.1 * obs[0] + 0.5 * obs[1] + 10 * obs[2] + 2 * obs[3];
  return u > 0 ? 1 : 0;
}

/** MountainCar: push in the direction of motion to pump energy (left first when at rest). */
export function mountainCarExpert(obs: Float32Array): number {
  const velocity = obs[1];
  if (velocity === 0) return obs[0] > -0.5 ? 0 : 2;
  return velocity > 0 ? 2 : 0;
}

/**
 * Acrobot: energy pumping — torque in the direction of the second joint's velocity relative to half the first
 * link's, which feeds energy into the swing every half-period (mean return about -79 over seeds 0–99).
 */
export function acrobotExpert(obs: Float32Array): number {
  return obs[5] - 0.5 * obs[4] > 0 ? 2 : 0;
}
