/**
 * Colour-blind-safe colours for every figure. Categories use Paul Tol's "muted" scheme (nine colours that stay
 * distinct under deuteranopia, protanopia and tritanopia, enough for experiment 2's nine methods), reordered so
 * that the first few are far apart; fixed meanings use Okabe & Ito's palette.
 */

/** Okabe & Ito (2008) colours by name. */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

/** Categorical range (Tol muted): indigo, rose, teal, sand, wine, cyan, green, olive, purple. */
export const CATEGORY_COLORS: readonly string[] = [
  '#332288',
  '#CC6677',
  '#44AA99',
  '#DDCC77',
  '#882255',
  '#88CCEE',
  '#117733',
  '#999933',
  '#AA4499',
];

/** Point shapes paired with the colours, so lines stay distinguishable in greyscale print too. */
export const CATEGORY_SHAPES: readonly string[] = [
  'circle',
  'square',
  'triangle-up',
  'diamond',
  'triangle-down',
  'cross',
  'triangle-right',
  'triangle-left',
  'wedge',
];

/** Experiment 3's fixed meanings: models with continual-learning inputs, without them, and the 0% target. */
export const WITH_CL_COLOR = OKABE_ITO.blue;
export const NO_CL_COLOR = OKABE_ITO.vermillion;
export const TARGET_LINE_COLOR = OKABE_ITO.bluishGreen;
/** The human's own distribution in comparisons with models. */
export const HUMAN_COLOR = '#4D4D4D';

/**
 * Experiment 2's method families, one colour each (Okabe & Ito): a family is an algorithm with its objective, and
 * within one the σ mode is told apart by the dash (METHOD_DASHES), so nine methods read as five colours × two
 * dashes. Paired hues (vermillion/orange, blue/sky blue) keep an algorithm's CE and macro-F1 variants related.
 */
export const METHOD_FAMILY_COLORS: Readonly<Record<string, string>> = {
  SGD: OKABE_ITO.black,
  'GA (CE)': OKABE_ITO.vermillion,
  'GA (macro-F1)': OKABE_ITO.orange,
  'ES (CE)': OKABE_ITO.blue,
  'ES (macro-F1)': OKABE_ITO.skyBlue,
};

/** Stroke dashes per σ mode: fixed σ (and gradient methods) solid, adaptive σ dashed. */
export const METHOD_DASHES = { solid: [1, 0], adaptive: [7, 3] } as const;
