/** Small drawing helpers shared by the renderers (canvas coordinates, y down). */
import type { Canvas2D } from './types.js';

export function drawPolygon(ctx: Canvas2D, points: readonly (readonly [number, number])[], color: string): void {
  ctx.fillStyle = color;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(points[0][0], points[0][1]);
  for (let i = 1; i < points.length; i++) ctx.lineTo(points[i][0], points[i][1]);
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
}

export function fillCircle(ctx: Canvas2D, x: number, y: number, r: number, color: string): void {
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fill();
}

export function hline(ctx: Canvas2D, x0: number, x1: number, y: number, color: string): void {
  line(ctx, x0, y, x1, y, color);
}

export function line(ctx: Canvas2D, x0: number, y0: number, x1: number, y1: number, color: string): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}
