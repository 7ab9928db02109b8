/** Shortest decimal text that parses back to exactly the same float32 (JSON keeps files small and exact). */
export function formatFloat32(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return Object.is(v, -0) ? '-0' : String(v);
  for (let p = 6; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  // Nine significant digits always identify a float32.
  return String(Number(v.toPrecision(9)));
}
