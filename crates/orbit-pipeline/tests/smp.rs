//! The scenario's spatial issues through KTAB's SMP: the history's shape and range, the same
//! numbers as KTAB's own reader gives for the same data written as a KTAB CSV, and Monte Carlo
//! draws that do not depend on the thread count.

use orbit_models::ktab::{SmpInput, run_smp};
use orbit_pipeline::smp::{SMP_MAX_DRAWS, run_spatial_issues, smp_input};
use orbit_pipeline::{Limits, RawForecastOptions, RawRunOptions, resolve};
use orbit_scenario::ktab::{SmpParameters, read_ktab};

fn plan(draws: usize) -> orbit_pipeline::RunPlan {
    let world = orbit_scenario::builtin().unwrap();
    let raw = RawRunOptions {
        forecast: RawForecastOptions {
            runs: Some(draws),
            ..RawForecastOptions::default()
        },
        no_simulation: true,
        ..RawRunOptions::default()
    };
    resolve(&world, &raw, &Limits::COMMAND_LINE).unwrap()
}

#[test]
fn the_air_base_issue_runs_with_a_history_per_dimension() {
    let world = orbit_scenario::builtin().unwrap();
    let mut notes = Vec::new();
    let results = run_spatial_issues(&world, &plan(0), &mut notes);
    assert!(notes.is_empty(), "{notes:?}");
    let r = &results[0];
    assert_eq!(r.issue, "russian_air_base_2d");
    assert_eq!(r.history.len(), r.turns + 1);
    assert!(r.turns >= 2);
    assert!(r.monte_carlo.is_none(), "no draws asked, none drawn");
    let rows = r.history_rows();
    assert_eq!(rows.len(), (r.turns + 1) * 7 * 2);
    assert_eq!(
        (
            rows[0].turn,
            rows[0].actor,
            rows[0].dimension,
            rows[0].position
        ),
        (0, "RUS", "scope", 90.0)
    );
    assert_eq!(
        (rows[3].actor, rows[3].dimension, rows[3].position),
        ("BLR", "permanence", 10.0)
    );
    for row in &rows {
        assert!((0.0..=100.0).contains(&row.position), "{row:?}");
    }
    // Deterministic: the same plan gives the same numbers.
    assert_eq!(run_spatial_issues(&world, &plan(0), &mut notes), results);
}

/// The issue written as a KTAB SMP CSV (positions and saliences on 0-100) and read by the KTAB
/// reader must give the same input, hence the same history, as the scenario path.
#[test]
fn the_scenario_path_equals_ktab_reading_the_same_data() {
    let world = orbit_scenario::builtin().unwrap();
    let issue = &world.spatial_issues[0];
    let mut csv = format!(
        "{},\"from the scenario\",{},{},\nActor,Description,Power",
        issue.id,
        issue.positions.len(),
        issue.dimensions.len()
    );
    for d in &issue.dimensions {
        csv.push_str(&format!(",{0},{0}_sal", d.id));
    }
    csv.push('\n');
    for p in &issue.positions {
        csv.push_str(&format!("{},x,{}", world.code(p.actor), p.capability));
        for (x, s) in p.position.iter().zip(&p.salience) {
            csv.push_str(&format!(",{x},{}", s * 100.0));
        }
        csv.push('\n');
    }
    let ktab = read_ktab("air_base.csv", &csv).unwrap();
    let from_ktab = SmpInput::from_scenario(&ktab);
    let from_scenario = smp_input(&world, issue);
    assert_eq!(from_ktab.position, from_scenario.position);
    assert_eq!(from_ktab.capability, from_scenario.capability);
    for (a, b) in from_ktab
        .salience
        .iter()
        .flatten()
        .zip(from_scenario.salience.iter().flatten())
    {
        assert!((a - b).abs() < 1e-15, "{a} vs {b}");
    }
    let params = SmpParameters::default();
    let by_ktab = run_smp(&from_ktab, &params, 1).unwrap();
    let mut notes = Vec::new();
    let by_pipeline = &run_spatial_issues(&world, &plan(0), &mut notes)[0];
    assert_eq!(by_ktab.turns(), by_pipeline.turns);
    for (t, state) in by_ktab.positions.iter().enumerate() {
        for (i, x) in state.iter().enumerate() {
            for (d, u) in x.iter().enumerate() {
                let got = by_pipeline.history[t][i][d];
                assert!(
                    (100.0 * u - got).abs() < 1e-9,
                    "turn {t} actor {i} dim {d}: {got} vs {}",
                    100.0 * u
                );
            }
        }
    }
}

#[test]
fn monte_carlo_draws_do_not_depend_on_the_thread_count() {
    let world = orbit_scenario::builtin().unwrap();
    let plan = plan(24);
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run_spatial_issues(&world, &plan, &mut Vec::new()))
    };
    let one = on(1);
    assert_eq!(one, on(2));
    let mc = one[0].monte_carlo.as_ref().expect("draws were asked");
    assert_eq!(mc.draws, 24);
    assert_eq!(mc.succeeded + mc.failed.len(), 24);
    assert!(one_notes_are_silent_under_the_cap(&world));
    for s in &mc.final_positions {
        assert!(s.p5 <= s.p50 && s.p50 <= s.p95, "{s:?}");
        assert!(
            (0.0..=100.0).contains(&s.p5) && (0.0..=100.0).contains(&s.p95),
            "{s:?}"
        );
    }
}

fn one_notes_are_silent_under_the_cap(world: &orbit_scenario::World) -> bool {
    let mut notes = Vec::new();
    run_spatial_issues(world, &plan(3), &mut notes);
    notes.is_empty()
}

#[test]
fn draws_above_the_cap_are_capped_with_a_note() {
    let world = orbit_scenario::builtin().unwrap();
    let mut notes = Vec::new();
    let r = run_spatial_issues(&world, &plan(SMP_MAX_DRAWS + 1), &mut notes);
    assert_eq!(r[0].monte_carlo.as_ref().unwrap().draws, SMP_MAX_DRAWS);
    assert!(
        notes
            .iter()
            .any(|n| n.contains(&format!("{} Monte Carlo draws", SMP_MAX_DRAWS))),
        "{notes:?}"
    );
}
