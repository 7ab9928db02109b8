/**
 * Symmetric eigendecomposition for CMA-ES, by ml-matrix (mljs): its `EigenvalueDecomposition` is JAMA's
 * Householder tridiagonalisation + QL iteration (tred2/tql2), pure JavaScript and browser-safe, faster and
 * better tested than a hand-written Jacobi routine would be.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Eigenvalues and eigenvectors of the symmetric n×n row-major matrix `C` (columns of `vectors`, row-major). */
export function symmetricEigen(C: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    // Averaging the two triangles removes the rounding asymmetry the rank updates leave behind.
    for (let j = 0; j < n; j++) row[j] = i === j ? C[i * n + j] : (C[i * n + j] + C[j * n + i]) / 2;
    rows.push(row);
  }
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = Float64Array.from(evd.realEigenvalues);
  const V = evd.eigenvectorMatrix;
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vectors[i * n + j] = V.get(i, j);
  return { values, vectors };
}
