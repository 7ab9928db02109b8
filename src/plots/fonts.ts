/**
 * The font files figures are drawn with: DejaVu Sans from the `dejavu-fonts-ttf` npm package, so rendering needs
 * neither a network nor system fonts; Debian's copy is the fallback where the package is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EvoscaleError } from '../shared/errors.js';
import { parseFontMetrics } from './font_metrics.js';
import type { FontMetrics } from './font_metrics.js';

/** Thrown when no copy of the figure font can be found. */
export class FontNotFoundError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'FONT_NOT_FOUND');
  }
}

/** Regular and bold DejaVu Sans files. */
export interface FigureFonts {
  regular: string;
  bold: string;
}

const FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' };
const SYSTEM_DIR = '/usr/share/fonts/truetype/dejavu';

function packageDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch {
    return undefined;
  }
}

let found: FigureFonts | undefined;

/** Paths of the figure fonts, looked up once. */
export function figureFonts(): FigureFonts {
  if (found) return found;
  const dirs = [packageDir(), SYSTEM_DIR].filter((d): d is string => d !== undefined);
  for (const dir of dirs) {
    const regular = join(dir, FILES.regular);
    const bold = join(dir, FILES.bold);
    if (existsSync(regular) && existsSync(bold)) return (found = { regular, bold });
  }
  throw new FontNotFoundError(
    `DejaVu Sans not found in ${dirs.join(' or ')}; run \`npm install\` (it brings the dejavu-fonts-ttf package) ` +
      "or install Debian's fonts-dejavu-core",
  );
}

let metrics: { regular: FontMetrics; bold: FontMetrics } | undefined;

/** Text-width metrics of the regular and bold figure fonts, parsed once. */
export function figureFontMetrics(): { regular: FontMetrics; bold: FontMetrics } {
  if (!metrics) {
    const f = figureFonts();
    metrics = {
      regular: parseFontMetrics(readFileSync(f.regular), f.regular),
      bold: parseFontMetrics(readFileSync(f.bold), f.bold),
    };
  }
  return metrics;
}
