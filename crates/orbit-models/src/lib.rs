//! Pure numeric models over a validated scenario.
//!
//! Nothing in this crate reads files, prints, or touches the store: models take plain data
//! (and, where they are stochastic, an RNG from the caller) and return plain results.

pub mod alliance_bargain;
pub mod backtest;
pub mod bargaining;
pub mod calibrate;
pub mod dependence;
pub mod design;
pub mod disputes;
pub mod extensive;
pub mod forecast;
pub mod games;
pub mod gas_price;
pub mod ktab;
pub mod panel;
pub mod sensitivity;
pub mod series;
pub mod simulation;
pub mod thesis_backtest;
pub mod transit;
