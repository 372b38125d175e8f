//! Scenario files for orbit.
pub mod raw;
