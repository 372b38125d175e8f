//! Plan resolution: defaults from the scenario's own years, limits, refused combinations.

use orbit_pipeline::{
    Limits, RawForecastOptions, RawRunOptions, Setting, default_cutoffs, resolve, resolve_forecast,
};
use orbit_scenario::YearSpan;

fn span(first: i32, last: i32) -> YearSpan {
    YearSpan { first, last }
}

#[test]
fn defaults_come_from_the_scenarios_years() {
    let world = orbit_scenario::builtin().unwrap();
    let plan = resolve(&world, &RawRunOptions::default(), &Limits::COMMAND_LINE).unwrap();
    let sim = plan.simulation.unwrap();
    assert_eq!((sim.from, sim.to), (2015, 2030));
    assert_eq!(sim.settings.runs, 200);
    assert_eq!(plan.backtest_cutoffs, [2005, 2010, 2015, 2019, 2021]);
    assert_eq!(plan.transit_epochs, [2005, 2012, 2020, 2022]);
    assert_eq!(plan.forecast.monte_carlo.unwrap().draws, 1000);

    // A scenario of 2019-2022 keeps the cutoffs inside it; one with none of the published
    // cutoffs inside gets the year before its last.
    assert_eq!(default_cutoffs(span(2019, 2022)), [2019, 2021]);
    assert_eq!(default_cutoffs(span(1950, 1960)), [1959]);
    assert!(default_cutoffs(span(2000, 2000)).is_empty());
}

#[test]
fn limits_and_years_are_refused_with_the_allowed_range() {
    let world = orbit_scenario::builtin().unwrap();
    let limits = Limits::COMMAND_LINE;
    let raw = |f: &dyn Fn(&mut RawRunOptions)| {
        let mut raw = RawRunOptions::default();
        f(&mut raw);
        resolve(&world, &raw, &limits).unwrap_err()
    };
    let e = raw(&|r| r.simulation_runs = Some(limits.simulation_runs + 1));
    assert_eq!(e.setting, Setting::SimulationRuns);
    let e = raw(&|r| r.simulation_from = Some(1500));
    assert_eq!(e.setting, Setting::SimulationFrom);
    assert!(e.hints[0].contains("1991-2022"), "{:?}", e.hints);
    let e = raw(&|r| r.simulation_to = Some(i32::MAX));
    assert_eq!(e.setting, Setting::SimulationTo);
    let e = raw(&|r| r.backtest_cutoffs = Some(vec![2022]));
    assert_eq!(e.setting, Setting::BacktestCutoffs);
    let e = raw(&|r| r.transit_epochs = Some(vec![1900]));
    assert_eq!(e.setting, Setting::TransitEpochs);
    let e = raw(&|r| {
        r.no_simulation = true;
        r.simulation_runs = Some(5);
    });
    assert_eq!(e.setting, Setting::SimulationRuns);
    assert!(e.to_string().contains("--sim-runs"), "{e}");
}

#[test]
fn forecast_rounds_are_bounded_by_the_limits() {
    let raw = RawForecastOptions {
        rounds: Some(1000),
        ..RawForecastOptions::default()
    };
    let e = resolve_forecast(&raw, &Limits::COMMAND_LINE, 0).unwrap_err();
    assert_eq!(e.setting, Setting::Rounds);
    let raw = RawForecastOptions {
        runs: Some(Limits::REQUEST.draws + 1),
        ..RawForecastOptions::default()
    };
    assert_eq!(
        resolve_forecast(&raw, &Limits::REQUEST, 0)
            .unwrap_err()
            .setting,
        Setting::Runs
    );
    assert!(resolve_forecast(&raw, &Limits::COMMAND_LINE, 0).is_ok());
}
