/**
 * LunarLander's expert: Gymnasium's `heuristic(env, s)` for discrete actions, ported from
 * gymnasium/envs/box2d/lunar_lander.py. It steers the lander's tilt towards the pad and holds a descent
 * profile proportional to the horizontal offset.
 */

// Gymnasium feeds the heuristic float32 observations and NumPy 2 keeps float32 × Python float in float32;
// rounding each intermediate to float32 makes the rare threshold ties break the same way.
const f = Math.fround;

/** Gymnasium's LunarLander heuristic: 0 noop, 1 left engine, 2 main engine, 3 right engine. */
export function lunarLanderHeuristic(obs: Float32Array): number {
  const [x, y, vx, vy, angle, angularVelocity, leftContact, rightContact] = obs;

  // Point towards the centre, but never tilt more than 0.4 rad (22°).
  let angleTarget = f(f(x * 0.5) + f(vx * 1.0));
  if (angleTarget > 0.4) angleTarget = f(0.4);
  if (angleTarget < -0.4) angleTarget = f(-0.4);
  // Target altitude proportional to the horizontal offset.
  const hoverTarget = f(0.55 * Math.abs(x));

  let angleTodo = f(f(f(angleTarget - angle) * 0.5) - f(angularVelocity * 1.0));
  let hoverTodo = f(f(f(hoverTarget - y) * 0.5) - f(vy * 0.5));

  if (leftContact !== 0 || rightContact !== 0) {
    // After touchdown only damp the fall.
    angleTodo = 0;
    hoverTodo = f(-vy * 0.5);
  }

  if (hoverTodo > Math.abs(angleTodo) && hoverTodo > 0.05) return 2;
  if (angleTodo < -0.05) return 3;
  if (angleTodo > 0.05) return 1;
  return 0;
}
