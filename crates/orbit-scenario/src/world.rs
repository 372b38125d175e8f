//! The second layer of a scenario: validated, typed, with references resolved to indices.
//!
//! A [`World`] is only ever built by [`crate::validate`]; code downstream can rely on its
//! invariants (listed on each type) and never re-validates.

use std::fmt;

use serde::{Serialize, Serializer};

/// Index of an actor in [`World::actors`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ActorId(pub usize);

/// A closed set of names a scenario field may take.
pub trait Vocabulary: Sized + Copy {
    /// Parses a name as written in scenario files.
    fn parse_name(text: &str) -> Option<Self>;
    /// The accepted names, for error messages.
    fn all_names() -> String;
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every variant with its name in scenario files.
            pub const ALL: &'static [(&'static str, $name)] = &[$(($text, $name::$variant)),+];

            /// The name used in scenario files and outputs.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a name as written in scenario files.
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().find(|(name, _)| *name == text).map(|&(_, v)| v)
            }

            /// The accepted names, for error messages.
            pub fn names() -> String {
                Self::ALL.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            }
        }

        impl Vocabulary for $name {
            fn parse_name(text: &str) -> Option<Self> {
                Self::parse(text)
            }

            fn all_names() -> String {
                Self::names()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// What sort of actor.
    ActorKind {
        State = "state",
        Organisation = "organisation",
        Firm = "firm",
        Region = "region",
    }
);

vocabulary!(
    /// The kind of a timeline event.
    EventKind {
        Treaty = "treaty",
        Election = "election",
        MilitaryDeployment = "military_deployment",
        MilitaryExercise = "military_exercise",
        EnergyFlow = "energy_flow",
        EnergyPrice = "energy_price",
        AssetTransfer = "asset_transfer",
        Sanction = "sanction",
        Repression = "repression",
        Migration = "migration",
        Statement = "statement",
        Diplomatic = "diplomatic",
        Constitutional = "constitutional",
        Protest = "protest",
        Economic = "economic",
    }
);

vocabulary!(
    /// Direction of a trade record.
    TradeFlow {
        Exports = "exports",
        Imports = "imports",
        Turnover = "turnover",
    }
);

vocabulary!(
    /// What a pipeline or energy record carries. Gas: USD per 1000 m3 and bcm;
    /// oil: USD per tonne and million tonnes.
    Commodity {
        Gas = "gas",
        Oil = "oil",
    }
);

vocabulary!(
    /// Whether a pipeline carries anything.
    PipelineStatus {
        Operating = "operating",
        Stopped = "stopped",
        NeverOperated = "never_operated",
        Proposed = "proposed",
    }
);

vocabulary!(
    /// The kind of an alliance or treaty regime.
    AllianceKind {
        MilitaryAlliance = "military_alliance",
        UnionState = "union_state",
        CustomsUnion = "customs_union",
        EconomicUnion = "economic_union",
        Commonwealth = "commonwealth",
        Treaty = "treaty",
    }
);

vocabulary!(
    /// The kind of a sanctions measure.
    SanctionKind {
        Targeted = "targeted",
        Sectoral = "sectoral",
        Aviation = "aviation",
        ArmsEmbargo = "arms_embargo",
        Suspension = "suspension",
    }
);

vocabulary!(
    /// The verdict of a fact check on a narrative's claim.
    Verdict {
        Verified = "verified",
        Corrected = "corrected",
        PartlyVerified = "partly_verified",
        Disputed = "disputed",
        Unverifiable = "unverifiable",
    }
);

/// A calendar date known to the year, the month or the day.
///
/// Ordered by its first possible day, then by precision (coarser first), so a month sorts
/// before the days in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// Why a date string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("expected a date as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`")]
    Format,
    #[error("month {0} does not exist")]
    Month(u8),
    #[error("day {day} does not exist in {year}-{month:02}")]
    Day { year: i32, month: u8, day: u8 },
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and checks the calendar.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let parts: Vec<&str> = text.split('-').collect();
        let widths_ok = match parts.as_slice() {
            [y] => y.len() == 4,
            [y, m] => y.len() == 4 && m.len() == 2,
            [y, m, d] => y.len() == 4 && m.len() == 2 && d.len() == 2,
            _ => false,
        };
        if !widths_ok || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(DateError::Format);
        }
        let year: i32 = parts[0].parse().map_err(|_| DateError::Format)?;
        let month = match parts.get(1) {
            Some(m) => {
                let m: u8 = m.parse().map_err(|_| DateError::Format)?;
                if !(1..=12).contains(&m) {
                    return Err(DateError::Month(m));
                }
                Some(m)
            }
            None => None,
        };
        let day = match (parts.get(2), month) {
            (Some(d), Some(month)) => {
                let d: u8 = d.parse().map_err(|_| DateError::Format)?;
                if d == 0 || d > days_in_month(year, month) {
                    return Err(DateError::Day {
                        year,
                        month,
                        day: d,
                    });
                }
                Some(d)
            }
            _ => None,
        };
        Ok(PartialDate { year, month, day })
    }

    /// The first day the date may mean, as `(year, month, day)`.
    pub fn first_day(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day the date may mean, as `(year, month, day)`.
    pub fn last_day(&self) -> (i32, u8, u8) {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        (self.year, month, day)
    }

    /// The first possible day as `YYYY-MM-DD`, which sorts correctly as text.
    pub fn first_day_iso(&self) -> String {
        let (y, m, d) = self.first_day();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// The last possible day as `YYYY-MM-DD`.
    pub fn last_day_iso(&self) -> String {
        let (y, m, d) = self.last_day();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `year`, `month` or `day`.
    pub fn precision(&self) -> &'static str {
        match (self.month, self.day) {
            (_, Some(_)) => "day",
            (Some(_), None) => "month",
            _ => "year",
        }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |d: &PartialDate| d.month.is_some() as u8 + d.day.is_some() as u8;
        self.first_day()
            .cmp(&other.first_day())
            .then(rank(self).cmp(&rank(other)))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// An inclusive range of years; never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearSpan {
    pub first: i32,
    pub last: i32,
}

impl YearSpan {
    pub fn contains(&self, year: i32) -> bool {
        (self.first..=self.last).contains(&year)
    }
}

impl fmt::Display for YearSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// What the scenario is about.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub years: YearSpan,
    pub focus: ActorId,
    pub patron: ActorId,
    pub narrative: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    pub name: String,
    pub value: f64,
    pub unit: String,
    pub year: Option<i32>,
    pub source: String,
}

/// A state, organisation, firm or region. Its `code` is unique in the world.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub code: String,
    pub name: String,
    pub kind: ActorKind,
    pub members: Vec<ActorId>,
    pub parent: Option<ActorId>,
    pub attributes: Vec<Attribute>,
    pub note: Option<String>,
    pub source: String,
}

/// A figure for one actor over one year or a span of years. Finite; non-negative unless
/// `signed`; in [0, 1] when `unit` is `share`.
#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub actor: ActorId,
    pub name: String,
    pub years: YearSpan,
    pub value: f64,
    pub unit: String,
    pub signed: bool,
    pub estimate: bool,
    pub note: Option<String>,
    pub source: String,
}

/// Goods trade of `reporter` with `partner`. At least one of `value_usd` (non-negative) and
/// `share` (in [0, 1]) is present.
#[derive(Debug, Clone, Serialize)]
pub struct TradeRecord {
    pub reporter: ActorId,
    pub partner: ActorId,
    pub year: i32,
    pub flow: TradeFlow,
    pub value_usd: Option<f64>,
    pub share: Option<f64>,
    /// A dataset's raw and smoothed flows, when the record gives both; `value_usd` is then
    /// the one `variants.uses` names.
    pub variants: Option<FlowVariants>,
    /// Value in EUR, kept apart from every USD figure and share.
    pub value_eur: Option<f64>,
    /// Own-reported or mirror (partner-reported) data, when the record says.
    pub reported_by: Option<ReportedBy>,
    pub note: Option<String>,
    pub source: String,
}

vocabulary!(
    /// Which variant of a dataset's flow a record uses.
    FlowVariant {
        Raw = "raw",
        Smoothed = "smoothed",
    }
);

vocabulary!(
    /// Who reported a trade figure.
    ReportedBy {
        Reporter = "reporter",
        Partner = "partner",
    }
);

/// The raw and smoothed values of one flow (COW Dyadic Trade v4.0 gives both: Barbieri,
/// Keshk & Pollins 2009, "Trading Data", *Conflict Management and Peace Science* 26(5)).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FlowVariants {
    pub raw: Option<f64>,
    pub smoothed: Option<f64>,
    pub uses: FlowVariant,
}

impl FlowVariants {
    /// Ratio of the larger to the smaller value above which the two are flagged.
    pub const DISAGREEMENT_RATIO: f64 = 2.0;

    /// Whether raw and smoothed differ by more than a factor of [`Self::DISAGREEMENT_RATIO`]
    /// (false when either is missing; a zero against a positive value counts as a
    /// disagreement).
    pub fn disagree(&self) -> bool {
        match (self.raw, self.smoothed) {
            (Some(r), Some(s)) => {
                let (lo, hi) = if r < s { (r, s) } else { (s, r) };
                hi > lo * Self::DISAGREEMENT_RATIO
            }
            _ => false,
        }
    }
}

/// One year of a reference price series, in the unit its source states.
#[derive(Debug, Clone, Serialize)]
pub struct Benchmark {
    pub series: String,
    pub name: String,
    pub commodity: Commodity,
    pub year: i32,
    pub value: f64,
    pub unit: String,
    /// Computed by whoever compiled the data (e.g. a 12-month mean), not published as yearly.
    pub computed: bool,
    pub note: Option<String>,
    pub source: String,
}

/// What an importer paid an exporter for energy in one year (units per [`Commodity`]).
#[derive(Debug, Clone, Serialize)]
pub struct EnergyRecord {
    /// The record's stable id, if the scenario gives one (overlays edit records by it).
    pub id: Option<String>,
    pub importer: ActorId,
    pub exporter: ActorId,
    pub commodity: Commodity,
    pub year: i32,
    pub period: Option<String>,
    pub price: Option<f64>,
    pub reference_price: Option<f64>,
    pub reference_source: Option<String>,
    pub volume: Option<f64>,
    pub note: Option<String>,
    pub source: String,
}

/// A directed pipeline stretch; capacity is non-negative when known.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    pub from: ActorId,
    pub to: ActorId,
    pub owner: ActorId,
    pub capacity: Option<f64>,
    pub note: Option<String>,
    pub source: String,
}

/// A pipeline; `closed >= opened` when both are known.
#[derive(Debug, Clone, Serialize)]
pub struct Pipeline {
    pub id: String,
    pub name: String,
    pub commodity: Commodity,
    pub opened: Option<i32>,
    pub closed: Option<i32>,
    pub status: PipelineStatus,
    pub segments: Vec<Segment>,
    pub note: Option<String>,
    pub source: String,
}

impl Pipeline {
    /// Whether the pipeline carried anything during `year`.
    pub fn in_service(&self, year: i32) -> bool {
        match self.opened {
            Some(opened) => year >= opened && self.closed.is_none_or(|c| year <= c),
            None => false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Alliance {
    pub id: String,
    pub name: String,
    pub kind: AllianceKind,
    pub organisation: Option<ActorId>,
    pub members: Vec<ActorId>,
    pub signed: PartialDate,
    pub in_force: Option<PartialDate>,
    pub ended: Option<PartialDate>,
    pub note: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sanction {
    pub id: String,
    pub imposer: ActorId,
    pub target: ActorId,
    pub kind: SanctionKind,
    pub start: PartialDate,
    pub end: Option<PartialDate>,
    pub individuals: Option<f64>,
    pub entities: Option<f64>,
    pub description: String,
    /// Index into [`World::events`].
    pub event: Option<usize>,
    pub note: Option<String>,
    pub source: String,
}

/// One actor's stance on an issue: position inside the issue's scale, salience in [0, 1],
/// capability non-negative.
#[derive(Debug, Clone, Serialize)]
pub struct Position {
    pub actor: ActorId,
    pub position: f64,
    pub salience: f64,
    pub capability: f64,
    pub source: Option<String>,
    pub rationale: Option<String>,
    /// Date of the latest fact the coding rests on, when given (never after `as_of`).
    pub source_date: Option<PartialDate>,
    /// Why the salience has its value, with its source.
    pub salience_rationale: Option<String>,
    /// Date of the latest fact the salience rests on (never after `as_of`).
    pub salience_source_date: Option<PartialDate>,
    /// Why the capability has its value, with its source.
    pub capability_rationale: Option<String>,
    /// Date of the latest fact the capability rests on (never after `as_of`).
    pub capability_source_date: Option<PartialDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub date: PartialDate,
    pub value: f64,
    pub description: String,
    pub source: String,
}

/// A contested question. `scale_min < scale_max`; the status quo and every position lie in
/// the scale; at least two actors hold positions, each actor at most once.
#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    pub id: String,
    pub name: String,
    pub description: String,
    pub scale_min: f64,
    pub scale_max: f64,
    pub min_label: String,
    pub max_label: String,
    pub status_quo: f64,
    pub as_of: PartialDate,
    /// Date of the latest fact the status quo rests on, when given (never after `as_of`).
    pub status_quo_source_date: Option<PartialDate>,
    /// The issue this one is a dated snapshot of, if it is one.
    pub snapshot_of: Option<String>,
    /// The state variable this issue is the bargaining view of (`indicator = "price.gas.BLR"`):
    /// the simulation reports the variable as the issue's outcome each year, so the two are one
    /// quantity (`docs/models/simulation.md`, "One quantity"). Only prices for now.
    #[serde(skip)]
    pub indicator: Option<Variable>,
    pub positions: Vec<Position>,
    pub outcomes: Vec<Outcome>,
    pub note: Option<String>,
    pub source: String,
}

/// A dated timeline event. `end_date`, when present, is not before `date`.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub id: String,
    pub date: PartialDate,
    pub end_date: Option<PartialDate>,
    pub actors: Vec<ActorId>,
    pub kind: EventKind,
    pub description: String,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub key: bool,
    pub note: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub id: String,
    pub paragraph: u32,
    pub text: String,
    pub verdict: Verdict,
    pub correction: Option<String>,
    /// Indices into [`World::events`].
    pub events: Vec<usize>,
    /// The number the claim states and what it measures.
    pub figure: Option<ClaimFigure>,
    pub source: Option<String>,
}

/// A number stated by a narrative, with what it measures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClaimFigure {
    pub value: f64,
    pub measure: Measure,
}

/// A dependence measure a narrative's figure can be checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    /// The partner's share of the focus actor's exports, imports or turnover.
    PartnerShare { flow: TradeFlow, partner: ActorId },
    /// The implicit energy subsidy as a share of GDP.
    EnergySubsidyShareGdp,
}

vocabulary!(
    /// The functional form of a [`Link`] (see `docs/scenario.md`, "Links").
    LinkForm {
        Linear = "linear",
        Logistic = "logistic",
        Threshold = "threshold",
    }
);

vocabulary!(
    /// What a [`Link`]'s form reads from its driver.
    LinkInput {
        Level = "level",
        Change = "change",
    }
);

/// A state variable of the yearly simulation, named in scenario files by the grammar in
/// `docs/scenario.md` ("State variables"). Every id inside is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variable {
    /// `trade_share.<exports|imports>.<reporter>.<partner>`: share in [0, 1].
    TradeShare {
        flow: TradeFlow,
        reporter: ActorId,
        partner: ActorId,
    },
    /// `dependence.<actor>.<patron>`: mean of the export and import shares (read-only).
    Dependence { actor: ActorId, patron: ActorId },
    /// `sanctions.<imposer>.<target>`: sanctions measures in force (read-only).
    Sanctions { imposer: ActorId, target: ActorId },
    /// `events.<kind>.<actor>`: events of that kind naming the actor in the year (read-only).
    Events { kind: EventKind, actor: ActorId },
    /// `transit_share.<actor>`: the actor's Shapley share of the gas transit game (read-only).
    TransitShare { actor: ActorId },
    /// `price.<gas|oil>.<importer>`: what the importer pays (USD per 1000 m3 or per tonne).
    Price {
        commodity: Commodity,
        importer: ActorId,
    },
    /// `position.<issue>.<actor>`: on the issue's scale. `issue` indexes [`World::issues`].
    Position { issue: usize, actor: ActorId },
    /// `salience.<issue>.<actor>`: in [0, 1].
    Salience { issue: usize, actor: ActorId },
    /// `alignment.<actor>`: the alignment `a*` the actor concedes in the patron–client bargain
    /// of the simulation (`docs/models/alliance-bargain.md`, eq. 3), in [0, 1] (read-only: set
    /// by the bargain stage).
    Alignment { actor: ActorId },
}

impl Variable {
    /// Whether links may drive it (derived and timeline-only variables may not).
    pub fn settable(&self) -> bool {
        matches!(
            self,
            Variable::TradeShare { .. }
                | Variable::Price { .. }
                | Variable::Position { .. }
                | Variable::Salience { .. }
        )
    }

    /// The name as written in scenario files, e.g. `trade_share.exports.BLR.EU`.
    pub fn name(&self, world: &World) -> String {
        let c = |a: ActorId| world.code(a);
        match *self {
            Variable::TradeShare {
                flow,
                reporter,
                partner,
            } => format!("trade_share.{flow}.{}.{}", c(reporter), c(partner)),
            Variable::Dependence { actor, patron } => {
                format!("dependence.{}.{}", c(actor), c(patron))
            }
            Variable::Sanctions { imposer, target } => {
                format!("sanctions.{}.{}", c(imposer), c(target))
            }
            Variable::Events { kind, actor } => format!("events.{kind}.{}", c(actor)),
            Variable::TransitShare { actor } => format!("transit_share.{}", c(actor)),
            Variable::Price {
                commodity,
                importer,
            } => format!("price.{commodity}.{}", c(importer)),
            Variable::Position { issue, actor } => {
                format!("position.{}.{}", world.issues[issue].id, c(actor))
            }
            Variable::Salience { issue, actor } => {
                format!("salience.{}.{}", world.issues[issue].id, c(actor))
            }
            Variable::Alignment { actor } => format!("alignment.{}", c(actor)),
        }
    }
}

/// A declared causal link of the simulation: each year, `to` changes by
/// `form(parameter; x)` where `x` is `from`'s level or change (see `docs/scenario.md`).
/// Invariants: `range.0 <= parameter <= range.1`; `threshold` is present iff the form is
/// `threshold`, `midpoint` iff it is `logistic`; `steepness > 0`; `to` is settable; `toward`
/// only on a `position` target, naming an actor with a position on the same issue.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub id: String,
    #[serde(skip)]
    pub from: Variable,
    #[serde(skip)]
    pub to: Variable,
    /// `from` and `to` as written.
    pub from_name: String,
    pub to_name: String,
    pub form: LinkForm,
    pub input: LinkInput,
    pub parameter: f64,
    pub threshold: Option<f64>,
    pub midpoint: Option<f64>,
    pub steepness: f64,
    pub toward: Option<ActorId>,
    pub range: (f64, f64),
    pub rationale: Option<String>,
    pub source: Option<String>,
}

/// A validated scenario. Events are sorted by date (stable for equal dates).
#[derive(Debug, Clone, Serialize)]
pub struct World {
    pub meta: Meta,
    pub actors: Vec<Actor>,
    pub indicators: Vec<Indicator>,
    pub trade: Vec<TradeRecord>,
    pub energy: Vec<EnergyRecord>,
    /// Reference price series, one entry per series and year (unique), sorted by series then year.
    pub benchmarks: Vec<Benchmark>,
    pub pipelines: Vec<Pipeline>,
    pub alliances: Vec<Alliance>,
    pub sanctions: Vec<Sanction>,
    pub issues: Vec<Issue>,
    pub events: Vec<Event>,
    pub claims: Vec<Claim>,
    /// The simulation's declared links, in the order they apply each year.
    pub links: Vec<Link>,
    /// Multi-dimensional issues, bargained with KTAB's SMP (`[[spatial_issues]]`).
    pub spatial_issues: Vec<crate::spatial::SpatialIssue>,
}

impl World {
    pub fn actor(&self, id: ActorId) -> &Actor {
        &self.actors[id.0]
    }

    /// The actor's code, e.g. `BLR`.
    pub fn code(&self, id: ActorId) -> &str {
        &self.actors[id.0].code
    }

    /// Finds an actor by code.
    pub fn actor_id(&self, code: &str) -> Option<ActorId> {
        self.actors.iter().position(|a| a.code == code).map(ActorId)
    }

    pub fn issue(&self, id: &str) -> Option<&Issue> {
        self.issues.iter().find(|i| i.id == id)
    }

    /// The coding of `issue` that was known at `date`: among the issue and its snapshots
    /// (issues with `snapshot_of = issue`), the one with the latest `as_of` not after `date`.
    /// `None` when no coding of it existed yet.
    pub fn issue_snapshot_at(&self, issue: &str, date: PartialDate) -> Option<&Issue> {
        self.issues
            .iter()
            .filter(|i| i.id == issue || i.snapshot_of.as_deref() == Some(issue))
            .filter(|i| i.as_of.last_day() <= date.last_day())
            .max_by_key(|i| i.as_of)
    }

    /// The values of one benchmark series, by year (empty if there is no such series).
    pub fn benchmark_series<'a>(&'a self, series: &'a str) -> impl Iterator<Item = &'a Benchmark> {
        self.benchmarks.iter().filter(move |b| b.series == series)
    }

    /// One year of a benchmark series, if the scenario has it.
    pub fn benchmark(&self, series: &str, year: i32) -> Option<&Benchmark> {
        self.benchmarks
            .iter()
            .find(|b| b.series == series && b.year == year)
    }

    /// The ids of the benchmark series, in order of first appearance.
    pub fn benchmark_series_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for b in &self.benchmarks {
            if !ids.contains(&b.series.as_str()) {
                ids.push(&b.series);
            }
        }
        ids
    }

    /// The indicator `name` of `actor` for exactly `year` (not a multi-year span).
    pub fn indicator(&self, actor: ActorId, name: &str, year: i32) -> Option<&Indicator> {
        self.indicators.iter().find(|i| {
            i.actor == actor && i.name == name && i.years.first == year && i.years.last == year
        })
    }
}
