//! `orbit-smp --input FILE [--seed N] [--param NAME=VALUE ...] [--format csv]`: one KTAB SMP
//! run, its history printed as `orbit smp --format csv` prints it (the same bytes). Tables,
//! JSON, Monte Carlo and `--db` are `orbit smp`'s. Exit codes: 0, 1 invalid input, 2 error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use orbit_models::ktab::{SmpInput, run_smp};
use orbit_smp::SmpSetupError;

const USAGE: &str =
    "usage: orbit-smp --input FILE [--seed N] [--param NAME=VALUE ...] [--format csv]

KTAB's Spatial Model of Politics on one KTAB file (SMP CSV, XML, or an
Actor,Capability,Position,Salience table); prints the history as
`turn,actor,dimension,position`, as `orbit smp --format csv` does.
For tables, JSON, Monte Carlo and KTAB's SQLite tables: `orbit smp`.";

struct Args {
    input: PathBuf,
    seed: Option<u64>,
    params: Vec<String>,
}

/// A command-line mistake: the message, then a hint.
fn usage_error(message: String) -> ExitCode {
    eprintln!("error: {message}\n  = hint: `orbit-smp --help` shows the usage");
    ExitCode::from(1)
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut input = None;
    let mut seed = None;
    let mut params = Vec::new();
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|a| format!("argument `{}` is not UTF-8", a.to_string_lossy()))?;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let mut value = || -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => args
                    .next()
                    .and_then(|v| v.into_string().ok())
                    .ok_or_else(|| format!("`{flag}` needs a value")),
            }
        };
        match flag.as_str() {
            "--input" => input = Some(PathBuf::from(value()?)),
            "--seed" => {
                let v = value()?;
                seed = Some(v.parse::<u64>().map_err(|_| {
                    format!("`--seed {v}` must be a whole number from 1 to {}", u64::MAX)
                })?);
            }
            "--param" => params.push(value()?),
            "--format" => {
                let v = value()?;
                if v != "csv" {
                    return Err(format!(
                        "`--format {v}`: `orbit-smp` prints the history as CSV only; `orbit smp --format {v}` prints the rest"
                    ));
                }
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    let input = input.ok_or_else(|| "`--input FILE` is required".to_string())?;
    Ok(Some(Args {
        input,
        seed,
        params,
    }))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => return usage_error(message),
    };
    let setup = || -> Result<_, SmpSetupError> {
        let scenario = orbit_smp::load(&args.input)?;
        let params = orbit_smp::parameters(&scenario, &args.params)?;
        let seed = orbit_smp::seed(&scenario, args.seed)?;
        Ok((scenario, params, seed))
    };
    let (scenario, params, seed) = match setup() {
        Ok(s) => s,
        Err(SmpSetupError::Ktab(rendered)) => {
            eprintln!("{rendered}");
            return ExitCode::from(1);
        }
        Err(e @ SmpSetupError::Read { .. }) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    for note in &scenario.notes {
        eprintln!("note: {note}");
    }
    let input = SmpInput::from_scenario(&scenario);
    let run = match run_smp(&input, &params, seed) {
        Ok(run) => run,
        Err(e) => {
            eprintln!(
                "error: {}: KTAB's SMP refuses this run: {e}",
                args.input.display()
            );
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    match out
        .write_all(orbit_smp::history_csv(&run).as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`orbit-smp ... | head`) is the reader's choice.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the history: {e}");
            ExitCode::from(2)
        }
    }
}
