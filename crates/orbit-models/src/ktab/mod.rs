//! KTAB's Spatial Model of Politics (KAPSARC's toolkit for agent-based bargaining, mirror
//! `lsyaseen/KTAB` at commit 3b5b063), reimplemented from a written description of its code so
//! that its own reference runs are reproduced exactly.
//!
//! - [`prng`]: `std::mt19937_64` plus KTAB's `qTrans`, `uniform` and `probSel` (`KTAB/kutils/libsrc/prng.cpp`).
//! - [`smp`]: state set-up, bargaining turns and the stopping rule (`examples/smp/libsrc/smp.cpp`,
//!   `smpbcn.cpp`, `KTAB/kmodel/libsrc/kmodel.cpp`).
//! - [`monte_carlo`]: many seeded runs over perturbed inputs, in parallel and thread-count independent.

pub mod monte_carlo;
pub mod prng;
pub mod random;
pub mod smp;

pub use prng::KtabRng;
pub use random::{RandomScenario, random_scenario};
pub use smp::{
    SmpError, SmpInput, SmpOptions, SmpRun, StopReason, run_smp, run_smp_with, win_probabilities,
};
