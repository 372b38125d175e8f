//! Utilities of success, failure and the status quo (E5–E8) and the expected utility of a
//! challenge (E9–E10): BDM (1994); Scholz et al. (2011), with the perceiving actor's exponent in
//! every utility.

/// `base^r`, exact for `r = 1` (where `powf` would also be exact, but slower).
#[inline(always)]
pub(super) fn pow_r(base: f64, r: f64) -> f64 {
    if r == 1.0 { base } else { base.powf(r) }
}

/// Utility of success `U^s` (E5): `2 − 4 (0.5 − 0.5 d)^r` with `d = |x_i − x_j| / Δ`.
/// BDM (1994); Scholz et al. (2011), with the perceiver's exponent `r`.
#[inline(always)]
pub(super) fn u_success(dist: f64, range: f64, r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5 - 0.5 * dist / range, r)
}

/// Utility of failure `U^f` (E6): `2 − 4 (0.5 + 0.5 d)^r`. BDM (1994); Scholz et al. (2011).
#[inline(always)]
pub(super) fn u_failure(dist: f64, range: f64, r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5 + 0.5 * dist / range, r)
}

/// Utility of the status quo `U^sq` (E7): `2 − 4 · 0.5^r`. BDM (1994); Scholz et al. (2011).
#[inline(always)]
pub(super) fn u_status_quo(r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5, r)
}

/// Utilities of the status quo improving / worsening for the challenger, `U^b` and `U^w` (E8):
/// `2 − 4 (0.5 ∓ 0.25 (d_iμ + d_ij))^r`. BDM (1994); Scholz et al. (2011); only used when `Q < 1`.
#[inline(always)]
pub(super) fn u_better_worse(dist_mu: f64, dist: f64, range: f64, r: f64) -> (f64, f64) {
    let spread = 0.25 * (dist_mu / range + dist / range);
    (
        2.0 - 4.0 * pow_r(0.5 - spread, r),
        2.0 - 4.0 * pow_r(0.5 + spread, r),
    )
}

/// `Q` and `T` of (E9): the probability that nothing changes absent a challenge, and that the
/// status quo then moves in the challenger's favour.
#[derive(Debug, Clone, Copy)]
pub(super) struct StatusQuo {
    pub(super) q: f64,
    pub(super) t: f64,
}

impl StatusQuo {
    /// Expected utility (E9–E10) of `challenger` challenging `target`, as perceived with
    /// exponent `r`, given `P = P(challenger beats target)`, the target's salience and the
    /// challenger's distance to the median `dist_mu`:
    ///
    /// `EU = s_t [P U^s + (1 − P) U^f] + (1 − s_t) U^s − {Q U^sq + (1 − Q)[T U^b + (1 − T) U^w]}`.
    ///
    /// BDM (1994; 1997, expected utility of a challenge); Scholz et al. (2011), with the perceiving
    /// actor's exponent in every utility.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)] // the symbols of the equation, kept apart for clarity
    pub(super) fn expected_utility(
        self,
        prob_success: f64,
        target_salience: f64,
        u_success: f64,
        u_failure: f64,
        u_sq: f64,
        dist_mu: f64,
        dist: f64,
        range: f64,
        r: f64,
    ) -> f64 {
        let eu_resist =
            target_salience * (prob_success * u_success + (1.0 - prob_success) * u_failure);
        let eu_not_resist = (1.0 - target_salience) * u_success;
        let eu_status_quo = if self.q == 1.0 {
            self.q * u_sq
        } else {
            let (u_better, u_worse) = u_better_worse(dist_mu, dist, range, r);
            self.q * u_sq + (1.0 - self.q) * (self.t * u_better + (1.0 - self.t) * u_worse)
        };
        eu_resist + eu_not_resist - eu_status_quo
    }
}
