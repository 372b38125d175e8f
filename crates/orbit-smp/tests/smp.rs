//! `orbit-smp` end to end: the history of every KTAB reference run (KTAB's own `smpc`, the
//! runs in `crates/orbit-models/tests/data/ktab-refruns/`, whose README names their source),
//! byte for byte, and its errors. `orbit smp --format csv` prints the same bytes because both
//! binaries write the history with `orbit_smp::history_csv` (its CLI tests check the same
//! reference runs).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use orbit_models::ktab::{SmpInput, run_smp};
use orbit_scenario::ktab::{KTAB_DEFAULT_SEED, SmpParameters, read_ktab};
use orbit_smp::{history_csv, python_repr};

fn refruns() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../orbit-models/tests/data/ktab-refruns")
}

fn orbit_smp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orbit-smp"))
        .args(args)
        .output()
        .expect("orbit-smp runs")
}

#[test]
fn python_repr_matches_the_reference_notation() {
    assert_eq!(python_repr(30.0), "30.0");
    assert_eq!(python_repr(0.07 * 100.0), "7.000000000000001");
    assert_eq!(python_repr(1e-5), "1e-05");
    assert_eq!(python_repr(1.5e-7), "1.5e-07");
    assert_eq!(python_repr(0.0001), "0.0001");
}

#[test]
fn the_csv_history_is_byte_identical_to_ktabs_reference_run() {
    let dir = refruns();
    let text = std::fs::read_to_string(dir.join("inputs/SOE-Pol-Comp.csv")).unwrap();
    let s = read_ktab("soe.csv", &text).unwrap();
    let run = run_smp(
        &SmpInput::from_scenario(&s),
        &SmpParameters::default(),
        KTAB_DEFAULT_SEED,
    )
    .unwrap();
    let expected =
        std::fs::read_to_string(dir.join("SOE-Pol-Comp_seed15455440707583219804_history.csv"))
            .unwrap()
            .replace("\r\n", "\n");
    assert_eq!(history_csv(&run), expected);
}

/// Every reference run with a history and a plain input file (parameters in the file, seed
/// in the meta file), through the binary.
#[test]
fn the_binary_reproduces_every_reference_history() {
    let dir = refruns();
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(case) = name.strip_suffix(".meta.json") else {
            continue;
        };
        let history = dir.join(format!("{case}_history.csv"));
        if !history.exists() {
            continue;
        }
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let Some(input) = meta["input_file"].as_str() else {
            continue;
        };
        let input = dir.join(input);
        if !input.exists() {
            continue;
        }
        let seed = meta["seed_used"].as_u64().unwrap().to_string();
        let o = orbit_smp(&["--input", input.to_str().unwrap(), "--seed", &seed]);
        assert!(
            o.status.success(),
            "{case}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let expected = std::fs::read_to_string(&history)
            .unwrap()
            .replace("\r\n", "\n");
        assert!(
            String::from_utf8(o.stdout).unwrap() == expected,
            "{case}: the history differs from KTAB's"
        );
        checked.push(case.to_string());
    }
    assert!(checked.len() >= 4, "checked only {checked:?}");
}

#[test]
fn errors_are_located_and_exit_with_one() {
    let o = orbit_smp(&["--format", "json", "--input", "x.csv"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("error: `--format json`: `orbit-smp` prints the history as CSV only"),
        "{err}"
    );
    let o = orbit_smp(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`--input FILE` is required"));
    let input = refruns().join("inputs/dummyData_3Dim.csv");
    let o = orbit_smp(&["--input", input.to_str().unwrap(), "--seed", "0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("seed 0 means a truly random seed"));
    let o = orbit_smp(&["--input", input.to_str().unwrap(), "--param", "Nope=1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("error: --param Nope=1: "));
    let o = orbit_smp(&["--input", "/nonexistent/case.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .starts_with("error: cannot read `/nonexistent/case.csv`: ")
    );
    let bad = std::env::temp_dir().join(format!("orbit-smp-bad-{}.csv", std::process::id()));
    std::fs::write(&bad, "Actor,Description,Power\nA,a\n").unwrap();
    let o = orbit_smp(&["--input", bad.to_str().unwrap()]);
    std::fs::remove_file(&bad).unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error: "));
}
