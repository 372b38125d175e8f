//! One Nash equilibrium of a two-player game by the Lemke–Howson algorithm (Lemke & Howson
//! 1964, "Equilibrium points of bimatrix games", *J. SIAM* 12; as complementary pivoting in
//! von Stengel 2002, "Computing equilibria for two-person games", *Handbook of Game Theory*
//! vol. 3, ch. 45, §3.4, Algorithm 3.4 and Figure 3.3), for games too large for the vertex
//! enumeration of [`super::normal::extreme_equilibria`].
//!
//! With payoffs made positive, the tableaux are those of `Bᵀx + s = 1` (player 1's
//! polytope `P`) and `Ay + r = 1` (player 2's `Q`). Labels are `0..m` (player 1's strategies:
//! `x_i` in `P`, the slack `r_i` in `Q`) and `m..m+n` (player 2's: `s_j` in `P`, `y_j` in
//! `Q`). Starting from the artificial equilibrium `(0, 0)`, the *missing label* `k` enters; each
//! pivot's leaving variable names the label whose complement enters next in the other
//! tableau, until label `k` leaves. The minimum-ratio test breaks ties lexicographically
//! (von Stengel 2002 §3.7), so degenerate games do not cycle. The result is checked: every
//! strategy played must be a best response to 1e-9 of the payoff range, or it is an error.

use super::GameError;
use super::normal::{MixedEquilibrium, NormalForm};

/// The most pivots before the algorithm gives up (it ends in finitely many; this bounds a
/// numerical failure).
pub const MAX_PIVOTS: usize = 100_000;
const PIVOT_EPS: f64 = 1e-12;

/// A tableau `T·(vars) = rhs` over the `m + n` labelled variables and, for the lexicographic
/// ratio test, the inverse of the basis (the columns of the initial slack basis).
struct Tableau {
    /// Row-major, `rows × (labels + 1)`; the last column is the right-hand side.
    cells: Vec<Vec<f64>>,
    /// The label of each row's basic variable.
    basis: Vec<usize>,
    /// The labels of the initial basis, in row order (the columns of `B⁻¹`).
    slack: Vec<usize>,
}

impl Tableau {
    /// The row that leaves when `label` enters: minimum ratio `rhs / coef` over rows with a
    /// positive coefficient, ties broken by the rows of `B⁻¹ / coef` in order.
    fn leaving_row(&self, label: usize) -> Option<usize> {
        let rhs = self.cells[0].len() - 1;
        let mut candidates: Vec<usize> = (0..self.cells.len())
            .filter(|&r| self.cells[r][label] > PIVOT_EPS)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let key = |r: usize, col: usize| self.cells[r][col] / self.cells[r][label];
        for col in std::iter::once(rhs).chain(self.slack.iter().copied()) {
            let best = candidates
                .iter()
                .map(|&r| key(r, col))
                .fold(f64::INFINITY, f64::min);
            let tolerance = 1e-12 * (1.0 + best.abs());
            candidates.retain(|&r| key(r, col) <= best + tolerance);
            if candidates.len() == 1 {
                break;
            }
        }
        candidates.first().copied()
    }

    /// Pivots `label` into `row`; returns the label that left.
    fn pivot(&mut self, row: usize, label: usize) -> usize {
        let p = self.cells[row][label];
        for v in &mut self.cells[row] {
            *v /= p;
        }
        let pivot_row = self.cells[row].clone();
        for (r, cells) in self.cells.iter_mut().enumerate() {
            if r == row {
                continue;
            }
            let f = cells[label];
            if f != 0.0 {
                for (c, v) in cells.iter_mut().enumerate() {
                    *v -= f * pivot_row[c];
                }
            }
        }
        std::mem::replace(&mut self.basis[row], label)
    }

    /// The value of the variable with `label` (0 when non-basic).
    fn value(&self, label: usize) -> f64 {
        let rhs = self.cells[0].len() - 1;
        self.basis
            .iter()
            .position(|&b| b == label)
            .map_or(0.0, |r| self.cells[r][rhs].max(0.0))
    }
}

/// The equilibrium Lemke–Howson reaches from the artificial equilibrium with `missing_label`
/// dropped (`0..m` player 1's strategies, `m..m+n` player 2's; Gambit's `lcp_solve` starts
/// from label 0, the first strategy of player 1).
pub fn lemke_howson(
    form: &NormalForm,
    missing_label: usize,
) -> Result<MixedEquilibrium, GameError> {
    if form.players.len() != 2 {
        return Err(GameError::NotTwoPlayer(form.players.len()));
    }
    let m = form.strategies[0].len();
    let n = form.strategies[1].len();
    let labels = m + n;
    if missing_label >= labels {
        return Err(GameError::TooLarge(format!(
            "missing label {missing_label} is not one of the game's {labels} strategies"
        )));
    }
    // Payoffs scaled to [1, 2]: positive, as the polytopes need, and tolerances in one unit.
    let scaled = |player: usize| -> (Vec<Vec<f64>>, f64) {
        let values: Vec<f64> = (0..m * n).map(|k| form.payoffs[k * 2 + player]).collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = if hi > lo { hi - lo } else { 1.0 };
        let matrix = (0..m)
            .map(|i| {
                (0..n)
                    .map(|j| (form.payoff(&[i, j], player) - lo) / span + 1.0)
                    .collect()
            })
            .collect();
        (matrix, span)
    };
    let (a, _) = scaled(0);
    let (b, _) = scaled(1);
    // P: row j is Σ_i B[i][j] x_i + s_j = 1.
    let mut p = Tableau {
        cells: (0..n)
            .map(|j| {
                let mut row = vec![0.0; labels + 1];
                for i in 0..m {
                    row[i] = b[i][j];
                }
                row[m + j] = 1.0;
                row[labels] = 1.0;
                row
            })
            .collect(),
        basis: (m..labels).collect(),
        slack: (m..labels).collect(),
    };
    // Q: row i is Σ_j A[i][j] y_j + r_i = 1.
    let mut q = Tableau {
        cells: (0..m)
            .map(|i| {
                let mut row = vec![0.0; labels + 1];
                row[m..m + n].copy_from_slice(&a[i]);
                row[i] = 1.0;
                row[labels] = 1.0;
                row
            })
            .collect(),
        basis: (0..m).collect(),
        slack: (0..m).collect(),
    };
    // x_k (k < m) is a variable of P, y_(k-m) one of Q.
    let mut in_p = missing_label < m;
    let mut entering = missing_label;
    for _ in 0..MAX_PIVOTS {
        let tableau = if in_p { &mut p } else { &mut q };
        let row = tableau.leaving_row(entering).ok_or_else(|| {
            GameError::TooLarge(format!(
                "Lemke-Howson: label {entering} has an unbounded ray (a numerical failure)"
            ))
        })?;
        let left = tableau.pivot(row, entering);
        if left == missing_label {
            return equilibrium(form, &a, &b, &p, &q);
        }
        entering = left;
        in_p = !in_p;
    }
    Err(GameError::TooLarge(format!(
        "Lemke-Howson did not end within {MAX_PIVOTS} pivots"
    )))
}

fn equilibrium(
    form: &NormalForm,
    a: &[Vec<f64>],
    b: &[Vec<f64>],
    p: &Tableau,
    q: &Tableau,
) -> Result<MixedEquilibrium, GameError> {
    let m = a.len();
    let n = a.first().map_or(0, Vec::len);
    let x: Vec<f64> = (0..m).map(|i| p.value(i)).collect();
    let y: Vec<f64> = (0..n).map(|j| q.value(m + j)).collect();
    let sx: f64 = x.iter().sum();
    let sy: f64 = y.iter().sum();
    if sx <= 0.0 || sy <= 0.0 {
        return Err(GameError::TooLarge(
            "Lemke-Howson ended at the artificial equilibrium (a numerical failure)".into(),
        ));
    }
    let px: Vec<f64> = x.iter().map(|v| v / sx).collect();
    let py: Vec<f64> = y.iter().map(|v| v / sy).collect();
    // Best-response check on the scaled payoffs (range 1): a strategy played with positive
    // probability earns the best payoff against the other's mix, to 1e-9.
    let ay: Vec<f64> = (0..m)
        .map(|i| (0..n).map(|j| a[i][j] * py[j]).sum())
        .collect();
    let xb: Vec<f64> = (0..n)
        .map(|j| (0..m).map(|i| px[i] * b[i][j]).sum())
        .collect();
    let best_a = ay.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let best_b = xb.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let off_a = (0..m).any(|i| px[i] > 1e-9 && ay[i] < best_a - 1e-9);
    let off_b = (0..n).any(|j| py[j] > 1e-9 && xb[j] < best_b - 1e-9);
    if off_a || off_b {
        return Err(GameError::TooLarge(
            "Lemke-Howson's result is not an equilibrium to 1e-9 (a numerical failure)".into(),
        ));
    }
    let mut payoffs = vec![0.0; 2];
    for i in 0..m {
        for j in 0..n {
            let w = px[i] * py[j];
            payoffs[0] += w * form.payoff(&[i, j], 0);
            payoffs[1] += w * form.payoff(&[i, j], 1);
        }
    }
    Ok(MixedEquilibrium {
        strategies: vec![px, py],
        payoffs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extensive::normal::extreme_equilibria;

    fn bimatrix(a: &[&[f64]], b: &[&[f64]]) -> NormalForm {
        let m = a.len();
        let n = a[0].len();
        // NormalForm stores profiles with player 1's strategy varying fastest.
        let mut payoffs = vec![0.0; m * n * 2];
        for i in 0..m {
            for j in 0..n {
                let k = i + m * j;
                payoffs[2 * k] = a[i][j];
                payoffs[2 * k + 1] = b[i][j];
            }
        }
        let form = NormalForm::new(
            "t",
            vec!["1".into(), "2".into()],
            vec![
                (1..=m).map(|i| i.to_string()).collect(),
                (1..=n).map(|j| j.to_string()).collect(),
            ],
            payoffs,
        )
        .unwrap();
        for i in 0..m {
            for j in 0..n {
                assert_eq!(form.payoff(&[i, j], 0), a[i][j], "layout");
            }
        }
        form
    }

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
    }

    #[test]
    fn matching_pennies_from_every_label() {
        let form = bimatrix(&[&[1.0, -1.0], &[-1.0, 1.0]], &[&[-1.0, 1.0], &[1.0, -1.0]]);
        for k in 0..4 {
            let e = lemke_howson(&form, k).unwrap();
            assert!(close(&e.strategies[0], &[0.5, 0.5]), "{k}: {e:?}");
            assert!(close(&e.strategies[1], &[0.5, 0.5]), "{k}: {e:?}");
            assert!(close(&e.payoffs, &[0.0, 0.0]));
        }
    }

    #[test]
    fn battle_of_the_sexes_reaches_a_pure_equilibrium() {
        // (2,1) (0,0) / (0,0) (1,2): equilibria (1,0)(1,0), (0,1)(0,1), (2/3,1/3)(1/3,2/3).
        let form = bimatrix(&[&[2.0, 0.0], &[0.0, 1.0]], &[&[1.0, 0.0], &[0.0, 2.0]]);
        let e = lemke_howson(&form, 0).unwrap();
        assert!(close(&e.strategies[0], &[1.0, 0.0]), "{e:?}");
        assert!(close(&e.strategies[1], &[1.0, 0.0]), "{e:?}");
        let e = lemke_howson(&form, 1).unwrap();
        assert!(close(&e.strategies[0], &[0.0, 1.0]), "{e:?}");
    }

    /// The 3×2 example game used throughout von Stengel (2002): A = [[3,3],[2,5],[0,6]],
    /// B = [[3,2],[2,6],[3,1]], with three equilibria. By hand from missing label 0: `x_1`
    /// enters P, rows `3x_1 + … + s_1 = 1` and `2x_1 + … + s_2 = 1` give ratios 1/3 and 1/2,
    /// so `s_1` leaves; `y_1` enters Q, rows `3y_1 + 3y_2 + r_1 = 1`, `2y_1 + 5y_2 + r_2 = 1`,
    /// `6y_2 + r_3 = 1` give 1/3, 1/2 and none, so `r_1` (label 0) leaves: two pivots, ending
    /// at the pure equilibrium ((1,0,0), (1,0)).
    #[test]
    fn von_stengels_example() {
        let form = bimatrix(
            &[&[3.0, 3.0], &[2.0, 5.0], &[0.0, 6.0]],
            &[&[3.0, 2.0], &[2.0, 6.0], &[3.0, 1.0]],
        );
        let all = extreme_equilibria(&form).unwrap();
        assert_eq!(all.len(), 3, "{all:?}");
        for k in 0..5 {
            let e = lemke_howson(&form, k).unwrap();
            assert!(
                all.iter().any(|x| close(&x.strategies[0], &e.strategies[0])
                    && close(&x.strategies[1], &e.strategies[1])),
                "label {k}: {e:?} is not one of {all:?}"
            );
        }
        let e = lemke_howson(&form, 0).unwrap();
        assert!(close(&e.strategies[0], &[1.0, 0.0, 0.0]), "{e:?}");
        assert!(close(&e.strategies[1], &[1.0, 0.0]), "{e:?}");
        assert!(close(&e.payoffs, &[3.0, 3.0]));
    }

    #[test]
    fn degenerate_game_ends_at_an_equilibrium() {
        // Entry deterrence in normal form: column 1 is weakly dominated, ties everywhere.
        let form = bimatrix(&[&[0.0, 0.0], &[-1.0, 1.0]], &[&[2.0, 2.0], &[-1.0, 1.0]]);
        let all = extreme_equilibria(&form).unwrap();
        for k in 0..4 {
            let e = lemke_howson(&form, k).unwrap();
            let sum: f64 = e.strategies[0].iter().sum();
            assert!((sum - 1.0).abs() < 1e-12);
            assert!(
                all.iter().any(|x| close(&x.payoffs, &e.payoffs)),
                "label {k}: {e:?}"
            );
        }
    }

    #[test]
    fn refuses_other_games_and_labels() {
        let form = bimatrix(&[&[1.0]], &[&[1.0]]);
        assert!(lemke_howson(&form, 2).is_err());
        let e = lemke_howson(&form, 0).unwrap();
        assert_eq!(e.strategies, vec![vec![1.0], vec![1.0]]);
    }
}
