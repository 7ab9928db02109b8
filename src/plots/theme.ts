/** The house look of every figure: one font that is shipped offline, readable sizes, the colour-blind-safe range. */
import type { Config } from 'vega-lite';
import { CATEGORY_COLORS, CATEGORY_SHAPES } from './palette.js';

/** The font family every figure uses; `fonts.ts` supplies its files to the renderer and to text measurement. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Vega-Lite config shared by all figures. */
export const THEME: Config = {
  background: 'white',
  font: FONT_FAMILY,
  padding: 12,
  title: {
    fontSize: 15,
    fontWeight: 'bold',
    subtitleFontSize: 12,
    subtitleColor: '#555555',
    anchor: 'start',
    offset: 10,
  },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    titlePadding: 8,
    gridColor: '#e6e6e6',
    domainColor: '#888888',
    tickColor: '#888888',
    labelColor: '#333333',
    titleColor: '#222222',
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', symbolSize: 90, labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  range: { category: [...CATEGORY_COLORS], shape: [...CATEGORY_SHAPES] },
  view: { stroke: '#cccccc' },
  line: { strokeWidth: 2 },
  point: { size: 45, filled: true },
};
