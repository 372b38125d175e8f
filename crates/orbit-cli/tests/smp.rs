//! `orbit smp --format csv` end to end: every KTAB reference run with a history (KTAB's own
//! `smpc`, `crates/orbit-models/tests/data/ktab-refruns/`, source in its README), byte for
//! byte; the small `orbit-smp` binary's tests check the same files, so the two agree.

mod common;

use common::*;

#[test]
fn smp_csv_reproduces_every_reference_history() {
    let dir = repo().join("crates/orbit-models/tests/data/ktab-refruns");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(case) = name.strip_suffix(".meta.json") else {
            continue;
        };
        let history = dir.join(format!("{case}_history.csv"));
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let Some(input) = meta["input_file"].as_str().map(|i| dir.join(i)) else {
            continue;
        };
        if !history.exists() || !input.exists() {
            continue;
        }
        let seed = meta["seed_used"].as_u64().unwrap().to_string();
        let (o, _d) = orbit(&[
            "smp",
            "--input",
            input.to_str().unwrap(),
            "--seed",
            &seed,
            "--format",
            "csv",
        ]);
        assert!(o.status.success(), "{case}: {}", stderr(&o));
        let expected = std::fs::read_to_string(&history)
            .unwrap()
            .replace("\r\n", "\n");
        assert!(stdout(&o) == expected, "{case}: the history differs");
        checked += 1;
    }
    assert!(checked >= 4, "checked {checked}");
}
