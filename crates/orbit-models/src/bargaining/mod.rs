//! Bargaining over one issue on a one-dimensional scale: the expected utility model (EUM) of
//! Bueno de Mesquita and the non-strategic baselines of *The European Union Decides*.
//!
//! * [`run_eum`]: the EUM in two variants, [`Variant::Bdm`] (default) and
//!   [`Variant::Scholz2011`] (the reference run of Scholz, Calbert & Smith 2011, every position
//!   within 1e-14 of it: the votes are added in another order).
//! * [`baselines`], [`compromise`], [`weighted_median`], [`median_voter`],
//!   [`nash_bargaining`]: central-tendency models (Thomson et al. 2006).
//! * [`validate`]: the preconditions every function here checks first.
//!
//! Everything is pure: no IO, no printing, no global state; invalid input yields a
//! [`BargainingError`], never a panic. The full model, with numbered equations that the doc
//! comments cite as (E1)…(E12) and (B1)…(B4), is in `docs/models/eum.md`.
//!
//! # Example
//!
//! ```
//! use orbit_models::bargaining::{Actor, BargainingInput, EumOptions, baselines, run_eum};
//!
//! // Three actors on a 0–10 scale: name, capability, position, salience.
//! let input = BargainingInput::new(vec![
//!     Actor::new("A", 0.5, 2.0, 0.9),
//!     Actor::new("B", 0.3, 5.0, 0.6),
//!     Actor::new("C", 0.2, 9.0, 0.8),
//! ]);
//! let base = baselines(&input)?;
//! assert_eq!(base.weighted_median, 2.0);
//! let run = run_eum(&input, &EumOptions::default())?;
//! assert_eq!(run.rounds[0].positions, vec![2.0, 5.0, 9.0]);
//! assert!((2.0..=9.0).contains(&run.forecast));
//! # Ok::<(), orbit_models::bargaining::BargainingError>(())
//! ```
//!
//! # References
//! * Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In
//!   Bueno de Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP, 71–104.
//! * Bueno de Mesquita, B. (1997). A decision making model: its structure and form.
//!   *International Interactions* 23(3–4), 235–266.
//! * Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's group
//!   decision model. *Journal of Theoretical Politics* 23(4) (also ICAART 2011 proceedings).
//! * Thomson, R., Stokman, F. N., Achen, C. H. & König, T. (eds.) (2006). *The European Union
//!   Decides*. Cambridge UP; ch. 4 by Achen, "Institutional realism and bargaining models".
//! * Nash, J. (1950). The bargaining problem. *Econometrica* 18(2), 155–162.

mod baselines;
mod eum;
mod input;

pub use baselines::{
    Baselines, baselines, compromise, median_voter, nash_bargaining, weighted_median,
};
pub use eum::{
    EumOptions, EumResult, Offer, OfferKind, PARALLEL_MIN, Round, StopReason, StopRule, Variant,
    eum_forecast, run_eum,
};
pub use input::{Actor, BargainingError, BargainingInput, validate};
