//! Typed series ids (issue 15): canonical names, units, labels, and reading user-given names.

use orbit_models::forecast::Model;
use orbit_models::series::{self, Column, SeriesId, SeriesIdError, Unit};
use orbit_models::simulation::{SimulationSettings, Simulator, monte_carlo};
use orbit_scenario::{Commodity, Hint, TradeFlow, Variable, World};

fn builtin() -> World {
    orbit_scenario::builtin().expect("the built-in scenario is valid")
}

#[test]
fn every_fan_carries_the_id_its_name_is_written_from() {
    let world = builtin();
    let sim = Simulator::new(&world, 2015, 2020).unwrap();
    let settings = SimulationSettings {
        runs: 4,
        ..SimulationSettings::default()
    };
    let result = monte_carlo(&sim, &settings, &|| ()).unwrap();
    let listed = series::simulated(&sim);
    assert_eq!(result.fans.len(), listed.len());
    for (fan, s) in result.fans.iter().zip(&listed) {
        assert_eq!(fan.id, s.id);
        assert_eq!(fan.name, s.name);
        assert_eq!(fan.id.name(&world), fan.name, "the one canonical name");
    }
    // The order the fans have always had: indicators, then EUM, then compromise forecasts.
    let n = world.issues.len();
    let tail: Vec<&SeriesId> = result.fans[result.fans.len() - 2 * n..]
        .iter()
        .map(|f| &f.id)
        .collect();
    for (k, id) in tail.iter().enumerate() {
        let model = if k < n { Model::Eum } else { Model::Compromise };
        assert_eq!(
            **id,
            SeriesId::IssueForecast {
                issue: k % n,
                model
            }
        );
    }
    // The names (CSV columns, JSON `name`, sweep outcomes) are today's strings.
    assert!(
        result
            .fans
            .iter()
            .any(|f| f.name == "eum.deeper_integration")
    );
    assert!(result.fans.iter().any(|f| f.name == "price.gas.BLR"));
}

#[test]
fn units_follow_the_variable_kind() {
    let world = builtin();
    let blr = world.actor_id("BLR").unwrap();
    let rus = world.actor_id("RUS").unwrap();
    let share = SeriesId::Indicator(Variable::TradeShare {
        flow: TradeFlow::Exports,
        reporter: blr,
        partner: rus,
    });
    assert_eq!(share.unit(), Unit::Share);
    assert!(share.unit().is_share());
    assert_eq!(share.name(&world), "trade_share.exports.BLR.RUS");
    let price = SeriesId::Indicator(Variable::Price {
        commodity: Commodity::Gas,
        importer: blr,
    });
    assert_eq!(price.unit(), Unit::Price(Commodity::Gas));
    assert_eq!(price.unit().text(&world), "USD per 1000 m³");
    assert!(!price.unit().is_share());
    let sanctions = SeriesId::Indicator(Variable::Sanctions {
        imposer: world.actor_id("EU").unwrap(),
        target: blr,
    });
    assert_eq!(sanctions.unit(), Unit::Count);
    let forecast = SeriesId::IssueForecast {
        issue: 0,
        model: Model::Eum,
    };
    assert_eq!(forecast.unit(), Unit::IssueScale { issue: 0 });
    assert!(
        forecast
            .label(&world)
            .starts_with("Forecast (expected utility): "),
        "{}",
        forecast.label(&world)
    );
    assert_eq!(
        share.label(&world),
        format!(
            "{}'s exports to {}",
            world.actor(blr).name,
            world.actor(rus).name
        )
    );
}

#[test]
fn model_labels_are_written_once_and_distinct() {
    let labels: Vec<&str> = Model::ALL.iter().map(|m| m.label()).collect();
    assert_eq!(
        labels,
        [
            "expected utility",
            "compromise",
            "weighted median",
            "Nash bargaining"
        ]
    );
}

#[test]
fn user_given_names_are_read_back_or_refused_with_a_hint() {
    let world = builtin();
    let sim = Simulator::new(&world, 2015, 2020).unwrap();
    for s in series::simulated(&sim) {
        assert_eq!(series::parse(&s.name, &sim).unwrap(), s);
    }
    let eum = series::parse("eum.deeper_integration", &sim).unwrap();
    assert!(matches!(eum.column, Column::Eum(_)));

    let err = series::parse("eum.no_such_issue", &sim).unwrap_err();
    assert!(matches!(err, SeriesIdError::UnknownIssue { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "unknown series `eum.no_such_issue`: the scenario has no issue `no_such_issue`"
    );
    assert!(
        err.hints()[0].contains("`russian_air_base`"),
        "{:?}",
        err.hints()
    );

    let err = series::parse("median.deeper_integration", &sim).unwrap_err();
    assert!(
        matches!(
            err,
            SeriesIdError::ModelNotSimulated {
                model: Model::Median,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.hints()[0].contains("`eum`"), "{:?}", err.hints());

    let err = series::parse("gdp.BLR", &sim).unwrap_err();
    assert!(matches!(err, SeriesIdError::UnknownKind { .. }), "{err:?}");
    assert!(
        err.hints()[0].contains("`trade_share`"),
        "{:?}",
        err.hints()
    );

    let err = series::parse("trade_share.exports.BLR.XXX", &sim).unwrap_err();
    assert!(matches!(err, SeriesIdError::NotSimulated { .. }), "{err:?}");
    assert!(
        err.hints()[0].contains("`trade_share.exports.BLR."),
        "{:?}",
        err.hints()
    );
}
