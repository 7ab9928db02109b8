/**
 * Type-level specification of `EnvId`: this file only compiles (`tsc`) if each `@ts-expect-error` line really is a
 * type error, so a typo in a literal id can never slip through again. At run time it checks the same calls' behaviour.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { make, type EnvId } from '../../../src/index.js';

it('a misspelt literal id fails to type-check; a string known at run time compiles and gets the helpful error', () => {
  const good: EnvId = 'CartPole-v1';
  // @ts-expect-error 'CartPol-v1' is not an EnvId
  const typo: EnvId = 'CartPol-v1';
  assert.equal(make(good).id, 'CartPole-v1');
  assert.throws(
    // @ts-expect-error a literal typo is rejected by make's signature
    () => make('CartPol-v1'),
    /unknown environment id 'CartPol-v1'; Did you mean 'CartPole-v1'\?/,
  );
  // @ts-expect-error LunarLander-v2 is refused at run time, so it is not an EnvId either
  assert.throws(() => make('LunarLander-v2'), /deprecated/);
  // @ts-expect-error options are typed per id: CartPole has no gravity
  assert.throws(() => make('CartPole-v1', { gravity: -9 }), /unknown option 'gravity'/);
  const fromUser: string = typo;
  assert.throws(() => make(fromUser), /Did you mean 'CartPole-v1'/);
  assert.equal(make('LunarLander-v3', { enableWind: true, maxEpisodeSteps: 10 }).maxEpisodeSteps, 10);
});
