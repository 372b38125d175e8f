//! `run` computes its stages concurrently: the results must be those of the stages run one
//! after another (the order `run` had before they overlapped), notes in the same order, and
//! the same on any thread count.

use orbit_models::backtest::{backtest, latest_codings};
use orbit_models::forecast::{forecast_issue, input_from_issue};
use orbit_models::simulation::{Simulator, monte_carlo};
use orbit_models::transit::{TransitOptions, epoch, epochs};
use orbit_pipeline::{Limits, RawForecastOptions, RawRunOptions, RunPlan, Silent, resolve, run};
use orbit_scenario::World;

fn small_plan(world: &World) -> RunPlan {
    let raw = RawRunOptions {
        forecast: RawForecastOptions {
            runs: Some(16),
            ..RawForecastOptions::default()
        },
        simulation_runs: Some(6),
        backtest_cutoffs: Some(vec![2015, 2019]),
        ..RawRunOptions::default()
    };
    resolve(world, &raw, &Limits::COMMAND_LINE).unwrap()
}

/// The run as it was computed before its stages overlapped: one stage after another.
fn one_after_another(world: &World, plan: &RunPlan) -> serde_json::Value {
    let mut notes = plan.notes.clone();
    let (latest, superseded) = latest_codings(world);
    notes.extend(superseded);
    let forecasts: Vec<_> = latest
        .issues
        .iter()
        .map(|issue| {
            let input = input_from_issue(&latest, issue);
            forecast_issue(&issue.id, Some(&issue.name), &input, &plan.forecast, &|| {}).unwrap()
        })
        .collect();
    let dependence = orbit_models::dependence::profile(world, world.meta.focus, world.meta.patron);
    let figure_checks = orbit_models::dependence::figure_checks(world, &dependence);
    let options = TransitOptions::default();
    let kept: Vec<i32> = plan
        .transit_epochs
        .iter()
        .copied()
        .filter(|&y| epoch(world, y, &options).is_ok())
        .collect();
    assert_eq!(
        kept, plan.transit_epochs,
        "every epoch of the built-in scenario has a gas network"
    );
    let transit = epochs(world, &kept, &options).unwrap();
    let sim_plan = plan.simulation.as_ref().unwrap();
    let sim = Simulator::new(&latest, sim_plan.from, sim_plan.to).unwrap();
    let simulation = monte_carlo(&sim, &sim_plan.settings, &|| {}).unwrap();
    let backtests: Vec<_> = plan
        .backtest_cutoffs
        .iter()
        .map(|&c| backtest(world, c, &sim_plan.settings).unwrap())
        .collect();
    let thesis = plan
        .thesis
        .as_ref()
        .and_then(|t| orbit_pipeline::thesis::section(world, t, &backtests, &mut notes));
    let smp = orbit_pipeline::smp::run_spatial_issues(world, plan, &mut notes);
    let disputes = orbit_pipeline::disputes::section(
        world,
        &orbit_pipeline::disputes::settings(plan),
        &mut notes,
    );
    serde_json::json!({
        "plan": plan,
        "forecasts": forecasts,
        "dependence": dependence,
        "figure_checks": figure_checks,
        "transit": transit,
        "simulation": simulation,
        "backtest": backtests,
        "smp": smp,
        "disputes": disputes,
        "thesis": thesis,
        "notes": notes,
    })
}

fn on_threads(threads: usize, world: &World, plan: &RunPlan) -> serde_json::Value {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| serde_json::to_value(run(world, plan, &Silent).unwrap()).unwrap())
}

#[test]
fn the_concurrent_run_equals_its_stages_one_after_another_on_any_thread_count() {
    let world = orbit_scenario::builtin().unwrap();
    let plan = small_plan(&world);
    let serial = one_after_another(&world, &plan);
    assert!(serial["thesis"].is_object(), "the plan has a thesis stage");
    let one = on_threads(1, &world, &plan);
    assert_eq!(one, serial);
    assert_eq!(on_threads(3, &world, &plan), serial);
}

#[test]
fn a_failing_stage_is_reported_as_before() {
    // A backtest cutoff the scenario cannot score is refused by the plan, so the first error
    // `run` can meet is a forecast's; the other stages still run but the error is the same.
    let mut world = orbit_scenario::builtin().unwrap();
    let plan = small_plan(&world);
    let issue = &mut world.issues[0];
    for p in &mut issue.positions {
        p.capability = f64::NAN;
    }
    let id = issue.id.clone();
    let error = run(&world, &plan, &Silent).unwrap_err();
    assert!(
        matches!(&error, orbit_pipeline::PipelineError::Forecast { issue, .. } if *issue == id),
        "{error}"
    );
}
