/**
 * planck's revolute joint with allocation-free constraint solvers. LunarLander steps Box2D with 180 velocity and up
 * to 60 position iterations, so the two leg joints' solvers dominate a step; planck's versions allocate several
 * vectors per call and the garbage collector then costs more than the arithmetic. The arithmetic here is planck's
 * own (Box2D 2.3's point-plus-limit block solver), operation for operation and in the same order, so results are
 * bit-identical to planck's RevoluteJoint — a test checks it over whole episodes.
 */
import { RevoluteJoint, Settings } from 'planck';
import type { RevoluteJointDef, TimeStep } from 'planck';
import type { VelocityFixpoint } from './velocity_fixpoint.js';

interface Xy {
  x: number;
  y: number;
}
interface Xyz extends Xy {
  z: number;
}
interface SolverBody {
  c_velocity: { v: Xy; w: number };
  c_position: { c: Xy; a: number };
}
/** The planck 1.x RevoluteJoint internals the solvers use (not in its public typings). */
interface RevoluteInternals {
  m_bodyA: SolverBody;
  m_bodyB: SolverBody;
  m_localAnchorA: Xy;
  m_localAnchorB: Xy;
  m_localCenterA: Xy;
  m_localCenterB: Xy;
  m_referenceAngle: number;
  m_lowerAngle: number;
  m_upperAngle: number;
  m_invMassA: number;
  m_invMassB: number;
  m_invIA: number;
  m_invIB: number;
  m_rA: Xy;
  m_rB: Xy;
  m_mass: { ex: Xyz; ey: Xyz; ez: Xyz };
  m_impulse: Xyz;
  m_motorImpulse: number;
  m_motorMass: number;
  m_motorSpeed: number;
  m_maxMotorTorque: number;
  m_enableMotor: boolean;
  m_enableLimit: boolean;
  m_limitState: number;
}

// planck's LimitState values.
const INACTIVE_LIMIT = 0;
const AT_LOWER_LIMIT = 1;
const AT_UPPER_LIMIT = 2;
const EQUAL_LIMITS = 3;

function hasPlanckInternals(joint: object): boolean {
  const j = joint as Partial<RevoluteInternals>;
  return (
    j.m_impulse !== undefined &&
    j.m_mass !== undefined &&
    j.m_limitState !== undefined &&
    j.m_localAnchorA !== undefined &&
    typeof j.m_referenceAngle === 'number'
  );
}

/** A RevoluteJoint whose velocity and position solvers allocate nothing; numerically identical to planck's. */
export class LegJoint extends RevoluteJoint {
  /** Shared by the lander's joints to end the velocity iterations early, exactly; null runs all of them. */
  fixpoint: VelocityFixpoint | null = null;
  /** False when this planck release's internals are not the ones the fast solvers expect. */
  readonly fast: boolean;
  // The effective mass matrix K of the step (set once per step in initVelocityConstraints, constant after), read
  // into plain fields, with the parts of Cramer's rule that depend on K alone.
  private kxx = 0;
  private kxy = 0;
  private kxz = 0;
  private kyx = 0;
  private kyy = 0;
  private kyz = 0;
  private kzx = 0;
  private kzy = 0;
  private kzz = 0;
  private det33 = 0;
  private row0x = 0;
  private row0y = 0;
  private row0z = 0;
  private det22 = 0;

  constructor(def: RevoluteJointDef) {
    super(def);
    this.fast = hasPlanckInternals(this);
    if (!this.fast) {
      // A planck release renamed its internals: keep planck's own solvers rather than misbehave.
      this.initVelocityConstraints = RevoluteJoint.prototype.initVelocityConstraints;
      this.solveVelocityConstraints = RevoluteJoint.prototype.solveVelocityConstraints;
      this.solvePositionConstraints = RevoluteJoint.prototype.solvePositionConstraints;
    }
  }

  override initVelocityConstraints(step: TimeStep): void {
    super.initVelocityConstraints(step);
    const M = (this as unknown as RevoluteInternals).m_mass;
    this.kxx = M.ex.x;
    this.kxy = M.ex.y;
    this.kxz = M.ex.z;
    this.kyx = M.ey.x;
    this.kyy = M.ey.y;
    this.kyz = M.ey.z;
    this.kzx = M.ez.x;
    this.kzy = M.ez.y;
    this.kzz = M.ez.z;
    // planck's Mat33.solve33 computes this cross product and determinant first, then the same cross again.
    this.row0x = this.kyy * this.kzz - this.kyz * this.kzy;
    this.row0y = this.kyz * this.kzx - this.kyx * this.kzz;
    this.row0z = this.kyx * this.kzy - this.kyy * this.kzx;
    let det = this.kxx * this.row0x + this.kxy * this.row0y + this.kxz * this.row0z;
    if (det !== 0) det = 1 / det;
    this.det33 = det;
    // Mat33.solve22's determinant of the upper-left 2×2 block.
    let d = this.kxx * this.kyy - this.kyx * this.kxy;
    if (d !== 0) d = 1 / d;
    this.det22 = d;
    this.fixpoint?.begin(step);
  }

  override solveVelocityConstraints(step: TimeStep): void {
    const fixpoint = this.fixpoint;
    if (fixpoint !== null) fixpoint.beforeJointSolve(step);
    const j = this as unknown as RevoluteInternals;
    const velA = j.m_bodyA.c_velocity;
    const velB = j.m_bodyB.c_velocity;
    const vA = velA.v;
    const vB = velB.v;
    let wA = velA.w;
    let wB = velB.w;
    const mA = j.m_invMassA;
    const mB = j.m_invMassB;
    const iA = j.m_invIA;
    const iB = j.m_invIB;
    const fixedRotation = iA + iB === 0;
    const rA = j.m_rA;
    const rB = j.m_rB;
    const limitState = j.m_limitState;

    if (j.m_enableMotor && limitState !== EQUAL_LIMITS && !fixedRotation) {
      const cdot = wB - wA - j.m_motorSpeed;
      let impulse = -j.m_motorMass * cdot;
      const oldImpulse = j.m_motorImpulse;
      const maxImpulse = step.dt * j.m_maxMotorTorque;
      const sum = j.m_motorImpulse + impulse;
      j.m_motorImpulse = sum < -maxImpulse ? -maxImpulse : sum > maxImpulse ? maxImpulse : sum;
      impulse = j.m_motorImpulse - oldImpulse;
      wA -= iA * impulse;
      wB += iB * impulse;
    }

    const acc = j.m_impulse;
    // Cdot1 = vB + wB × rB − vA − wA × rA, accumulated from zero as planck does.
    const cdot1x = 0 + (vB.x + -wB * rB.y) - (vA.x + -wA * rA.y);
    const cdot1y = 0 + (vB.y + wB * rB.x) - (vA.y + wA * rA.x);
    const det22 = this.det22;
    if (j.m_enableLimit && limitState !== INACTIVE_LIMIT && !fixedRotation) {
      const cdot2 = wB - wA;
      // impulse = −K⁻¹·Cdot by Cramer's rule (planck's Mat33.solve33).
      const kxx = this.kxx;
      const kxy = this.kxy;
      const kxz = this.kxz;
      const kyx = this.kyx;
      const kyy = this.kyy;
      const kyz = this.kyz;
      const kzx = this.kzx;
      const kzy = this.kzy;
      const kzz = this.kzz;
      const det = this.det33;
      const sx = det * (cdot1x * this.row0x + cdot1y * this.row0y + cdot2 * this.row0z);
      let cx = cdot1y * kzz - cdot2 * kzy;
      let cy = cdot2 * kzx - cdot1x * kzz;
      let cz = cdot1x * kzy - cdot1y * kzx;
      const sy = det * (kxx * cx + kxy * cy + kxz * cz);
      cx = kyy * cdot2 - kyz * cdot1y;
      cy = kyz * cdot1x - kyx * cdot2;
      cz = kyx * cdot1y - kyy * cdot1x;
      const sz = det * (kxx * cx + kxy * cy + kxz * cz);
      let ix = -sx;
      let iy = -sy;
      let iz = -sz;

      if (limitState === EQUAL_LIMITS) {
        acc.x += ix;
        acc.y += iy;
        acc.z += iz;
      } else {
        const newImpulse = acc.z + iz;
        if (limitState === AT_LOWER_LIMIT ? newImpulse < 0 : limitState === AT_UPPER_LIMIT && newImpulse > 0) {
          // The limit would pull: drop it and solve the point constraint alone (planck's Mat33.solve22).
          const rhsX = -1 * cdot1x + acc.z * kzx;
          const rhsY = -1 * cdot1y + acc.z * kzy;
          ix = det22 * (kyy * rhsX - kyx * rhsY);
          iy = det22 * (kxx * rhsY - kxy * rhsX);
          iz = -acc.z;
          acc.x += ix;
          acc.y += iy;
          acc.z = 0;
        } else {
          acc.x += ix;
          acc.y += iy;
          acc.z += iz;
        }
      }
      vA.x -= mA * ix;
      vA.y -= mA * iy;
      wA -= iA * (rA.x * iy - rA.y * ix + iz);
      vB.x += mB * ix;
      vB.y += mB * iy;
      wB += iB * (rB.x * iy - rB.y * ix + iz);
    } else {
      const nx = -cdot1x;
      const ny = -cdot1y;
      const ix = det22 * (this.kyy * nx - this.kyx * ny);
      const iy = det22 * (this.kxx * ny - this.kxy * nx);
      acc.x += ix;
      acc.y += iy;
      vA.x -= mA * ix;
      vA.y -= mA * iy;
      wA -= iA * (rA.x * iy - rA.y * ix);
      vB.x += mB * ix;
      vB.y += mB * iy;
      wB += iB * (rB.x * iy - rB.y * ix);
    }
    velA.w = wA;
    velB.w = wB;
  }

  override solvePositionConstraints(step: TimeStep): boolean {
    this.fixpoint?.afterVelocityPhase(step);
    const j = this as unknown as RevoluteInternals;
    const posA = j.m_bodyA.c_position;
    const posB = j.m_bodyB.c_position;
    const cA = posA.c;
    const cB = posB.c;
    let aA = posA.a;
    let aB = posB.a;
    let angularError = 0;
    const mA = j.m_invMassA;
    const mB = j.m_invMassB;
    const iA = j.m_invIA;
    const iB = j.m_invIB;
    const angularSlop = Settings.angularSlop;
    const maxAngularCorrection = Settings.maxAngularCorrection;

    const limitState = j.m_limitState;
    if (j.m_enableLimit && limitState !== INACTIVE_LIMIT && iA + iB !== 0) {
      const angle = aB - aA - j.m_referenceAngle;
      let limitImpulse = 0;
      if (limitState === EQUAL_LIMITS) {
        const C = clamp(angle - j.m_lowerAngle, -maxAngularCorrection, maxAngularCorrection);
        limitImpulse = -j.m_motorMass * C;
        angularError = Math.abs(C);
      } else if (limitState === AT_LOWER_LIMIT) {
        const C = angle - j.m_lowerAngle;
        angularError = -C;
        limitImpulse = -j.m_motorMass * clamp(C + angularSlop, -maxAngularCorrection, 0);
      } else if (limitState === AT_UPPER_LIMIT) {
        const C = angle - j.m_upperAngle;
        angularError = C;
        limitImpulse = -j.m_motorMass * clamp(C - angularSlop, 0, maxAngularCorrection);
      }
      aA -= iA * limitImpulse;
      aB += iB * limitImpulse;
    }

    // Point constraint: anchors rotated by the corrected angles, then one 2×2 Newton step (planck's Mat22.solve).
    const sA = Math.sin(aA);
    const cosA = Math.cos(aA);
    const sB = Math.sin(aB);
    const cosB = Math.cos(aB);
    const lAx = j.m_localAnchorA.x - j.m_localCenterA.x;
    const lAy = j.m_localAnchorA.y - j.m_localCenterA.y;
    const lBx = j.m_localAnchorB.x - j.m_localCenterB.x;
    const lBy = j.m_localAnchorB.y - j.m_localCenterB.y;
    const rAx = cosA * lAx - sA * lAy;
    const rAy = sA * lAx + cosA * lAy;
    const rBx = cosB * lBx - sB * lBy;
    const rBy = sB * lBx + cosB * lBy;
    const Cx = 0 + (cB.x + rBx) - (cA.x + rAx);
    const Cy = 0 + (cB.y + rBy) - (cA.y + rAy);
    const positionError = Math.sqrt(Cx * Cx + Cy * Cy);
    const a = mA + mB + iA * rAy * rAy + iB * rBy * rBy;
    const c = -iA * rAx * rAy - iB * rBx * rBy;
    const b = c;
    const d = mA + mB + iA * rAx * rAx + iB * rBx * rBx;
    let det = a * d - b * c;
    if (det !== 0) det = 1 / det;
    const ix = -(det * (d * Cx - b * Cy));
    const iy = -(det * (a * Cy - c * Cx));
    cA.x -= mA * ix;
    cA.y -= mA * iy;
    aA -= iA * (rAx * iy - rAy * ix);
    cB.x += mB * ix;
    cB.y += mB * iy;
    aB += iB * (rBx * iy - rBy * ix);
    posA.a = aA;
    posB.a = aB;
    return positionError <= Settings.linearSlop * Settings.lengthUnitsPerMeter && angularError <= angularSlop;
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
