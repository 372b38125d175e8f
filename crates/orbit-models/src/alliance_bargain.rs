//! The patron–client bargain: cheap energy in exchange for alignment, as an asymmetric Nash
//! bargain with outside options. The equations are numbered as in
//! `docs/models/alliance-bargain.md`.
//!
//! # The bargain
//!
//! The patron `P` (Russia) and the client `C` (Belarus) agree each year on a bundle
//! `(d, a)`: the **discount** `d`, the share of the client's gas bill at the European reference
//! price that the patron forgoes (`d = 1 − p/p_ref`), and the **alignment** `a ∈ [0, 1]` the
//! client concedes (integration steps, votes, bases: the autonomy it gives up). Morrow (1991,
//! *AJPS* 35(4), "Alliances and asymmetry: an alternative to the capability aggregation model
//! of alliances") models an asymmetric alliance as exactly this trade: the minor partner gives
//! up autonomy, the major partner pays with what it has (there security, here energy rents).
//! Payoffs are quasi-linear in the discount, measured in reference gas bills:
//!
//! ```text
//! (1)  U_P(d, a) = v·a − d             the patron values alignment at v per unit
//! (2)  U_C(d, a) = d − (c/2)·a²        the client's autonomy cost is convex (Morrow 1991)
//! ```
//!
//! The impasse point (no discount, no alignment: gas at the reference price, full autonomy)
//! is `(0, 0)`. With transferable utility every Pareto-efficient bundle has the alignment that
//! maximises the joint surplus, and the discount only divides it:
//!
//! ```text
//! (3)  a* = min(1, v/c)
//! (4)  S  = v·a* − (c/2)·a*²           (= v²/(2c) when a* < 1)
//! ```
//!
//! The division is the asymmetric Nash bargaining solution (Nash 1950; Kalai 1977) with the
//! **outside-option principle** of Binmore, Rubinstein & Wolinsky (1986, *RAND J. Econ.*
//! 17(2), "The Nash bargaining solution in economic modelling", §5; also Binmore, Shaked &
//! Sutton 1989, *QJE* 104(4)): in the limit of the alternating-offers game, an outside option
//! is not a threat point but a constraint. The client takes its Nash share `β·S` unless its
//! outside option `o_C` is worth more, in which case it gets exactly `o_C`; when `o_C > S` no
//! bundle is acceptable and the bargain breaks down (`d = 0, a = 0`):
//!
//! ```text
//! (5)  U_C* = max(β·S, o_C)   if o_C ≤ S;   breakdown otherwise
//! (6)  d*   = U_C* + (c/2)·a*²             (from (2))
//! (7)  p*   = (1 − d*)·p_ref,              d* capped at 1 (a price is never negative)
//! ```
//!
//! `β` is the client's bargaining power; in BRW's alternating-offers limit
//! `β = r_P/(r_P + r_C)` with `r` the players' discount rates. The patron's outside option
//! (selling the gas in Europe at `p_ref`, no alignment) is the impasse point itself, 0.
//!
//! # What moves the bargain
//!
//! The covariates are recorded each year in the scenario ([`BargainInputs`]):
//!
//! ```text
//! (8)   v   = v0 + v_τ·τ + v_κ·κ      the patron's need: τ the client's share of the transit
//!                                     game (its alternatives lost), κ the patron's conflict
//!                                     with the West (Western sanctions on the patron in force)
//! (9)   c   = 1 + c_ε·ε               the autonomy cost rises with the client's access to
//!                                     the West ε (the EU's share of its trade): Hirschman's
//!                                     (1945) influence effect weakens as alternatives grow
//! (10)  o_C = max(0, o_ε·ε − o_σ·σ)   the client's outside option: access to the West, less
//!                                     the sanctions σ in force on it
//! ```
//!
//! `c = 1` at `ε = 0` fixes the unit of alignment. Comparative statics that follow (and are
//! property-tested): more transit leverage `τ` never raises the price and never lowers the
//! alignment; a smaller outside option of the client (lower `ε`, more `σ`) never lowers its
//! concessions `a`.

use serde::Serialize;
use thiserror::Error;

/// Errors of the bargain model: parameters or inputs outside their domain.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum BargainError {
    /// A parameter is not finite or outside its range.
    #[error("bargain parameter `{name}` = {value} is outside its range {range}")]
    BadParameter {
        /// The parameter's name as in the equations.
        name: &'static str,
        value: f64,
        /// The allowed range, for the message.
        range: &'static str,
    },
    /// An input is not finite or outside its range.
    #[error("bargain input `{name}` = {value} in {year} is outside its range {range}")]
    BadInput {
        name: &'static str,
        value: f64,
        year: i32,
        range: &'static str,
    },
}

/// The model's parameters, named as in equations (5)–(10).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BargainParams {
    /// `β ∈ [0, 1]`, the client's bargaining power (5).
    pub beta: f64,
    /// `v0 ≥ 0`, the patron's base value of the client's alignment (8).
    pub v0: f64,
    /// `v_τ ≥ 0`, the need added by the client's transit share (8).
    pub v_tau: f64,
    /// `v_κ ≥ 0`, the need added by the patron's conflict with the West (8).
    pub v_kappa: f64,
    /// `c_ε ≥ 0`, the autonomy cost added by access to the West (9).
    pub c_eps: f64,
    /// `o_ε ≥ 0`, the outside option per unit of access to the West (10).
    pub o_eps: f64,
    /// `o_σ ≥ 0`, the outside option lost per sanction measure in force (10).
    pub o_sigma: f64,
}

impl Default for BargainParams {
    /// The symmetric Nash split (`β = 1/2`, equal patience in BRW's limit), no outside option
    /// and a neutral need; the calibration starts here and replaces what the data identify.
    fn default() -> Self {
        Self {
            beta: 0.5,
            v0: 0.5,
            v_tau: 0.0,
            v_kappa: 0.0,
            c_eps: 0.0,
            o_eps: 0.0,
            o_sigma: 0.0,
        }
    }
}

impl BargainParams {
    /// Checks every parameter's range.
    pub fn check(&self) -> Result<(), BargainError> {
        let nonneg: [(&'static str, f64); 6] = [
            ("v0", self.v0),
            ("v_tau", self.v_tau),
            ("v_kappa", self.v_kappa),
            ("c_eps", self.c_eps),
            ("o_eps", self.o_eps),
            ("o_sigma", self.o_sigma),
        ];
        for (name, value) in nonneg {
            if !(value.is_finite() && value >= 0.0) {
                return Err(BargainError::BadParameter {
                    name,
                    value,
                    range: "[0, inf)",
                });
            }
        }
        if !(self.beta.is_finite() && (0.0..=1.0).contains(&self.beta)) {
            return Err(BargainError::BadParameter {
                name: "beta",
                value: self.beta,
                range: "[0, 1]",
            });
        }
        Ok(())
    }
}

/// One year's covariates of the bargain (8)–(10).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BargainInputs {
    pub year: i32,
    /// `τ ∈ [0, 1]`: the client's Shapley share of the year's gas transit game.
    pub transit: f64,
    /// `κ ≥ 0`: Western sanction measures in force on the patron.
    pub patron_conflict: f64,
    /// `ε ∈ [0, 1]`: the EU's share of the client's trade.
    pub west_access: f64,
    /// `σ ≥ 0`: EU sanction measures in force on the client.
    pub sanctions: f64,
}

impl BargainInputs {
    /// Checks every input's range.
    pub fn check(&self) -> Result<(), BargainError> {
        let unit: [(&'static str, f64); 2] =
            [("transit", self.transit), ("west_access", self.west_access)];
        for (name, value) in unit {
            if !(value.is_finite() && (0.0..=1.0).contains(&value)) {
                return Err(BargainError::BadInput {
                    name,
                    value,
                    year: self.year,
                    range: "[0, 1]",
                });
            }
        }
        let counts: [(&'static str, f64); 2] = [
            ("patron_conflict", self.patron_conflict),
            ("sanctions", self.sanctions),
        ];
        for (name, value) in counts {
            if !(value.is_finite() && value >= 0.0) {
                return Err(BargainError::BadInput {
                    name,
                    value,
                    year: self.year,
                    range: "[0, inf)",
                });
            }
        }
        Ok(())
    }
}

/// The bargain of one year: every intermediate quantity of (3)–(10).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BargainSolution {
    pub year: i32,
    /// `v` (8).
    pub need: f64,
    /// `c` (9).
    pub autonomy_cost: f64,
    /// `o_C` (10).
    pub outside_option: f64,
    /// `S` (4).
    pub surplus: f64,
    /// `a*` (3), 0 on breakdown: the client's concession.
    pub alignment: f64,
    /// `U_C*` (5), 0 on breakdown.
    pub client_payoff: f64,
    /// `d*` (6), in `[0, 1]`: the discount below the reference price.
    pub discount: f64,
    /// Whether the outside option bound in (5).
    pub outside_option_binds: bool,
    /// Whether `o_C > S`, so no bundle was agreed (5).
    pub breakdown: bool,
    /// Whether `d*` was capped at 1 in (7).
    pub discount_capped: bool,
}

impl BargainSolution {
    /// `p*/p_ref = 1 − d*` (7).
    pub fn price_ratio(&self) -> f64 {
        1.0 - self.discount
    }
}

/// Solves the bargain of one year, equations (3)–(10).
pub fn solve(
    params: &BargainParams,
    inputs: &BargainInputs,
) -> Result<BargainSolution, BargainError> {
    params.check()?;
    inputs.check()?;
    let need = params.v0 + params.v_tau * inputs.transit + params.v_kappa * inputs.patron_conflict;
    let autonomy_cost = 1.0 + params.c_eps * inputs.west_access;
    let outside_option =
        (params.o_eps * inputs.west_access - params.o_sigma * inputs.sanctions).max(0.0);
    let alignment = (need / autonomy_cost).min(1.0);
    let alignment_cost = 0.5 * autonomy_cost * alignment * alignment;
    let surplus = need * alignment - alignment_cost;
    let year = inputs.year;
    if outside_option > surplus {
        return Ok(BargainSolution {
            year,
            need,
            autonomy_cost,
            outside_option,
            surplus,
            alignment: 0.0,
            client_payoff: 0.0,
            discount: 0.0,
            outside_option_binds: true,
            breakdown: true,
            discount_capped: false,
        });
    }
    let nash_share = params.beta * surplus;
    let outside_option_binds = outside_option > nash_share;
    let client_payoff = nash_share.max(outside_option);
    let raw_discount = client_payoff + alignment_cost;
    Ok(BargainSolution {
        year,
        need,
        autonomy_cost,
        outside_option,
        surplus,
        alignment,
        client_payoff,
        discount: raw_discount.min(1.0),
        outside_option_binds,
        breakdown: false,
        discount_capped: raw_discount > 1.0,
    })
}

/// The bargain's price `p* = (1 − d*)·p_ref` (7), USD per 1000 m3 when `reference` is.
pub fn target_price(
    params: &BargainParams,
    inputs: &BargainInputs,
    reference: f64,
) -> Result<f64, BargainError> {
    Ok(solve(params, inputs)?.price_ratio() * reference)
}

/// The contract stickiness of the recorded price: partial adjustment (Nerlove 1958) of the
/// price toward the bargain's target, `p_t = p_{t−k} + (1 − (1 − μ)^k)·(p*_t − p_{t−k})` for a
/// gap of `k ≥ 1` years since the last recorded price (the target held over the gap). `μ = 0`
/// is persistence, `μ = 1` the bargain itself.
pub fn adjust_price(last_price: f64, target: f64, mu: f64, years: u32) -> f64 {
    let keep = (1.0 - mu).powi(years.min(i32::MAX as u32) as i32);
    target + keep * (last_price - target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(transit: f64, west: f64, sanctions: f64) -> BargainInputs {
        BargainInputs {
            year: 2010,
            transit,
            patron_conflict: 0.0,
            west_access: west,
            sanctions,
        }
    }

    #[test]
    fn rejects_out_of_range() {
        let p = BargainParams {
            beta: 1.5,
            ..BargainParams::default()
        };
        assert!(matches!(
            solve(&p, &inputs(0.1, 0.1, 0.0)),
            Err(BargainError::BadParameter { name: "beta", .. })
        ));
        assert!(matches!(
            solve(&BargainParams::default(), &inputs(f64::NAN, 0.1, 0.0)),
            Err(BargainError::BadInput {
                name: "transit",
                ..
            })
        ));
    }

    #[test]
    fn partial_adjustment_limits() {
        assert_eq!(adjust_price(100.0, 200.0, 0.0, 3), 100.0);
        assert_eq!(adjust_price(100.0, 200.0, 1.0, 1), 200.0);
        assert!((adjust_price(100.0, 200.0, 0.5, 2) - 175.0).abs() < 1e-12);
    }
}
