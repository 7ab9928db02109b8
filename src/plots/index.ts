/** Figures: declarative Vega-Lite specs for experiments 1–3, rendered headless to SVG and PNG (Node only). */
export { renderVegaLite, svgOfVegaLite, pngOfSvg, PlotRenderError, PNG_SCALE, loadRenderer } from './render.js';
export type { RenderedFigure } from './render.js';
export { exp1FourPanel } from './exp1.js';
export type { Exp1Row } from './exp1.js';
export { scalingFitPanels } from './scaling_fit.js';
export type { ScalingFitCurve, ScalingFitOptions, ScalingFitPoint } from './scaling_fit.js';
export { exp2Lines, exp2FinalBars, exp2Facets, exp2ErrorBars } from './exp2.js';
export type { Exp2LineRow, Exp2BarRow, Exp2Metric, Exp2FacetRow, Exp2ErrorRow } from './exp2.js';
export { methodLook, methodLooks } from './method_names.js';
export type { MethodLook } from './method_names.js';
export { hybridByFlops, hybridBySize } from './hybrid.js';
export type { HybridCurveRow, HybridSizeRow } from './hybrid.js';
export { exp3AggregateReturns, exp3ClImpact, exp3Violins } from './exp3.js';
export type { Exp3AggregateRow, Exp3ClImpactRow, Exp3ViolinRow } from './exp3.js';
export type { CiValue, FigureTitle, MethodColours } from './common.js';
export { gaussianKde } from './kde.js';
export type { DensityCurve } from './kde.js';
export {
  CATEGORY_COLORS,
  CATEGORY_SHAPES,
  OKABE_ITO,
  WITH_CL_COLOR,
  NO_CL_COLOR,
  TARGET_LINE_COLOR,
  HUMAN_COLOR,
} from './palette.js';
export { THEME, FONT_FAMILY } from './theme.js';
export { FontNotFoundError } from './fonts.js';
export { FontFormatError } from './font_metrics.js';
export { scalingAxisFigure, isoFlopFigure, computeCurvesFigure } from './scaling.js';
export type {
  ScalingPointRow,
  ScalingFitRow,
  ScalingFloorRow,
  IsoFlopRow,
  IsoFlopOptimumRow,
  ComputeCurveRow,
} from './scaling.js';
