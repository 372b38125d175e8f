//! One module per subcommand; shared loading and error reporting here.

pub mod backtest;
pub mod calibrate;
pub mod compare;
pub mod dependence;
pub mod dispute;
pub mod forecast;
pub mod game;
pub mod panel;
pub mod run;
pub mod serve;
pub mod simulate;
pub mod smp;
pub mod store;
pub mod sweep;
pub mod timeline;
pub mod transit;
pub mod validate;

use std::fmt;
use std::path::Path;
use std::process::ExitCode;

use orbit_scenario::{ScenarioError, World};

/// Input the user gave that does not check; exits with code 1.
#[derive(Debug)]
pub struct InvalidInput(pub String);

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidInput {}

/// An error of a library the user can act on (exit code 1), with its hints, rendered as
/// `error: …` then `  = hint: …` lines.
pub fn invalid<E: std::fmt::Display + orbit_scenario::Hint>(error: E) -> anyhow::Error {
    let mut text = format!("error: {error}");
    for hint in error.hints() {
        text.push_str(&format!("\n  = hint: {hint}"));
    }
    anyhow::Error::new(InvalidInput(text))
}

/// A plan error named by this command's own flag (`orbit simulate --from` is the plan's
/// simulation start).
pub fn invalid_as(flag: &str, error: &orbit_pipeline::PlanError) -> anyhow::Error {
    let mut text = format!("error: `{flag}`: {}", error.problem);
    for hint in &error.hints {
        text.push_str(&format!("\n  = hint: {hint}"));
    }
    anyhow::Error::new(InvalidInput(text))
}

/// Loads `--scenario FILE`, or the built-in scenario.
pub fn load_world(path: Option<&Path>) -> anyhow::Result<World> {
    let loaded = match path {
        Some(path) => orbit_scenario::load_file(path),
        None => orbit_scenario::builtin(),
    };
    loaded.map_err(|e| match e {
        ScenarioError::Io { .. } => anyhow::Error::new(e),
        ScenarioError::Invalid(diagnostics) => {
            anyhow::Error::new(InvalidInput(diagnostics.to_string()))
        }
        other => anyhow::Error::new(InvalidInput(format!("error: {other}"))),
    })
}

/// Prints an error the way uv does (`error:` then causes) and picks the exit code.
pub fn report_error(error: &anyhow::Error) -> ExitCode {
    // A closed pipe (`orbit timeline | head`) is the reader's choice, not an error.
    if is_broken_pipe(error) {
        return ExitCode::SUCCESS;
    }
    if let Some(invalid) = error.downcast_ref::<InvalidInput>() {
        eprintln!("{invalid}");
        return ExitCode::from(1);
    }
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    ExitCode::from(2)
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
            || cause.downcast_ref::<csv::Error>().is_some_and(
                |e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
    })
}
