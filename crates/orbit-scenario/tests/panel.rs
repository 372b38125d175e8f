//! The panel's record kinds: raw/smoothed trade flows, EUR records, reference price series.
//! Each rule gets a bad input whose problem must come back located.

use orbit_scenario::{FlowVariant, ReportedBy, ScenarioError, load_str};

const EXAMPLE: &str = include_str!("../../../scenarios/example.toml");

/// The example with `extra` appended; its problems (message, line) or the loaded world.
fn load(extra: &str) -> Result<orbit_scenario::World, Vec<(String, usize)>> {
    let text = format!("{EXAMPLE}\n{extra}");
    load_str("test.toml", &text).map_err(|e| match e {
        ScenarioError::Invalid(d) => d
            .problems
            .into_iter()
            .map(|p| (p.message, p.location.map_or(0, |l| l.line)))
            .collect(),
        other => panic!("expected located problems, got {other}"),
    })
}

/// 1-based line of `needle` inside `extra` once appended to the example.
fn line_of(extra: &str, needle: &str) -> usize {
    let text = format!("{EXAMPLE}\n{extra}");
    text[..text.rfind(needle).unwrap()].matches('\n').count() + 1
}

fn expect_problem(extra: &str, message: &str, at: &str) {
    let problems = load(extra).expect_err("the scenario must not load");
    let line = line_of(extra, at);
    assert!(
        problems
            .iter()
            .any(|(m, l)| m.contains(message) && *l == line),
        "no `{message}` at line {line}: {problems:?}"
    );
}

const COW: &str = r#"
[[trade]]
reporter = "BLR"
partner = "POL"
year = 2020
flow = "exports"
raw_usd = 1.0e9
smoothed_usd = 2.5e9
uses = "smoothed"
reported_by = "partner"
source = "COW Dyadic Trade v4.0"
"#;

#[test]
fn raw_and_smoothed_flows_load_with_the_used_value() {
    let world = load(COW).unwrap();
    let t = world.trade.last().unwrap();
    assert_eq!(t.value_usd, Some(2.5e9));
    let v = t.variants.unwrap();
    assert_eq!(v.uses, FlowVariant::Smoothed);
    assert!(v.disagree(), "2.5e9 > 2 x 1e9");
    assert_eq!(t.reported_by, Some(ReportedBy::Partner));
}

#[test]
fn variants_need_uses_and_exclude_value_usd() {
    expect_problem(
        &COW.replace("uses = \"smoothed\"\n", ""),
        "need `uses`",
        "raw_usd",
    );
    expect_problem(
        &COW.replace(
            "uses = \"smoothed\"",
            "uses = \"smoothed\"\nvalue_usd = 3.0",
        ),
        "not both",
        "value_usd = 3.0",
    );
    expect_problem(
        &COW.replace("smoothed_usd = 2.5e9\n", ""),
        "has no `smoothed_usd`",
        "uses =",
    );
    expect_problem(
        &COW.replace("uses = \"smoothed\"", "uses = \"average\""),
        "uses",
        "uses =",
    );
    expect_problem(
        &COW.replace("reported_by = \"partner\"", "reported_by = \"mirror\""),
        "reported_by",
        "reported_by =",
    );
}

#[test]
fn a_eur_record_loads_without_a_usd_value() {
    let world = load(
        r#"
[[trade]]
reporter = "BLR"
partner = "EU"
year = 2021
flow = "exports"
value_eur = 5.97e9
source = "Eurostat"
"#,
    )
    .unwrap();
    let t = world.trade.last().unwrap();
    assert_eq!(
        (t.value_eur, t.value_usd, t.share),
        (Some(5.97e9), None, None)
    );
}

const BENCH: &str = r#"
[[benchmarks]]
series = "wb_ngas_europe"
name = "World Bank Natural gas, Europe"
commodity = "gas"
year = 2020
value = 3.24
unit = "USD/mmbtu"
source = "World Bank Pink Sheet"

[[benchmarks]]
series = "wb_ngas_europe"
name = "World Bank Natural gas, Europe"
commodity = "gas"
year = 2019
value = 4.8
unit = "USD/mmbtu"
source = "World Bank Pink Sheet"
"#;

#[test]
fn benchmark_series_are_typed_yearly_series() {
    let world = load(BENCH).unwrap();
    let years: Vec<i32> = world
        .benchmark_series("wb_ngas_europe")
        .map(|b| b.year)
        .collect();
    assert_eq!(years, [2019, 2020], "sorted by year");
    assert_eq!(world.benchmark("wb_ngas_europe", 2020).unwrap().value, 3.24);
    assert!(
        world.benchmark("wb_ngas_europe", 2021).is_none(),
        "missing is missing"
    );
    assert_eq!(world.benchmark_series_ids(), ["wb_ngas_europe"]);
}

#[test]
fn a_benchmark_series_has_one_value_per_year_and_one_unit() {
    let dup = BENCH.replace("year = 2019", "year = 2020");
    let problems = load(&dup).err().unwrap();
    assert!(
        problems
            .iter()
            .any(|(m, _)| m.contains("second value for 2020")),
        "{problems:?}"
    );
    expect_problem(
        &BENCH.replacen("unit = \"USD/mmbtu\"", "unit = \"USD per 1000 m3\"", 1),
        "differs from the series' unit",
        "unit = \"USD/mmbtu\"",
    );
    expect_problem(
        &BENCH.replace("value = 4.8", "value = -1.0"),
        "value",
        "value = -1.0",
    );
}

// ---- hindsight ---------------------------------------------------------------------------

#[test]
fn the_builtin_scenario_passes_the_hindsight_check() {
    let world = orbit_scenario::builtin().unwrap();
    for issue in &world.issues {
        for p in &issue.positions {
            if let Some(d) = p.source_date {
                assert!(d.first_day() <= issue.as_of.last_day(), "{}: {d}", issue.id);
            }
        }
        for o in &issue.outcomes {
            assert!(
                o.date.last_day() >= issue.as_of.first_day(),
                "{}: {}",
                issue.id,
                o.date
            );
        }
    }
}

// The reintroduced leaks (one of each kind, located) are tested in `tests/hindsight.rs`.

#[test]
fn the_snapshot_known_at_a_date_is_the_latest_coding_before_it() {
    use orbit_scenario::PartialDate;
    let world = orbit_scenario::builtin().unwrap();
    let at = |d: &str| {
        world
            .issue_snapshot_at("russian_air_base", PartialDate::parse(d).unwrap())
            .map(|i| i.id.as_str())
    };
    assert_eq!(at("2014-12"), None, "no coding existed yet");
    assert_eq!(at("2015-10"), Some("russian_air_base_2015"));
    assert_eq!(at("2019-10"), Some("russian_air_base_2015"));
    assert_eq!(at("2019"), Some("russian_air_base_2019"));
    assert_eq!(at("2021-08-31"), Some("russian_air_base"));
}
