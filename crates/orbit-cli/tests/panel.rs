//! `orbit panel`: the dyad-year CSV loads with numeric columns, in both orientations, and
//! Python's csv module reads it back (the test pandas users rely on).

use std::process::Command;

fn panel(args: &[&str]) -> (String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_orbit"))
        .arg("panel")
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

const INTEGER: &[&str] = &[
    "ccode1",
    "ccode2",
    "year",
    "military_alliance",
    "union_state",
    "customs_union",
    "economic_union",
    "commonwealth",
    "sanctions_1_on_2",
    "sanctions_2_on_1",
];
const FLOAT: &[&str] = &[
    "flow1",
    "flow2",
    "smoothflow1",
    "smoothflow2",
    "exports_share_1",
    "imports_share_1",
    "exports_share_2",
    "imports_share_2",
    "gas_price_1",
    "gas_volume_1",
    "gas_price_2",
    "gas_volume_2",
];

#[test]
fn the_directed_panel_has_numeric_columns_and_real_rows() {
    let (csv, notes) = panel(&[]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..5],
        ["ccode1", "ccode2", "year", "iso3_1", "iso3_2"]
    );
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut rus_blr_2006 = None;
    let mut rows = 0;
    for line in lines {
        rows += 1;
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        for name in INTEGER {
            cells[col(name)]
                .parse::<i64>()
                .unwrap_or_else(|_| panic!("{name} not an integer in {line}"));
        }
        for name in FLOAT {
            let cell = cells[col(name)];
            // Empty is missing; anything else is a finite number (never a placeholder).
            if !cell.is_empty() {
                let v: f64 = cell.parse().unwrap_or_else(|_| panic!("{name}: {cell}"));
                assert!(v.is_finite());
            }
        }
        if cells[col("iso3_1")] == "RUS"
            && cells[col("iso3_2")] == "BLR"
            && cells[col("year")] == "2006"
        {
            rus_blr_2006 = Some(cells.iter().map(|c| c.to_string()).collect::<Vec<_>>());
        }
    }
    assert!(rows > 1000);
    let r = rus_blr_2006.expect("a RUS-BLR 2006 row");
    assert_eq!(r[col("ccode1")], "365");
    assert_eq!(r[col("ccode2")], "370");
    // COW: flow1 = imports of Russia from Belarus (raw 1,927m), smoothed 6,743m.
    assert_eq!(r[col("flow1")], "1927.0");
    assert_eq!(r[col("smoothflow1")], "6743.0");
    assert_eq!(r[col("union_state")], "1");
    assert_eq!(r[col("gas_price_2")], "46.68");
    // Organisations and firms are left out and said so.
    assert!(notes.contains("`EU` (kind `organisation`) is not a COW state"));
    assert!(notes.contains("`GAZPROM` (kind `firm`)"));
}

#[test]
fn the_non_directed_panel_keeps_ccode1_below_ccode2() {
    let (csv, _) = panel(&["--non-directed"]);
    let mut lines = csv.lines();
    lines.next();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let (a, b): (u32, u32) = (cells[0].parse().unwrap(), cells[1].parse().unwrap());
        assert!(a < b, "{line}");
    }
    let (json, _) = panel(&["--non-directed", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["directed"], false);
    assert!(v["notes"].as_array().unwrap().len() >= 2);
    assert!(v["rows"][0]["flow1"].is_null() || v["rows"][0]["flow1"].is_number());
}

#[test]
fn python_csv_reads_the_panel_back_with_numeric_columns() {
    let Ok(python) = Command::new("python3").arg("--version").output() else {
        eprintln!("python3 not found: the Rust parse checks above still ran");
        return;
    };
    assert!(python.status.success());
    let (csv, _) = panel(&[]);
    let path = std::env::temp_dir().join(format!("orbit-panel-{}.csv", std::process::id()));
    std::fs::write(&path, csv).unwrap();
    let script = format!(
        r#"
import csv, math, sys
ints = {INTEGER:?}
floats = {FLOAT:?}
with open(sys.argv[1], newline="") as f:
    rows = list(csv.DictReader(f))
assert len(rows) > 1000, len(rows)
for r in rows:
    for c in ints:
        int(r[c])
    for c in floats:
        if r[c] != "":
            assert math.isfinite(float(r[c])), (c, r[c])
print(len(rows))
"#
    );
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
