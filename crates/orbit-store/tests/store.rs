//! orbit-store's integration tests: building, querying, migrating, saving and reopening.

use std::path::Path;

use orbit_scenario::{PartialDate, World};
use orbit_store::{SCHEMA_VERSION, Store, StoreError, TimelineQuery, TimelineRow};
use proptest::prelude::*;

const FIXTURE: &str = include_str!("data/timeline.toml");
const EXAMPLE: &str = include_str!("../../../scenarios/example.toml");

fn fixture() -> World {
    orbit_scenario::load_str("timeline.toml", FIXTURE).expect("the fixture is valid")
}

fn example() -> World {
    orbit_scenario::load_str("example.toml", EXAMPLE).expect("the example is valid")
}

fn store() -> Store {
    Store::build_from_world(&fixture()).expect("the fixture loads")
}

fn date(text: &str) -> Option<PartialDate> {
    Some(PartialDate::parse(text).expect("a valid test date"))
}

fn ids(rows: &[TimelineRow]) -> Vec<&str> {
    rows.iter().map(|r| r.id.as_str()).collect()
}

/// Runs `query` on the fixture and checks the ids returned, in order.
#[track_caller]
fn check(query: TimelineQuery, expected: &[&str]) {
    let rows = store().timeline(&query).expect("the query runs");
    assert_eq!(ids(&rows), expected, "query: {query:?}");
}

fn actors(codes: &[&str]) -> TimelineQuery {
    TimelineQuery {
        actors: codes.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    }
}

fn kinds(kinds: &[&str]) -> TimelineQuery {
    TimelineQuery {
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        ..Default::default()
    }
}

fn range(from: &str, to: &str) -> TimelineQuery {
    TimelineQuery {
        from: (!from.is_empty()).then(|| date(from)).flatten(),
        to: (!to.is_empty()).then(|| date(to)).flatten(),
        ..Default::default()
    }
}

fn search(text: &str) -> TimelineQuery {
    TimelineQuery {
        search: Some(text.to_string()),
        ..Default::default()
    }
}

/// Every fixture event, in the order the store returns them.
const ALL: &[&str] = &[
    "2004-02-18-gas-cutoff",
    "2004-07-transit",
    "2011-beltransgaz",
    "2015-10-no-bases",
    "2020-08-09-election",
    "2020-08-16-march",
    "2020-10-02-blr-countersanctions",
    "2020-10-02-eu-sanctions",
    "2021-border-crisis",
    "2021-06-24-sectoral",
];

#[test]
fn builds_from_the_fixture_with_every_row() {
    let world = fixture();
    let store = Store::build_from_world(&world).unwrap();
    let counts = store.counts().unwrap();
    assert_eq!(counts.events, world.events.len());
    assert_eq!(counts.actors, world.actors.len());
    assert_eq!(counts.indicators, world.indicators.len());
    assert_eq!(counts.trade, world.trade.len());
    assert_eq!(counts.energy, world.energy.len());
    assert_eq!(counts.sanctions, world.sanctions.len());
    // Sources are interned: the fixture cites 10 distinct texts.
    assert_eq!(counts.sources, 10);
    assert_eq!(
        store.scenario_id().unwrap().as_deref(),
        Some("store-fixture")
    );
    assert!(store.is_built_from(&world).unwrap());
    assert!(!store.is_built_from(&example()).unwrap());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(
        store.actor_codes().unwrap(),
        ["BLR", "EU", "GAZPROM", "POL", "RUS"]
    );
}

#[test]
fn the_default_query_returns_everything_by_first_day_then_id() {
    // `2021-border-crisis` (first day 2021-01-01) precedes `2021-06-24-sectoral`; the two
    // events of 2020-10-02 are ordered by id, not by their order in the file.
    check(TimelineQuery::default(), ALL);
}

#[test]
fn rows_carry_every_field() {
    let rows = store().timeline(&search("counter-sanctions")).unwrap();
    assert_eq!(
        rows,
        [TimelineRow {
            id: "2020-10-02-blr-countersanctions".into(),
            date: "2020-10-02".into(),
            end_date: None,
            kind: "sanction".into(),
            actors: vec!["BLR".into(), "EU".into()],
            description: "Belarus announces counter-sanctions against the EU".into(),
            quantity: None,
            unit: None,
            key: false,
            note: None,
            source: "orbit-store test fixture".into(),
        }]
    );
    let rows = store().timeline(&search("potash")).unwrap();
    assert_eq!(rows[0].end_date.as_deref(), Some("2022"));
    assert!(rows[0].key);
    let rows = store().timeline(&search("50%")).unwrap();
    assert_eq!(rows[0].date, "2011", "the date as written, not a day");
    assert_eq!(rows[0].quantity, Some(50.0));
    assert_eq!(rows[0].unit.as_deref(), Some("percent"));
}

#[test]
fn rows_serialize_to_json() {
    let rows = store().timeline(&search("Мінск")).unwrap();
    let json = serde_json::to_value(&rows).unwrap();
    assert_eq!(json[0]["id"], "2020-08-16-march");
    assert_eq!(json[0]["actors"], serde_json::json!(["BLR"]));
    assert_eq!(json[0]["note"], serde_json::Value::Null);
}

#[test]
fn actors_keep_events_involving_any_of_them() {
    check(actors(&["POL"]), &["2021-border-crisis"]);
    check(
        actors(&["GAZPROM"]),
        &["2004-02-18-gas-cutoff", "2011-beltransgaz"],
    );
    check(
        actors(&["POL", "GAZPROM"]),
        &[
            "2004-02-18-gas-cutoff",
            "2011-beltransgaz",
            "2021-border-crisis",
        ],
    );
    // An event involving several listed actors appears once.
    check(actors(&["BLR", "EU"]), ALL);
}

#[test]
fn actor_codes_match_case_insensitively_and_keep_their_order() {
    check(actors(&["pol"]), &["2021-border-crisis"]);
    let rows = store().timeline(&actors(&["eu"])).unwrap();
    let eu = rows
        .iter()
        .find(|r| r.id == "2020-10-02-eu-sanctions")
        .unwrap();
    assert_eq!(eu.actors, ["EU", "BLR"]);
    let crisis = rows.iter().find(|r| r.id == "2021-border-crisis").unwrap();
    assert_eq!(crisis.actors, ["BLR", "POL", "EU"]);
}

#[test]
fn unknown_actors_and_kinds_are_errors() {
    let store = store();
    match store.timeline(&actors(&["BLR", "XXX"])) {
        Err(StoreError::UnknownActor(code)) => assert_eq!(code, "XXX"),
        other => panic!("expected UnknownActor, got {other:?}"),
    }
    match store.timeline(&kinds(&["sanctions"])) {
        Err(e @ StoreError::UnknownKind(_)) => {
            assert_eq!(e.to_string(), "unknown event kind `sanctions`");
            assert!(e.hint().unwrap().contains("`sanction`"));
        }
        other => panic!("expected UnknownKind, got {other:?}"),
    }
    assert!(matches!(
        store.timeline(&actors(&[""])),
        Err(StoreError::UnknownActor(_))
    ));
}

#[test]
fn kinds_keep_events_of_any_of_them() {
    check(
        kinds(&["sanction"]),
        &[
            "2020-10-02-blr-countersanctions",
            "2020-10-02-eu-sanctions",
            "2021-06-24-sectoral",
        ],
    );
    check(
        kinds(&["ELECTION", "protest"]),
        &["2020-08-09-election", "2020-08-16-march"],
    );
    check(kinds(&["military_exercise"]), &[]);
}

#[test]
fn from_keeps_events_that_may_end_on_or_after_it() {
    // `2004-07` may mean 2004-07-15, so it is kept; 2004-02-18 is not.
    check(range("2004-07-15", ""), &ALL[1..]);
    check(range("2004-07-31", ""), &ALL[1..]);
    check(range("2004-08", ""), &ALL[2..]);
    // `2011` may mean 2011-12-31.
    check(range("2011-12-31", ""), &ALL[2..]);
    check(range("2012", ""), &ALL[3..]);
    // `end_date` plays no part: the sectoral sanctions (2021-06-24, until 2022) are dropped.
    check(range("2021-12-31", ""), &["2021-border-crisis"]);
    check(range("2022", ""), &[]);
}

#[test]
fn to_keeps_events_that_may_start_on_or_before_it() {
    check(range("", "2004-06-30"), &ALL[..1]);
    check(range("", "2004-07-01"), &ALL[..2]);
    // `2011` may mean 2011-01-01, and `2011-06` ends after it.
    check(range("", "2011-01-01"), &ALL[..3]);
    check(range("", "2010"), &ALL[..2]);
    check(range("", "2021-01-01"), &ALL[..9]);
    check(range("", "2003"), &[]);
}

#[test]
fn from_and_to_together() {
    check(
        range("2020-10-02", "2020-10-02"),
        &["2020-10-02-blr-countersanctions", "2020-10-02-eu-sanctions"],
    );
    check(range("2020-08", "2020-08"), &ALL[4..6]);
    check(range("2021", "2021"), &ALL[8..]);
    // A day inside a month-precision event's month keeps it from both sides.
    check(range("2004-07-10", "2004-07-20"), &["2004-07-transit"]);
    check(range("2015", "2015"), &["2015-10-no-bases"]);
}

#[test]
fn a_range_that_ends_before_it_starts_is_an_error() {
    match store().timeline(&range("2021-06", "2021-05-31")) {
        Err(StoreError::EmptyRange { from, to }) => {
            assert_eq!((from.as_str(), to.as_str()), ("2021-06", "2021-05-31"));
        }
        other => panic!("expected EmptyRange, got {other:?}"),
    }
    // A day inside the `to` month is not after it.
    check(
        range("2021-06-24", "2021-06"),
        &["2021-border-crisis", "2021-06-24-sectoral"],
    );
}

#[test]
fn search_ignores_case() {
    let gazprom = ["2004-02-18-gas-cutoff", "2011-beltransgaz"];
    check(search("gazprom"), &gazprom);
    check(search("GAZPROM"), &gazprom);
    check(search("мінск"), &["2020-08-16-march"]);
    check(search("МІНСК"), &["2020-08-16-march"]);
}

#[test]
fn search_looks_at_description_note_and_source() {
    check(search("targeted listings"), &["2020-10-02-eu-sanctions"]);
    check(search("tass"), &["2020-08-09-election"]);
    let fixture_sourced: Vec<&str> = ALL
        .iter()
        .copied()
        .filter(|id| !["2020-08-09-election", "2020-10-02-eu-sanctions"].contains(id))
        .collect();
    check(search("TEST FIXTURE"), &fixture_sourced);
    // Not across fields: the description's end and the source's start.
    check(search("history orbit-store"), &[]);
    check(search(""), ALL);
}

#[test]
fn search_treats_like_wildcards_literally() {
    check(search("50%"), &["2011-beltransgaz"]);
    check(search("%"), &["2011-beltransgaz"]);
    check(search("_"), &["2015-10-no-bases"]);
    check(search("air_base"), &["2015-10-no-bases"]);
    // `_` would match the space in "air base" if it were a wildcard.
    check(search("russian_air"), &["2015-10-no-bases"]);
    check(search("planes_-"), &[]);
    check(search("%%"), &[]);
    check(search(r"\"), &[]);
    check(search(r"50\%"), &[]);
}

#[test]
fn a_very_long_search_text_is_still_literal() {
    let long = "x".repeat(60_000);
    check(search(&long), &[]);
}

#[test]
fn filters_combine() {
    check(
        TimelineQuery {
            actors: vec!["BLR".into()],
            kinds: vec!["sanction".into()],
            from: date("2021"),
            ..Default::default()
        },
        &["2021-06-24-sectoral"],
    );
    check(
        TimelineQuery {
            actors: vec!["EU".into()],
            search: Some("BELARUS".into()),
            to: date("2020-12"),
            ..Default::default()
        },
        // The second matches on its source, "Belarus Feed".
        &["2020-10-02-blr-countersanctions", "2020-10-02-eu-sanctions"],
    );
    check(
        TimelineQuery {
            key_only: true,
            ..Default::default()
        },
        &[
            "2004-02-18-gas-cutoff",
            "2011-beltransgaz",
            "2020-08-09-election",
            "2021-06-24-sectoral",
        ],
    );
    check(
        TimelineQuery {
            kinds: vec!["sanction".into()],
            limit: Some(2),
            ..Default::default()
        },
        &["2020-10-02-blr-countersanctions", "2020-10-02-eu-sanctions"],
    );
    check(
        TimelineQuery {
            limit: Some(0),
            ..Default::default()
        },
        &[],
    );
}

#[test]
fn load_world_replaces_the_contents() {
    let mut store = store();
    let example = example();
    store.load_world(&example).unwrap();
    assert_eq!(store.scenario_id().unwrap().as_deref(), Some("example"));
    assert_eq!(store.counts().unwrap().events, example.events.len());
    assert!(store.is_built_from(&example).unwrap());
    // A fixture-only actor is gone.
    assert!(matches!(
        store.timeline(&actors(&["POL"])),
        Ok(rows) if rows.is_empty()
    ));
    store.load_world(&fixture()).unwrap();
    assert_eq!(
        ids(&store.timeline(&TimelineQuery::default()).unwrap()),
        ALL
    );
}

#[test]
fn the_example_scenario_loads() {
    let world = example();
    let store = Store::build_from_world(&world).unwrap();
    let rows = store.timeline(&TimelineQuery::default()).unwrap();
    assert_eq!(rows.len(), world.events.len());
    let sanctions = store.timeline(&kinds(&["sanction"])).unwrap();
    assert!(!sanctions.is_empty());
    assert!(
        sanctions
            .iter()
            .all(|r| r.actors.iter().any(|a| a == "BLR"))
    );
}

#[test]
fn the_builtin_scenario_loads_every_event() {
    // The built-in scenario is being rewritten; while its file is invalid there is nothing
    // to check here (orbit-scenario's own tests report it).
    if let Ok(world) = orbit_scenario::builtin() {
        let store = Store::build_from_world(&world).unwrap();
        assert!(!world.events.is_empty());
        assert_eq!(store.counts().unwrap().events, world.events.len());
        let rows = store.timeline(&TimelineQuery::default()).unwrap();
        assert_eq!(rows.len(), world.events.len());
    }
}

fn header(path: &Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let version = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let app = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    (version, app)
}

#[test]
fn opening_an_empty_file_migrates_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::File::create(&path).unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.scenario_id().unwrap(), None);
    assert_eq!(store.counts().unwrap().events, 0);
    assert_eq!(store.path(), Some(path.as_path()));
    drop(store);
    assert_eq!(
        header(&path),
        (
            i64::from(SCHEMA_VERSION),
            i64::from(orbit_store::APPLICATION_ID)
        )
    );
    // Opening again applies nothing and changes nothing.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn open_creates_a_missing_file_but_open_existing_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.db");
    match Store::open_existing(&path) {
        Err(e @ StoreError::Missing(_)) => assert!(e.hint().is_some()),
        other => panic!("expected Missing, got {other:?}"),
    }
    assert!(!path.exists());
    Store::open(&path).unwrap();
    assert!(path.exists());
    Store::open_existing(&path).unwrap();
}

/// Defect 14 of issue 15: `orbit timeline --db empty.sqlite` printed "0 events" and rewrote
/// the user's zero-byte file into a store.
#[test]
fn defect_14_open_existing_refuses_an_empty_file_and_leaves_it_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite");
    std::fs::write(&path, b"").unwrap();
    match Store::open_existing(&path) {
        Err(e @ StoreError::NotAStore(_)) => assert!(e.hint().is_some()),
        other => panic!("expected NotAStore, got {other:?}"),
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"",
        "the file was written to"
    );
    // `Store::open` still makes a store of a new (or empty) file: that is what it is for.
    Store::open(&path).unwrap();
    Store::open_existing(&path).unwrap();
}

#[test]
fn a_saved_store_reopens_with_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("timeline.db");
    let world = fixture();
    let built = Store::build_from_world(&world).unwrap();
    built.save_to(&path, false).unwrap();

    let reopened = Store::open_existing(&path).unwrap();
    assert_eq!(reopened.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(reopened.scenario().unwrap(), built.scenario().unwrap());
    assert!(reopened.is_built_from(&world).unwrap());
    assert_eq!(reopened.counts().unwrap(), built.counts().unwrap());
    for query in [
        TimelineQuery::default(),
        actors(&["EU"]),
        kinds(&["sanction", "migration"]),
        range("2004-07-15", "2020-08"),
        search("50%"),
    ] {
        assert_eq!(
            reopened.timeline(&query).unwrap(),
            built.timeline(&query).unwrap(),
            "query: {query:?}"
        );
    }
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["timeline.db"]);
}

#[test]
fn save_to_refuses_to_overwrite_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("precious.db");
    std::fs::write(&path, "the user's own file").unwrap();
    let store = store();
    match store.save_to(&path, false) {
        Err(e @ StoreError::Exists(_)) => {
            assert_eq!(
                e.to_string(),
                format!("`{}` already exists", path.display())
            );
        }
        other => panic!("expected Exists, got {other:?}"),
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "the user's own file"
    );

    store.save_to(&path, true).unwrap();
    let reopened = Store::open_existing(&path).unwrap();
    assert_eq!(reopened.counts().unwrap(), store.counts().unwrap());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn save_to_a_missing_directory_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("x.db");
    assert!(matches!(
        store().save_to(&path, false),
        Err(StoreError::Sql { .. })
    ));
    assert!(!path.exists());
}

#[test]
fn a_store_with_a_newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    store().save_to(&path, false).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match Store::open(&path) {
        Err(StoreError::NewerSchema { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(matches!(
        Store::open_existing(&path),
        Err(StoreError::NewerSchema { .. })
    ));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn files_that_are_not_orbit_stores_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();

    let text = dir.path().join("scenario.toml");
    std::fs::write(&text, EXAMPLE).unwrap();
    assert!(matches!(
        Store::open(&text),
        Err(StoreError::NotAStore(p)) if p == text
    ));
    assert_eq!(std::fs::read_to_string(&text).unwrap(), EXAMPLE);

    let foreign = dir.path().join("other-app.db");
    {
        let conn = rusqlite::Connection::open(&foreign).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT)")
            .unwrap();
    }
    let before = std::fs::read(&foreign).unwrap();
    assert!(matches!(
        Store::open(&foreign),
        Err(StoreError::NotAStore(_))
    ));
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
}

#[test]
fn error_messages_have_no_trailing_period() {
    let errors = [
        StoreError::Missing("x.db".into()),
        StoreError::NotAStore("x.db".into()),
        StoreError::NewerSchema {
            found: 9,
            supported: 1,
        },
        StoreError::Exists("x.db".into()),
        StoreError::UnknownActor("XXX".into()),
        StoreError::UnknownKind("nope".into()),
        StoreError::EmptyRange {
            from: "2021".into(),
            to: "2020".into(),
        },
    ];
    for e in errors {
        let message = e.to_string();
        assert!(!message.ends_with('.'), "{message}");
        if let Some(hint) = e.hint() {
            assert!(!hint.ends_with('.'), "{hint}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Property: any query either fails with a documented variant or returns exactly what a
// plain filter over the `World` returns.

/// The query semantics written out over the `World`, independently of SQL.
fn reference(world: &World, query: &TimelineQuery) -> Result<Vec<String>, StoreError> {
    let mut actors = Vec::new();
    for code in &query.actors {
        let exact = world.actor_id(code);
        let folded: Vec<_> = (0..world.actors.len())
            .filter(|&i| world.actors[i].code.to_lowercase() == code.to_lowercase())
            .collect();
        match (exact, folded.as_slice()) {
            (Some(id), _) => actors.push(id.0),
            (None, [i]) => actors.push(*i),
            _ => return Err(StoreError::UnknownActor(code.clone())),
        }
    }
    let mut kinds = Vec::new();
    for kind in &query.kinds {
        match orbit_scenario::EventKind::parse(&kind.to_ascii_lowercase()) {
            Some(k) => kinds.push(k),
            None => return Err(StoreError::UnknownKind(kind.clone())),
        }
    }
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from.first_day() > to.last_day()
    {
        return Err(StoreError::EmptyRange {
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    let search = query.search.as_ref().map(|s| s.to_lowercase());
    let mut kept: Vec<_> = world
        .events
        .iter()
        .filter(|e| actors.is_empty() || e.actors.iter().any(|a| actors.contains(&a.0)))
        .filter(|e| kinds.is_empty() || kinds.contains(&e.kind))
        .filter(|e| {
            query
                .from
                .is_none_or(|f| e.date.last_day() >= f.first_day())
        })
        .filter(|e| query.to.is_none_or(|t| e.date.first_day() <= t.last_day()))
        .filter(|e| {
            search.as_ref().is_none_or(|s| {
                [
                    Some(e.description.as_str()),
                    e.note.as_deref(),
                    Some(&e.source),
                ]
                .into_iter()
                .flatten()
                .any(|field| field.to_lowercase().contains(s.as_str()))
            })
        })
        .filter(|e| !query.key_only || e.key)
        .collect();
    kept.sort_by(|a, b| (a.date.first_day(), &a.id).cmp(&(b.date.first_day(), &b.id)));
    let mut ids: Vec<String> = kept.into_iter().map(|e| e.id.clone()).collect();
    if let Some(limit) = query.limit {
        ids.truncate(limit);
    }
    Ok(ids)
}

fn any_date() -> impl Strategy<Value = PartialDate> {
    // Mostly the fixture's years, where precision at the boundaries matters.
    let year = prop_oneof![
        3 => prop::sample::select(vec![2004, 2011, 2015, 2020, 2021]),
        1 => 1990..2030i32,
    ];
    let calendar = (year, 1..=12u8, 1..=28u8, 0..3u8).prop_map(|(y, m, d, p)| PartialDate {
        year: y,
        month: (p > 0).then_some(m),
        day: (p > 1).then_some(d),
    });
    // Dates built by hand need not be on the calendar, or in four-digit years.
    let anything = (
        any::<i32>(),
        proptest::option::of(any::<u8>()),
        proptest::option::of(any::<u8>()),
    )
        .prop_map(|(year, month, day)| PartialDate { year, month, day });
    prop_oneof![4 => calendar, 1 => anything]
}

fn any_code() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec!["BLR", "rus", "EU", "Pol", "GAZPROM"]).prop_map(String::from),
        1 => "\\PC{0,6}",
    ]
}

fn any_kind() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec!["sanction", "Election", "protest", "treaty"])
            .prop_map(String::from),
        1 => "\\PC{0,12}",
    ]
}

fn any_search() -> impl Strategy<Value = String> {
    // Printable text, so no newline: the store joins a row's fields with newlines.
    prop_oneof![
        prop::sample::select(vec!["gazprom", "50%", "_", "МІНСК", "sanctions", "%_\\"])
            .prop_map(String::from),
        "[a-zA-Z%_\\\\ ']{0,4}",
        "\\PC{0,8}",
    ]
}

fn any_query() -> impl Strategy<Value = TimelineQuery> {
    (
        prop::collection::vec(any_code(), 0..3),
        prop::collection::vec(any_kind(), 0..3),
        proptest::option::of(any_date()),
        proptest::option::of(any_date()),
        proptest::option::of(any_search()),
        any::<bool>(),
        proptest::option::of(prop_oneof![0..12usize, Just(usize::MAX)]),
    )
        .prop_map(
            |(actors, kinds, from, to, search, key_only, limit)| TimelineQuery {
                actors,
                kinds,
                from,
                to,
                search,
                key_only,
                limit,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_query_matches_the_reference_or_fails_as_documented(query in any_query()) {
        thread_local! {
            static FIXTURE_STORE: (World, Store) = {
                let world = fixture();
                let store = Store::build_from_world(&world).unwrap();
                (world, store)
            };
        }
        FIXTURE_STORE.with(|(world, store)| {
            let got = store.timeline(&query);
            let expected = reference(world, &query);
            match (got, expected) {
                (Ok(rows), Ok(ids)) => {
                    prop_assert_eq!(rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), ids);
                }
                (Err(StoreError::UnknownActor(a)), Err(StoreError::UnknownActor(b))) => {
                    prop_assert_eq!(a, b);
                }
                (Err(StoreError::UnknownKind(a)), Err(StoreError::UnknownKind(b))) => {
                    prop_assert_eq!(a, b);
                }
                (Err(StoreError::EmptyRange { .. }), Err(StoreError::EmptyRange { .. })) => {}
                (got, expected) => {
                    prop_assert!(false, "store: {:?}\nreference: {:?}", got, expected);
                }
            }
            Ok(())
        })?;
    }
}
