/**
 * Keyboard controls of the collection app: which arrow key gives which action in each game, and what the game does
 * while no key is held. Pure (no DOM), so Node tests check the same table the browser uses.
 *
 * - CartPole-v1 (0 push left, 1 push right) has no "do nothing" action: the cart is pushed on every step. With no
 *   arrow held it keeps being pushed the way of the last arrow pressed, so releasing a key never silently reverses
 *   the push; an episode therefore starts on the first ← or → press, which sets that first direction. (Gymnasium's
 *   `play()` would fall back to action 0, a hidden leftward bias the participant was never told about.)
 * - Acrobot-v1 (0 torque −1, 1 none, 2 torque +1), MountainCar-v0 (0 push left, 1 none, 2 push right) and
 *   LunarLander-v3 (0 none, 1 left engine, 2 main engine, 3 right engine) do their no-op while no key is held; an
 *   episode starts on space or any of the game's arrows.
 * - Several keys held: the most recently pressed one wins (as in most games), rather than Gymnasium's MountainCar
 *   rule of both arrows cancelling out.
 */
import { InvalidArgumentError } from '../../shared/errors.js';

/** The keys the app listens to, by `KeyboardEvent.code`. */
export type GameKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Space';

/** Every key shown in the on-screen hints, in display order. */
export const GAME_KEYS: readonly GameKey[] = ['ArrowLeft', 'ArrowUp', 'ArrowDown', 'ArrowRight', 'Space'];

export interface Controls {
  readonly envId: string;
  /** Action of each key that acts in this game. */
  readonly actions: Readonly<Partial<Record<GameKey, number>>>;
  /** Action while no mapped key is held: a fixed no-op, or the last action taken ('last', CartPole). */
  readonly idle: number | 'last';
  /** Keys that start an episode. */
  readonly startKeys: readonly GameKey[];
}

const CONTROLS: Readonly<Record<string, Controls>> = {
  'CartPole-v1': {
    envId: 'CartPole-v1',
    actions: { ArrowLeft: 0, ArrowRight: 1 },
    idle: 'last',
    startKeys: ['ArrowLeft', 'ArrowRight'],
  },
  'Acrobot-v1': {
    envId: 'Acrobot-v1',
    actions: { ArrowLeft: 0, ArrowRight: 2 },
    idle: 1,
    startKeys: ['Space', 'ArrowLeft', 'ArrowRight'],
  },
  'MountainCar-v0': {
    envId: 'MountainCar-v0',
    actions: { ArrowLeft: 0, ArrowRight: 2 },
    idle: 1,
    startKeys: ['Space', 'ArrowLeft', 'ArrowRight'],
  },
  'LunarLander-v3': {
    envId: 'LunarLander-v3',
    actions: { ArrowLeft: 1, ArrowUp: 2, ArrowRight: 3 },
    idle: 0,
    startKeys: ['Space', 'ArrowLeft', 'ArrowUp', 'ArrowRight'],
  },
};

/** The games the app offers, in menu order. */
export const COLLECT_ENV_IDS: readonly string[] = Object.keys(CONTROLS);

/** The controls of a game; throws for an env the app does not offer. */
export function controlsFor(envId: string): Controls {
  const c = Object.prototype.hasOwnProperty.call(CONTROLS, envId) ? CONTROLS[envId] : undefined;
  if (!c)
    throw new InvalidArgumentError(
      `the collection app has no controls for '${envId}'; pick one of ${COLLECT_ENV_IDS.join(', ')}`,
    );
  return c;
}

/** True when `code` (a `KeyboardEvent.code`) is one of the app's keys. */
export function isGameKey(code: string): code is GameKey {
  return (GAME_KEYS as readonly string[]).includes(code);
}

/**
 * The action for the keys held now (`held` in press order, oldest first): the newest key that acts in this game,
 * else the idle action; `last` is the previous step's action (null before the first step).
 */
export function chooseAction(controls: Controls, held: readonly GameKey[], last: number | null): number {
  for (let i = held.length - 1; i >= 0; i--) {
    const a = controls.actions[held[i]];
    if (a !== undefined) return a;
  }
  if (controls.idle !== 'last') return controls.idle;
  if (last === null)
    throw new InvalidArgumentError(
      `${controls.envId}: no key held and no previous action; start the episode with an arrow key`,
    );
  return last;
}

/** Keys held down, in the order they were pressed (auto-repeat and duplicate presses keep the original order). */
export class HeldKeys {
  private readonly order: GameKey[] = [];

  press(key: GameKey): void {
    if (!this.order.includes(key)) this.order.push(key);
  }

  release(key: GameKey): void {
    const i = this.order.indexOf(key);
    if (i >= 0) this.order.splice(i, 1);
  }

  /** Forgets every key (the window lost focus, so key-up events would never arrive). */
  clear(): void {
    this.order.length = 0;
  }

  held(): readonly GameKey[] {
    return this.order;
  }
}
