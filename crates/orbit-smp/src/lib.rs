//! One KTAB SMP run from a KTAB file, shared by `orbit smp` and the small `orbit-smp` binary.
//!
//! KTAB ships its SMP as a dedicated program (`smpc`, KTAB's `examples/smpc/smpc.cpp`); the
//! `orbit-smp` binary is its counterpart: it links only the scenario reader and the models, so
//! that a process that runs one small case starts in a fraction of the time the full `orbit`
//! binary (server, store, report) takes to load (`docs/performance.md`, KTAB section). The
//! history it prints is written here once, so the two binaries agree byte for byte.

use std::path::Path;

use orbit_models::ktab::SmpRun;
use orbit_scenario::ktab::{KTAB_DEFAULT_SEED, KtabScenario, SmpParameters, read_ktab};

/// Why a KTAB run could not be set up. Messages have no `error: ` prefix, except
/// [`SmpSetupError::Ktab`], which is KTAB's file check already rendered line by line.
#[derive(Debug, thiserror::Error)]
pub enum SmpSetupError {
    /// The file cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// The file is over [`orbit_scenario::MAX_FILE_BYTES`].
    #[error("`{path}` is {size} bytes; KTAB inputs are limited to {limit} bytes")]
    TooLarge { path: String, size: u64, limit: u64 },
    /// The file is not UTF-8.
    #[error("`{path}` is not UTF-8 text (first invalid byte at offset {offset})")]
    NotUtf8 { path: String, offset: usize },
    /// KTAB's checks of the file (every problem, located).
    #[error("{0}")]
    Ktab(String),
    /// A `--param` without `=`.
    #[error("`--param {0}` needs NAME=VALUE, e.g. `--param BigRAdjust=Half`")]
    ParamSyntax(String),
    /// A `--param` KTAB does not have, or a value it does not take.
    #[error("--param {param}: {message}")]
    Param { param: String, message: String },
    /// Seed 0.
    #[error(
        "seed 0 means a truly random seed in KTAB, which no one could reproduce\n  = hint: pass any other seed"
    )]
    SeedZero,
}

/// Reads a KTAB file (SMP CSV, XML, or a one-dimensional actor table), bounded in size.
pub fn load(path: &Path) -> Result<KtabScenario, SmpSetupError> {
    let shown = path.display().to_string();
    let read = |source| SmpSetupError::Read {
        path: shown.clone(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read)?.len();
    if size > orbit_scenario::MAX_FILE_BYTES {
        return Err(SmpSetupError::TooLarge {
            path: shown,
            size,
            limit: orbit_scenario::MAX_FILE_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(read)?;
    let text = String::from_utf8(bytes).map_err(|e| SmpSetupError::NotUtf8 {
        path: shown.clone(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    read_ktab(&shown, &text).map_err(|e| SmpSetupError::Ktab(e.to_string()))
}

/// The scenario's parameters (KTAB's defaults when it has none) with `overrides`
/// (`NAME=VALUE`, KTAB's names) applied in order.
pub fn parameters(
    scenario: &KtabScenario,
    overrides: &[String],
) -> Result<SmpParameters, SmpSetupError> {
    let mut params = scenario.parameters.unwrap_or_default();
    for p in overrides {
        let (name, value) = p
            .split_once('=')
            .ok_or_else(|| SmpSetupError::ParamSyntax(p.clone()))?;
        params
            .set(name.trim(), value.trim())
            .map_err(|message| SmpSetupError::Param {
                param: p.clone(),
                message,
            })?;
    }
    Ok(params)
}

/// The seed: the one given, else the XML's `prngSeed`, else KTAB's default; never 0.
pub fn seed(scenario: &KtabScenario, given: Option<u64>) -> Result<u64, SmpSetupError> {
    match given.or(scenario.seed).unwrap_or(KTAB_DEFAULT_SEED) {
        0 => Err(SmpSetupError::SeedZero),
        seed => Ok(seed),
    }
}

/// The history as `turn,actor,dimension,position` (0-based indices, 0–100, shortest round-trip
/// decimals), the layout of KTAB's reference runs.
pub fn history_csv(run: &SmpRun) -> String {
    use std::fmt::Write as _;
    let mut s = String::from("turn,actor,dimension,position\n");
    for (t, state) in run.positions.iter().enumerate() {
        for (i, x) in state.iter().enumerate() {
            for (d, v) in x.iter().enumerate() {
                let _ = writeln!(s, "{t},{i},{d},{}", python_repr(v * 100.0));
            }
        }
    }
    s
}

/// Shortest round-trip decimal as Python's `repr` writes it (`30.0`, `6.370000000000001`,
/// `1e-05`), the notation of KTAB's reference histories, so the two can be compared with `diff`.
pub fn python_repr(v: f64) -> String {
    let s = format!("{v:?}");
    match s.split_once('e') {
        Some((mantissa, exponent)) => {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exponent),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => s,
    }
}
