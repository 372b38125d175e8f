//! The run of orbit, defined once.
//!
//! A run is planned, then computed: [`resolve`] turns raw options (from clap flags or HTTP
//! parameters alike) into a checked [`RunPlan`] against shared [`Limits`], with defaults
//! taken from the scenario's own years; [`run`] computes everything the plan asks for into
//! [`RunResults`], a plain serde struct. `orbit run`, `orbit serve` and `orbit backtest`
//! build a plan and format the results; `orbit-report` only shapes them. A new model plugs
//! in here: a field of [`RunPlan`] (resolved in [`resolve`]), its computation in [`run`], its
//! result a field of [`RunResults`].

pub mod disputes;
pub mod export;
mod limits;
mod plan;
mod run;
pub mod smp;
pub mod thesis;

pub use limits::Limits;
pub use plan::{
    DEFAULT_RUN_DRAWS, DEFAULT_SEED, DEFAULT_SIMULATION_RUNS, ModelChoice, PlanError,
    RawForecastOptions, RawRunOptions, RunPlan, SIMULATION_YEARS_AHEAD, SIMULATION_YEARS_BACK,
    Setting, SimulationPlan, StopChoice, UnknownName, check_cutoff, check_simulation_years,
    default_cutoffs, default_epochs, default_simulation_years, parse_variant, resolve,
    resolve_forecast,
};
pub use run::{PipelineError, Progress, RunResults, Silent, run};
