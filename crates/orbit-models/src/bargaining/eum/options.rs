//! Options of the EUM: the variant, the stop rule and the status-quo probabilities (E9).

use serde::Serialize;

use crate::bargaining::input::BargainingError;

/// Which EUM to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// The model as BDM (1994) and Scholz et al. (2011) describe it, with the reference
    /// implementation's bugs fixed: pairwise probability of success (E3), capitulation,
    /// least-move offer selection, position range recomputed each round, and a choice of stop
    /// rules. Actors are processed in name order, so results do not depend on input order.
    #[default]
    Bdm,
    /// Reproduces the run of Scholz et al.'s reference code (as replicated by jmckib), every
    /// position within 1e-14 of the published run (measured 7.1e-15: the prefix-sum table adds
    /// the votes in another order than the reference code), quirks included: all-pairs probability denominator (E3'), its compromise-selection key,
    /// no capitulation, position range fixed from the initial data, `Q = 1`, simultaneous
    /// moves, actors processed in input order. Use with [`StopRule::FixedRounds`].
    Scholz2011,
}

/// When to stop iterating rounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopRule {
    /// Exactly this many rounds (Scholz et al. 2011 run 10).
    FixedRounds(usize),
    /// KTAB's rule (SMP, `smp.cpp`): after round `t ≥ 2`, stop when the movement of round `t`
    /// divided by the movement of round 1 is below `threshold`; movement is
    /// `Σ_i |x_i(t) − x_i(t−1)| / Δ₀` (Δ₀ the initial range) and the ratio is
    /// `move_t / (move_1 + 10⁻⁴)`. Also stops as soon as a round moves nobody (a fixed point:
    /// the dynamics are deterministic), and after `max_rounds` rounds at the latest.
    RelativeChange {
        /// KTAB uses 0.02.
        threshold: f64,
        /// Upper bound on the number of rounds (KTAB: 100).
        max_rounds: usize,
    },
    /// Stop when the position vector repeats one of an earlier round exactly (a fixed point or
    /// a cycle), or after `max_rounds` rounds.
    RepeatedState {
        /// Upper bound on the number of rounds.
        max_rounds: usize,
    },
}

/// Options of [`run_eum`]. `Default` is the `bdm` variant with KTAB's stop rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EumOptions {
    /// Which variant.
    pub variant: Variant,
    /// When to stop.
    pub stop: StopRule,
    /// Keep every accepted offer in the result.
    pub record_offers: bool,
    /// `Q` (E9): probability that nothing changes if `i` does not challenge `j`. `bdm` only;
    /// `scholz2011` always uses `Q = 1`. In `[0, 1]`, default 1.
    pub status_quo_prob: f64,
    /// `T` (E9): probability that, absent a challenge, the status quo moves in `i`'s favour.
    /// `bdm` only and only matters when `Q < 1`. In `[0, 1]`, default 0.5.
    pub improvement_prob: f64,
}

impl Default for EumOptions {
    fn default() -> Self {
        Self {
            variant: Variant::Bdm,
            stop: StopRule::RelativeChange {
                threshold: 0.02,
                max_rounds: 100,
            },
            record_offers: true,
            status_quo_prob: 1.0,
            improvement_prob: 0.5,
        }
    }
}

impl EumOptions {
    /// The reference run of Scholz et al. (2011): `scholz2011` variant, 10 fixed rounds.
    pub fn scholz2011() -> Self {
        Self {
            variant: Variant::Scholz2011,
            stop: StopRule::FixedRounds(10),
            ..Self::default()
        }
    }

    /// Check the option values.
    pub fn validate(&self) -> Result<(), BargainingError> {
        let unit = |option: &'static str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(BargainingError::InvalidOption {
                    option,
                    reason: format!("{value} is not in [0, 1]"),
                })
            }
        };
        unit("status_quo_prob", self.status_quo_prob)?;
        unit("improvement_prob", self.improvement_prob)?;
        if let StopRule::RelativeChange { threshold, .. } = self.stop
            && !(threshold.is_finite() && threshold >= 0.0)
        {
            return Err(BargainingError::InvalidOption {
                option: "stop.threshold",
                reason: format!("{threshold} is not a finite number ≥ 0"),
            });
        }
        Ok(())
    }
}
