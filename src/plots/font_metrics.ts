/**
 * Advance widths read from a TrueType file (cmap + hmtx), so that Vega lays out text with the widths the
 * renderer will draw. Without a canvas, Vega guesses 0.8 em per character, which spaces axis titles and
 * legends far too widely for DejaVu Sans (about 0.6 em).
 */
import { EvoscaleError } from '../shared/errors.js';

/** Thrown when a font file is not a TrueType/OpenType font this reader understands. */
export class FontFormatError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'FONT_FORMAT');
  }
}

/** Horizontal metrics of one font. */
export interface FontMetrics {
  /** Width of `text` in pixels at `fontSize` pixels (no kerning). */
  textWidth(text: string, fontSize: number): number;
}

/** Reads the advance widths of a TrueType/OpenType (glyf or CFF) font file. */
export function parseFontMetrics(bytes: Uint8Array, name = 'font'): FontMetrics {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes.length >= 12 ? view.getUint32(0) : 0;
  // TrueType (1.0 or 'true') and CFF-flavoured OpenType ('OTTO'); collections and web fonts are not read here.
  if (version !== 0x00010000 && version !== 0x74727565 && version !== 0x4f54544f) {
    throw new FontFormatError(`${name}: not a TrueType/OpenType font file (use a .ttf or .otf)`);
  }
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(bytes[rec], bytes[rec + 1], bytes[rec + 2], bytes[rec + 3]);
    tables.set(tag, view.getUint32(rec + 8));
  }
  const table = (tag: string): number => {
    const off = tables.get(tag);
    if (off === undefined) throw new FontFormatError(`${name}: no '${tag}' table; use a TrueType or OpenType font`);
    return off;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const numberOfHMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advanceOfGlyph = (glyph: number): number => view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const glyphOf = cmapLookup(view, table('cmap'), name);
  const cache = new Map<number, number>();
  const advance = (cp: number): number => {
    let w = cache.get(cp);
    if (w === undefined) {
      w = advanceOfGlyph(glyphOf(cp)) / unitsPerEm;
      cache.set(cp, w);
    }
    return w;
  };
  return {
    textWidth(text: string, fontSize: number): number {
      let em = 0;
      for (const ch of text) em += advance(ch.codePointAt(0) ?? 0);
      return em * fontSize;
    },
  };
}

// Picks the Unicode subtable: format 12 (full Unicode) if present, else format 4 (Basic Multilingual Plane).
function cmapLookup(view: DataView, cmap: number, name: string): (cp: number) => number {
  const n = view.getUint16(cmap + 2);
  let format4 = -1;
  for (let i = 0; i < n; i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 6 + 8 * i);
    const sub = cmap + view.getUint32(cmap + 8 + 8 * i);
    const format = view.getUint16(sub);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) return format12(view, sub);
    if (format === 4 && format4 < 0) format4 = sub;
  }
  if (format4 < 0) throw new FontFormatError(`${name}: no Unicode cmap subtable (format 4 or 12)`);
  return format4Lookup(view, format4);
}

function format12(view: DataView, sub: number): (cp: number) => number {
  const groups = view.getUint32(sub + 12);
  return (cp) => {
    let lo = 0;
    let hi = groups - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const g = sub + 16 + 12 * mid;
      const start = view.getUint32(g);
      const end = view.getUint32(g + 4);
      if (cp < start) hi = mid - 1;
      else if (cp > end) lo = mid + 1;
      else return view.getUint32(g + 8) + (cp - start);
    }
    return 0;
  };
}

function format4Lookup(view: DataView, sub: number): (cp: number) => number {
  const segCount = view.getUint16(sub + 6) / 2;
  const endCodes = sub + 14;
  const startCodes = endCodes + 2 * segCount + 2;
  const idDeltas = startCodes + 2 * segCount;
  const idRangeOffsets = idDeltas + 2 * segCount;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let i = 0; i < segCount; i++) {
      if (view.getUint16(endCodes + 2 * i) < cp) continue;
      const start = view.getUint16(startCodes + 2 * i);
      if (start > cp) return 0;
      const delta = view.getInt16(idDeltas + 2 * i);
      const rangeOffsetPos = idRangeOffsets + 2 * i;
      const rangeOffset = view.getUint16(rangeOffsetPos);
      if (rangeOffset === 0) return (cp + delta) & 0xffff;
      const glyph = view.getUint16(rangeOffsetPos + rangeOffset + 2 * (cp - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
