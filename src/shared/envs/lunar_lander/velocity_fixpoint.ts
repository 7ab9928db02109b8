/**
 * Exact early exit from Box2D's velocity iterations. LunarLander asks for 180 sequential-impulse iterations per step;
 * the lander's island (hull, two legs, their joints and ground contacts) usually reaches a floating-point fixed point,
 * or a short cycle, long before that. The iteration is a deterministic map of the island's velocities and accumulated
 * impulses, so once that whole state repeats, every later iteration is known: we stop exactly where the 180th would
 * have left it. Results are bit-identical to running all 180 (a test compares against stock planck).
 *
 * planck's solver loop re-reads `step.velocityIterations` each iteration, so lowering it from inside the first joint's
 * solve ends the loop; the joints' position solve, which always follows, restores it for later islands and sub-steps.
 */
import type { TimeStep, World } from 'planck';

interface Xy {
  x: number;
  y: number;
}
interface IslandBody {
  c_velocity: { v: Xy; w: number };
}
interface IslandContact {
  v_pointCount: number;
  v_points: { normalImpulse: number; tangentImpulse: number }[];
}
/** The state a joint carries between velocity iterations (planck's RevoluteJoint accumulators). */
export interface IteratedJoint {
  m_impulse: Xy & { z: number };
  m_motorImpulse: number;
}
interface IslandSolver {
  m_bodies: IslandBody[];
  m_joints: unknown[];
  m_contacts: IslandContact[];
}

/** Snapshots are taken every SNAPSHOT_EVERY iterations, so cycles up to that period are caught. */
const SNAPSHOT_EVERY = 4;
const MAX_STATE = 256;

/** Watches one world's lander island for a repeating velocity-iteration state; shared by its leg joints. */
export class VelocityFixpoint {
  /** Velocity iterations skipped so far (for tests and benchmarks). */
  skippedIterations = 0;
  private readonly solver: IslandSolver | null;
  private readonly joints = new Set<unknown>();
  private calls = 0;
  private done = false;
  private requested = 0;
  private lowered = false;
  private storedAt = -1;
  private storedLength = 0;
  private readonly stored = new Float64Array(MAX_STATE);

  constructor(world: World) {
    const solver = (world as unknown as { m_solver?: Partial<IslandSolver> }).m_solver;
    this.solver =
      solver !== undefined &&
      Array.isArray(solver.m_bodies) &&
      Array.isArray(solver.m_joints) &&
      Array.isArray(solver.m_contacts)
        ? (solver as IslandSolver)
        : null;
  }

  /** Registers a joint whose accumulators are part of the iterated state. */
  watch(joint: IteratedJoint): void {
    this.joints.add(joint);
  }

  /** Called from each watched joint's initVelocityConstraints: a new island solve starts. */
  begin(step: TimeStep): void {
    this.calls = 0;
    this.storedAt = -1;
    this.requested = step.velocityIterations;
    // Only islands made of exactly our joints are understood; anything else runs in full.
    this.done = this.solver === null || !this.islandIsWatched();
  }

  /** Called at the top of each watched joint's velocity solve; may shorten the iteration loop. */
  beforeJointSolve(step: TimeStep): void {
    if (this.done) return;
    const nJoints = (this.solver as IslandSolver).m_joints.length;
    const call = this.calls++;
    if (call % nJoints !== 0) return;
    const k = call / nJoints; // iteration about to run; the state now is the state after k iterations
    if (this.storedAt >= 0 && this.matchesStored()) {
      const period = k - this.storedAt;
      const n = this.requested;
      const r = (n - k) % period;
      // The state after n iterations equals the state after any m ≥ storedAt with m ≡ n (mod period); the
      // iteration k is already under way, so the earliest such m is after it.
      const stopAt = k + (r === 0 ? period : r);
      if (stopAt < n) {
        step.velocityIterations = stopAt;
        this.lowered = true;
        this.skippedIterations += n - stopAt;
      }
      this.done = true;
      return;
    }
    if (k % SNAPSHOT_EVERY === 0) {
      if (this.store()) this.storedAt = k;
      else this.done = true;
    }
  }

  /** Called from each watched joint's position solve: puts the requested iteration count back. */
  afterVelocityPhase(step: TimeStep): void {
    if (this.lowered) {
      step.velocityIterations = this.requested;
      this.lowered = false;
    }
    this.done = true;
  }

  private islandIsWatched(): boolean {
    const joints = (this.solver as IslandSolver).m_joints;
    if (joints.length === 0) return false;
    for (const j of joints) if (!this.joints.has(j)) return false;
    return true;
  }

  /** Copies the island's iterated state into `stored`; false if it does not fit. */
  private store(): boolean {
    const s = this.solver as IslandSolver;
    const out = this.stored;
    let n = 0;
    const need =
      3 * s.m_bodies.length + 4 * s.m_joints.length + s.m_contacts.reduce((a, c) => a + 2 * c.v_pointCount, 0);
    if (need > MAX_STATE) return false;
    for (const b of s.m_bodies) {
      const vel = b.c_velocity;
      out[n++] = vel.v.x;
      out[n++] = vel.v.y;
      out[n++] = vel.w;
    }
    for (const j of s.m_joints as IteratedJoint[]) {
      out[n++] = j.m_impulse.x;
      out[n++] = j.m_impulse.y;
      out[n++] = j.m_impulse.z;
      out[n++] = j.m_motorImpulse;
    }
    for (const c of s.m_contacts) {
      for (let i = 0; i < c.v_pointCount; i++) {
        out[n++] = c.v_points[i].normalImpulse;
        out[n++] = c.v_points[i].tangentImpulse;
      }
    }
    this.storedLength = n;
    return true;
  }

  /** Whether the island's state now is bit-for-bit the stored one (Object.is: −0 and +0 differ). */
  private matchesStored(): boolean {
    const s = this.solver as IslandSolver;
    const st = this.stored;
    let n = 0;
    for (const b of s.m_bodies) {
      const vel = b.c_velocity;
      if (!Object.is(vel.v.x, st[n++]) || !Object.is(vel.v.y, st[n++]) || !Object.is(vel.w, st[n++])) return false;
    }
    for (const j of s.m_joints as IteratedJoint[]) {
      const acc = j.m_impulse;
      if (!Object.is(acc.x, st[n++]) || !Object.is(acc.y, st[n++]) || !Object.is(acc.z, st[n++])) return false;
      if (!Object.is(j.m_motorImpulse, st[n++])) return false;
    }
    for (const c of s.m_contacts) {
      for (let i = 0; i < c.v_pointCount; i++) {
        const p = c.v_points[i];
        if (!Object.is(p.normalImpulse, st[n++]) || !Object.is(p.tangentImpulse, st[n++])) return false;
      }
    }
    return n === this.storedLength;
  }
}
