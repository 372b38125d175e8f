//! Pure numeric models over a validated scenario.
//!
//! Nothing in this crate reads files, prints, or touches the store: models take plain data
//! (and, where they are stochastic, an RNG from the caller) and return plain results.

pub mod backtest;
pub mod bargaining;
pub mod dependence;
pub mod design;
pub mod forecast;
pub mod games;
pub mod gas_price;
pub mod sensitivity;
pub mod simulation;
pub mod transit;
