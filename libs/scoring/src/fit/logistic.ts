// L2-regularised logistic regression (逻辑回归), fitted by Newton–Raphson / IRLS. Small and exact: a
// scorecard has a few dozen factors, so the (d+1)×(d+1) Hessian is solved directly (Cholesky) and the
// fit converges in a handful of iterations, with no learning rate to tune.
//
// Columns are standardised (mean 0, sd 1) before fitting so that one penalty λ treats every factor
// alike whatever its unit (days, counts, flags); the intercept is not penalised. The objective is
//   Σ_i logloss(y_i, b0 + z_i·β) + (λ/2)·‖β‖²
// and the coefficients are returned on the ORIGINAL scale of the columns (β_raw = β / sd, intercept
// shifted accordingly), which is what a scorecard needs. A column with no variance gets coefficient 0.

export interface LogisticOptions {
  l2?: number; // λ ≥ 0 on the standardised coefficients; default 1
  maxIterations?: number; // default 50
  tolerance?: number; // stop when no standardised coefficient moves more than this; default 1e-9
}

export interface LogisticModel {
  intercept: number;
  coefficients: number[]; // per column, original scale
  l2: number;
  iterations: number;
  converged: boolean;
}

type Label = 0 | 1 | boolean;
const y01 = (l: Label): number => (l === 1 || l === true ? 1 : 0);

// log(1 + e^η) − η·y without overflow.
function logLossTerm(eta: number, y: number): number {
  return Math.max(eta, 0) - eta * y + Math.log1p(Math.exp(-Math.abs(eta)));
}

export function sigmoid(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

// Solves A x = b for a symmetric positive definite A (row-major, n×n); A is not modified.
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new Error('choleskySolve: matrix is not positive definite');
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k];
    z[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

export function fitLogistic(
  rows: readonly (readonly number[])[],
  labels: readonly Label[],
  opts: LogisticOptions = {},
): LogisticModel {
  const n = rows.length;
  if (n === 0) throw new Error('fitLogistic: no rows');
  if (labels.length !== n) throw new Error(`fitLogistic: ${n} rows but ${labels.length} labels`);
  const width = rows[0].length;
  const l2 = opts.l2 ?? 1;
  if (!(l2 >= 0)) throw new Error(`fitLogistic: l2 must be ≥ 0, got ${l2}`);
  const maxIterations = opts.maxIterations ?? 50;
  const tolerance = opts.tolerance ?? 1e-9;
  const y = labels.map(y01);
  const positives = y.reduce((s, v) => s + v, 0);
  if (positives === 0 || positives === n) throw new Error('fitLogistic: labels must contain both classes');

  // Standardise; columns without variance are left out of the fit.
  const means = new Array<number>(width).fill(0);
  const sds = new Array<number>(width).fill(0);
  const constant = new Array<boolean>(width).fill(true);
  for (const r of rows) {
    if (r.length !== width) throw new Error(`fitLogistic: rows must all have ${width} columns`);
    for (let j = 0; j < width; j++) {
      if (!Number.isFinite(r[j])) throw new Error(`fitLogistic: non-finite value in column ${j}`);
      means[j] += r[j];
      if (r[j] !== rows[0][j]) constant[j] = false;
    }
  }
  for (let j = 0; j < width; j++) means[j] /= n;
  for (const r of rows) for (let j = 0; j < width; j++) sds[j] += (r[j] - means[j]) ** 2 / n;
  const used: number[] = [];
  for (let j = 0; j < width; j++) {
    sds[j] = Math.sqrt(sds[j]);
    if (!constant[j] && sds[j] > 0) used.push(j);
  }
  const d = used.length + 1; // intercept first
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    z[i * d] = 1;
    for (let k = 0; k < used.length; k++) {
      const j = used[k];
      z[i * d + k + 1] = (rows[i][j] - means[j]) / sds[j];
    }
  }

  const objective = (theta: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let eta = 0;
      for (let k = 0; k < d; k++) eta += z[i * d + k] * theta[k];
      s += logLossTerm(eta, y[i]);
    }
    for (let k = 1; k < d; k++) s += (l2 / 2) * theta[k] ** 2;
    return s;
  };

  const theta = new Float64Array(d);
  theta[0] = Math.log(positives / (n - positives)); // start at the base rate
  let current = objective(theta);
  let iterations = 0;
  let converged = false;
  const grad = new Float64Array(d);
  const hess = new Float64Array(d * d);
  while (iterations < maxIterations) {
    iterations++;
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let eta = 0;
      for (let k = 0; k < d; k++) eta += z[off + k] * theta[k];
      const p = sigmoid(eta);
      const w = Math.max(p * (1 - p), 1e-12);
      const r = p - y[i];
      for (let a = 0; a < d; a++) {
        const za = z[off + a];
        grad[a] += r * za;
        const wa = w * za;
        for (let b = 0; b <= a; b++) hess[a * d + b] += wa * z[off + b];
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) hess[b * d + a] = hess[a * d + b];
    for (let k = 1; k < d; k++) {
      grad[k] += l2 * theta[k];
      hess[k * d + k] += l2;
    }
    for (let k = 0; k < d; k++) hess[k * d + k] += 1e-10; // keeps a separable, unpenalised fit solvable
    const step = choleskySolve(hess, grad, d);
    // Newton step, halved while it does not lower the objective.
    let t = 1;
    let accepted: { next: Float64Array; value: number } | undefined;
    for (let h = 0; h < 30 && !accepted; h++, t /= 2) {
      const next = theta.map((v, k) => v - t * step[k]);
      const value = objective(next);
      if (value <= current) accepted = { next, value };
    }
    if (!accepted) {
      // No step lowers the objective any more: the optimum to machine precision.
      converged = true;
      break;
    }
    let moved = 0;
    for (let k = 0; k < d; k++) moved = Math.max(moved, Math.abs(accepted.next[k] - theta[k]));
    theta.set(accepted.next);
    current = accepted.value;
    if (moved < tolerance) {
      converged = true;
      break;
    }
  }

  const coefficients = new Array<number>(width).fill(0);
  let intercept = theta[0];
  used.forEach((j, k) => {
    coefficients[j] = theta[k + 1] / sds[j];
    intercept -= (theta[k + 1] * means[j]) / sds[j];
  });
  return { intercept, coefficients, l2, iterations, converged };
}

export function predictLogit(
  model: Pick<LogisticModel, 'intercept' | 'coefficients'>,
  row: readonly number[],
): number {
  let eta = model.intercept;
  for (let j = 0; j < model.coefficients.length; j++) eta += model.coefficients[j] * row[j];
  return eta;
}

// Mean log-loss (cross-entropy) of a model on rows it may not have seen: the yardstick for choosing λ.
export function meanLogLoss(
  model: Pick<LogisticModel, 'intercept' | 'coefficients'>,
  rows: readonly (readonly number[])[],
  labels: readonly Label[],
): number {
  if (!rows.length) return NaN;
  let s = 0;
  rows.forEach((r, i) => (s += logLossTerm(predictLogit(model, r), y01(labels[i]))));
  return s / rows.length;
}

// λ on standardised columns: from barely penalised to strongly shrunk (a sum over n rows, so a λ well
// below n leaves a large data set's coefficients almost untouched).
export const L2_GRID: readonly number[] = [0.1, 1, 10, 100, 1000, 10_000, 100_000];

export interface L2Choice {
  l2: number;
  validationLogLoss: number;
  tried: { l2: number; validationLogLoss: number }[];
}

// Chooses λ from `grid` by the mean log-loss on the validation rows of a model fitted on the others.
// Ties go to the larger λ (the simpler model). The caller then refits on all rows with the chosen λ.
export type Fitter = (
  rows: readonly (readonly number[])[],
  labels: readonly Label[],
  l2: number,
) => Pick<LogisticModel, 'intercept' | 'coefficients'>;

export function chooseL2(
  rows: readonly (readonly number[])[],
  labels: readonly Label[],
  isValidation: readonly boolean[],
  grid: readonly number[] = L2_GRID,
  fit: Fitter = (r, l, l2) => fitLogistic(r, l, { l2 }),
): L2Choice {
  const fitRows = rows.filter((_, i) => !isValidation[i]);
  const fitLabels = labels.filter((_, i) => !isValidation[i]);
  const valRows = rows.filter((_, i) => isValidation[i]);
  const valLabels = labels.filter((_, i) => isValidation[i]);
  if (!valRows.length || !fitRows.length) throw new Error('chooseL2: needs both fitting and validation rows');
  const tried = grid.map((l2) => ({
    l2,
    validationLogLoss: meanLogLoss(fit(fitRows, fitLabels, l2), valRows, valLabels),
  }));
  let best = tried[0];
  for (const t of tried)
    if (
      t.validationLogLoss < best.validationLogLoss - 1e-12 ||
      (Math.abs(t.validationLogLoss - best.validationLogLoss) <= 1e-12 && t.l2 > best.l2)
    )
      best = t;
  return { l2: best.l2, validationLogLoss: best.validationLogLoss, tried };
}

export interface SignedFit {
  model: LogisticModel;
  removed: number[]; // columns left out because their fitted sign contradicted `signs`, in that order
}

// A fit whose coefficients respect known directions: signs[j] = +1 (this column can only add risk,
// e.g. a failed inspection or a penalty), −1 (can only lower it) or 0 (either). Correlated signals
// can otherwise share one effect with opposite signs ("on the court-defaulter list lowers the score"),
// which no one can defend to an entity or an inspector. Backward elimination, the scorecard
// practice: while some column has the wrong sign, the worst one (largest standardised violation) is
// left out (fixed at 0) and the rest refitted.
export function fitLogisticWithSigns(
  rows: readonly (readonly number[])[],
  labels: readonly Label[],
  signs: readonly number[],
  opts: LogisticOptions = {},
): SignedFit {
  const width = rows[0]?.length ?? 0;
  if (signs.length !== width)
    throw new Error(`fitLogisticWithSigns: ${signs.length} signs for ${width} columns`);
  const sds = new Array<number>(width).fill(0);
  for (let j = 0; j < width; j++) {
    let m = 0;
    for (const r of rows) m += r[j] / rows.length;
    for (const r of rows) sds[j] += (r[j] - m) ** 2 / rows.length;
    sds[j] = Math.sqrt(sds[j]);
  }
  const removed: number[] = [];
  let current = rows;
  for (;;) {
    const model = fitLogistic(current, labels, opts);
    let worst = -1;
    let worstViolation = 0;
    model.coefficients.forEach((b, j) => {
      const violation = -signs[j] * b * sds[j];
      if (violation > worstViolation + 1e-12) {
        worst = j;
        worstViolation = violation;
      }
    });
    if (worst < 0) return { model, removed };
    removed.push(worst);
    const out = new Set(removed);
    current = rows.map((r) => r.map((v, j) => (out.has(j) ? 0 : v))); // constant ⇒ coefficient 0
  }
}
