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
pub mod thesis;
pub mod timeline;
pub mod transit;
pub mod validate;

use std::fmt;
use std::path::Path;
use std::process::ExitCode;

use orbit_scenario::{ScenarioError, World};

/// Input the user gave that does not check, already rendered (validation diagnostics);
/// exits with code 1. Everything else the user can fix is a [`UserError`].
#[derive(Debug)]
pub struct InvalidInput(pub String);

/// Input the user can fix, or a question with no result: exit code 1. [`report_error`]
/// renders it, as every other error, in one place: `error: …`, then `  = hint: …` lines.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hints: Vec<String>,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidInput {}

/// An error of a library the user can act on (exit code 1), with its hints, rendered as
/// `error: …` then `  = hint: …` lines.
pub fn invalid<E: std::fmt::Display + orbit_scenario::Hint>(error: E) -> anyhow::Error {
    anyhow::Error::new(UserError {
        message: error.to_string(),
        hints: error.hints(),
    })
}

/// A plan error named by this command's own flag (`orbit simulate --from` is the plan's
/// simulation start).
pub fn invalid_as(flag: &str, error: &orbit_pipeline::PlanError) -> anyhow::Error {
    anyhow::Error::new(UserError {
        message: format!("`{flag}`: {}", error.problem),
        hints: error.hints.clone(),
    })
}

/// Reads a text input (a scenario, `--overlay`, `--actors`, `--game`) of at most `limit`
/// bytes: the read itself is bounded, so `/dev/zero` is refused at once.
pub fn read_input(path: &Path, limit: u64) -> anyhow::Result<String> {
    orbit_scenario::read::read_text_bounded(path, limit).map_err(|e| match e {
        ScenarioError::Io { .. } => anyhow::Error::new(e),
        other => invalid(other),
    })
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
        other => invalid(other),
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
    if let Some(user) = error.downcast_ref::<UserError>() {
        eprintln!("error: {user}");
        for hint in &user.hints {
            eprintln!("  = hint: {hint}");
        }
        return ExitCode::from(1);
    }
    let message = error.to_string();
    eprintln!("error: {message}");
    // A cause the message already quotes (`cannot read X: No such file`) is not repeated.
    let mut shown = message;
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !shown.contains(&cause) {
            eprintln!("  caused by: {cause}");
            shown.push_str(&cause);
        }
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
