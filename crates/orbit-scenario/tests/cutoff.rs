//! `World::as_of`: the scenario as known at the end of a year (issue 15, item 4). A record
//! dated after the cutoff is invisible in the cut world; one dated on or before it is kept.

use orbit_scenario::World;

/// Records compared by their debug text (`TradeRecord` has no `PartialEq`).
fn keys<T: std::fmt::Debug>(records: &[T]) -> Vec<String> {
    records.iter().map(|r| format!("{r:?}")).collect()
}

fn builtin() -> World {
    orbit_scenario::builtin().expect("the built-in scenario is valid")
}

#[test]
fn nothing_dated_after_the_cutoff_is_visible() {
    let world = builtin();
    for cutoff in [2005, 2015, 2020] {
        let (past, notes) = world.as_of(cutoff);
        assert!(past.meta.years.last <= cutoff.max(world.meta.years.first));
        assert!(past.trade.iter().all(|t| t.year <= cutoff));
        assert!(past.energy.iter().all(|e| e.year <= cutoff));
        assert!(past.indicators.iter().all(|i| i.years.last <= cutoff));
        assert!(past.events.iter().all(|e| e.date.year <= cutoff));
        assert!(
            past.events
                .iter()
                .all(|e| e.end_date.is_none_or(|d| d.year <= cutoff))
        );
        assert!(past.sanctions.iter().all(|s| s.start.year <= cutoff));
        assert!(
            past.sanctions
                .iter()
                .all(|s| s.end.is_none_or(|d| d.year <= cutoff))
        );
        assert!(past.alliances.iter().all(|a| a.signed.year <= cutoff));
        assert!(
            past.pipelines
                .iter()
                .all(|p| p.opened.is_none_or(|y| y <= cutoff))
        );
        assert!(
            past.pipelines
                .iter()
                .all(|p| p.closed.is_none_or(|y| y <= cutoff))
        );
        assert!(past.issues.iter().all(|i| i.as_of.year <= cutoff));
        assert!(
            past.issues
                .iter()
                .flat_map(|i| &i.outcomes)
                .all(|o| o.date.year <= cutoff)
        );
        assert!(past.claims.is_empty(), "claims carry no date");
        assert!(!notes.is_empty());
        // Every link still points at a kept issue.
        for link in &past.links {
            for v in [link.from, link.to] {
                if let orbit_scenario::Variable::Position { issue, .. }
                | orbit_scenario::Variable::Salience { issue, .. } = v
                {
                    assert!(issue < past.issues.len(), "link `{}`", link.id);
                }
            }
        }
    }
}

/// One record moved past the cutoff disappears from the cut world; left before it, it stays.
#[test]
fn a_trade_record_after_the_cutoff_is_invisible() {
    let world = builtin();
    let record = world
        .trade
        .iter()
        .find(|t| t.year == 2020 && t.share.is_some())
        .expect("the built-in scenario has a 2020 trade share")
        .clone();
    let record = format!("{record:?}");
    let (at_2020, _) = world.as_of(2020);
    assert!(keys(&at_2020.trade).contains(&record));
    let (at_2019, _) = world.as_of(2019);
    assert!(!keys(&at_2019.trade).contains(&record));
    assert!(at_2019.trade.len() < at_2020.trade.len());
}

/// Cutting is idempotent and a cutoff past the scenario's end changes no record.
#[test]
fn cutting_twice_is_cutting_once() {
    let world = builtin();
    let (once, _) = world.as_of(2015);
    let (twice, _) = once.as_of(2015);
    assert_eq!(keys(&once.trade), keys(&twice.trade));
    assert_eq!(once.events.len(), twice.events.len());
    assert_eq!(once.issues.len(), twice.issues.len());
    let (all, _) = world.as_of(world.meta.years.last + 5);
    assert_eq!(keys(&all.trade), keys(&world.trade));
    assert_eq!(all.energy.len(), world.energy.len());
    assert_eq!(all.events.len(), world.events.len());
}
