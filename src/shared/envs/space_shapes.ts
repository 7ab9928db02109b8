/** The plain shapes of Gymnasium's spaces, which the space classes implement and code that only reads them uses. */
export interface BoxSpace {
  readonly kind: 'box';
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
}

export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
}
