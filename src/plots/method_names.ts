/**
 * How figures name and draw methods: "GA, adaptive σ, CE" rather than `ga_adaptive_ce`, a colour per family
 * (algorithm and objective) and a dash per σ mode. Method ids the figures do not know (later methods) keep their id
 * as label and get a colour of their own from the categorical range.
 */
import { CATEGORY_COLORS, METHOD_DASHES, METHOD_FAMILY_COLORS } from './palette.js';

export interface MethodLook {
  /** The method's id in results (`ga_adaptive_ce`). */
  readonly id: string;
  /** What a reader sees: "GA, adaptive σ, CE". */
  readonly label: string;
  /** Algorithm and objective: "GA (CE)"; one colour each. */
  readonly family: string;
  readonly colour: string;
  readonly dash: readonly number[];
}

const ALGORITHMS: Readonly<Record<string, string>> = { ga: 'GA', es: 'ES' };
const OBJECTIVES: Readonly<Record<string, string>> = { ce: 'CE', f1: 'macro-F1' };
const GRADIENT: Readonly<Record<string, string>> = { sgd: 'SGD', adam: 'Adam', dl_adam: 'Adam' };

/** The look of one method; `fallbackIndex` picks the colour of a method no family names. */
export function methodLook(id: string, fallbackIndex = 0): MethodLook {
  const gradient = GRADIENT[id];
  if (gradient !== undefined) {
    return { id, label: gradient, family: 'SGD', colour: METHOD_FAMILY_COLORS.SGD, dash: METHOD_DASHES.solid };
  }
  const m = /^(ga|es)_(fixed|adaptive)_(ce|f1)$/.exec(id);
  if (m === null) {
    const colour = CATEGORY_COLORS[fallbackIndex % CATEGORY_COLORS.length];
    return { id, label: id, family: id, colour, dash: METHOD_DASHES.solid };
  }
  const [, algo, sigma, objective] = m;
  const family = `${ALGORITHMS[algo]} (${OBJECTIVES[objective]})`;
  return {
    id,
    label: `${ALGORITHMS[algo]}, ${sigma} σ, ${OBJECTIVES[objective]}`,
    family,
    colour: METHOD_FAMILY_COLORS[family],
    dash: sigma === 'adaptive' ? METHOD_DASHES.adaptive : METHOD_DASHES.solid,
  };
}

/** Looks of `ids` in order, unknown ones coloured in turn. */
export function methodLooks(ids: readonly string[]): MethodLook[] {
  let unknown = 0;
  return ids.map((id) => {
    const look = methodLook(id, unknown);
    if (look.family === id) unknown++;
    return look;
  });
}

/** Vega-Lite scales keyed by label: every figure colours and dashes a method the same way. */
export function methodScales(looks: readonly MethodLook[]): {
  colour: { domain: string[]; range: string[] };
  dash: { domain: string[]; range: number[][] };
} {
  const domain = looks.map((l) => l.label);
  return {
    colour: { domain, range: looks.map((l) => l.colour) },
    dash: { domain, range: looks.map((l) => [...l.dash]) },
  };
}
