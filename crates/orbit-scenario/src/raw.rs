//! The first layer of a scenario: serde structs that mirror the TOML file one to one.
//!
//! Every value that a diagnostic may have to point at is wrapped in [`Spanned`], so the
//! validator can name the file, line and column of a bad number or an unknown reference.
//! Nothing here checks meaning: [`crate::validate`] turns these into a [`crate::World`].
//! The format is documented for users in `docs/scenario.md`.

use serde::Deserialize;
use toml::Spanned;

/// A string value with its location.
pub type SStr = Spanned<String>;
/// A number with its location.
pub type SNum = Spanned<f64>;
/// A year with its location.
pub type SYear = Spanned<i64>;

/// The `[scenario]` table: what the file is about.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub id: SStr,
    pub name: SStr,
    #[serde(default)]
    pub description: Option<SStr>,
    /// First and last year the scenario covers, inclusive.
    pub start_year: SYear,
    pub end_year: SYear,
    /// The smaller partner whose dependence the scenario is about (e.g. `BLR`).
    pub focus: SStr,
    /// The great power it depends on (e.g. `RUS`).
    pub patron: SStr,
    /// Where the narrative comes from (e.g. the essay).
    #[serde(default)]
    pub narrative: Option<SStr>,
    #[serde(default)]
    pub source: Option<SStr>,
    /// The strict hindsight check: when true, every issue coding must be dated (each
    /// position's `source_date`, a dated rationale for every salience and capability, and
    /// each issue's `status_quo_source_date`), so that none can rest on hindsight unseen.
    #[serde(default)]
    pub dated_codings: Option<Spanned<bool>>,
}

/// One `[[actors]]` entry: a state, organisation, firm or sub-national region.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActor {
    pub id: SStr,
    pub name: SStr,
    /// `state`, `organisation`, `firm` or `region`.
    pub kind: SStr,
    /// For organisations: the member actors.
    #[serde(default)]
    pub members: Vec<SStr>,
    /// For firms and regions: the state they belong to.
    #[serde(default)]
    pub parent: Option<SStr>,
    #[serde(default)]
    pub attributes: Vec<Spanned<RawAttribute>>,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// A numeric fact about an actor that is not a yearly series (e.g. a 2016 CINC score).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAttribute {
    pub name: SStr,
    pub value: SNum,
    pub unit: SStr,
    #[serde(default)]
    pub year: Option<SYear>,
    pub source: SStr,
}

/// One `[[indicators]]` entry: a yearly (or multi-year) figure for one actor.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub actor: SStr,
    /// Indicator name, e.g. `gdp_usd`; see `docs/scenario.md` for the names the models read.
    pub name: SStr,
    /// The year the figure is for. Exactly one of `year` and `years` must be given.
    #[serde(default)]
    pub year: Option<SYear>,
    /// An inclusive year range `[first, last]` for cumulative or average figures.
    #[serde(default)]
    pub years: Option<Spanned<Vec<i64>>>,
    pub value: SNum,
    pub unit: SStr,
    /// Set for figures that may be negative (balances, growth rates).
    #[serde(default)]
    pub signed: bool,
    /// Set for estimates rather than measurements (e.g. a subsidy computed by an analyst).
    #[serde(default)]
    pub estimate: bool,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// One `[[trade]]` entry: goods trade of `reporter` with `partner` in one year.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrade {
    pub reporter: SStr,
    pub partner: SStr,
    pub year: SYear,
    /// `exports`, `imports` or `turnover` (exports + imports).
    pub flow: SStr,
    /// Value in US dollars. At least one of `value_usd` and `share` must be given.
    #[serde(default)]
    pub value_usd: Option<SNum>,
    /// Share of the reporter's total for this flow, in [0, 1].
    #[serde(default)]
    pub share: Option<SNum>,
    /// A dataset's unadjusted flow in USD (e.g. COW Dyadic Trade `flow1`/`flow2`). Given
    /// together with `smoothed_usd` and `uses` instead of `value_usd`.
    #[serde(default)]
    pub raw_usd: Option<SNum>,
    /// The same dataset's smoothed flow in USD (COW `smoothflow`).
    #[serde(default)]
    pub smoothed_usd: Option<SNum>,
    /// Which of `raw_usd` and `smoothed_usd` the record's value (and any share) uses:
    /// `raw` or `smoothed`.
    #[serde(default)]
    pub uses: Option<SStr>,
    /// Value in euros, for records a source gives in EUR only (e.g. Eurostat COMEXT). Kept
    /// apart: never converted into USD or a share without a sourced exchange rate.
    #[serde(default)]
    pub value_eur: Option<SNum>,
    /// Who reported the figure: `reporter` (own-reported) or `partner` (mirror data, e.g. the
    /// partner's imports standing in for the reporter's exports).
    #[serde(default)]
    pub reported_by: Option<SStr>,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// One `[[benchmarks]]` entry: one year of a reference price series (e.g. the World Bank's
/// "Natural gas, Europe"), in the series' own unit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBenchmark {
    /// Series id, e.g. `wb_ngas_europe`; all values of one series share its unit.
    pub series: SStr,
    /// What the series measures, in words (e.g. `World Bank "Natural gas, Europe"`).
    pub name: SStr,
    /// `gas` or `oil`.
    pub commodity: SStr,
    pub year: SYear,
    pub value: SNum,
    /// As the source states it, e.g. `USD/mmbtu`; never converted here.
    pub unit: SStr,
    /// Set when the yearly value was computed (e.g. a mean of 12 monthly values) rather than
    /// published as a yearly figure.
    #[serde(default)]
    pub computed: bool,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// One `[[energy]]` entry: what an importer paid an exporter for gas or oil in one year.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnergy {
    /// Optional stable id, unique among the `[[energy]]` records, so that an overlay can edit
    /// or drop the record (`docs/scenario.md`, "Overlays").
    #[serde(default)]
    pub id: Option<SStr>,
    pub importer: SStr,
    pub exporter: SStr,
    /// `gas` (prices in USD per 1000 m3, volumes in bcm) or `oil` (USD per tonne, million tonnes).
    pub commodity: SStr,
    pub year: SYear,
    /// Part of the year the price applies to, e.g. `Q1` or `annual`.
    #[serde(default)]
    pub period: Option<SStr>,
    #[serde(default)]
    pub price: Option<SNum>,
    /// A benchmark price for the same commodity (e.g. Gazprom's average European price).
    #[serde(default)]
    pub reference_price: Option<SNum>,
    #[serde(default)]
    pub reference_source: Option<SStr>,
    #[serde(default)]
    pub volume: Option<SNum>,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// One `[[pipelines]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPipeline {
    pub id: SStr,
    pub name: SStr,
    /// `gas` or `oil`.
    pub commodity: SStr,
    /// First year in service; absent for pipelines that were proposed but never built.
    #[serde(default)]
    pub opened: Option<SYear>,
    /// Year flows stopped, if they did.
    #[serde(default)]
    pub closed: Option<SYear>,
    /// `operating`, `stopped`, `never_operated` or `proposed`.
    pub status: SStr,
    pub segments: Vec<Spanned<RawSegment>>,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// A directed stretch of a pipeline between two places, with its owner and capacity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegment {
    pub from: SStr,
    pub to: SStr,
    pub owner: SStr,
    /// Capacity in bcm/year (gas) or million tonnes/year (oil); absent when not found.
    #[serde(default)]
    pub capacity: Option<SNum>,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// One `[[alliances]]` entry: an alliance, union or treaty regime with its members.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlliance {
    pub id: SStr,
    pub name: SStr,
    /// `military_alliance`, `union_state`, `customs_union`, `economic_union` or `treaty`.
    pub kind: SStr,
    /// The organisation actor that embodies it, if any (e.g. `CSTO`).
    #[serde(default)]
    pub organisation: Option<SStr>,
    pub members: Vec<SStr>,
    pub signed: SStr,
    #[serde(default)]
    pub in_force: Option<SStr>,
    #[serde(default)]
    pub ended: Option<SStr>,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// One `[[sanctions]]` entry: a sanctions measure one actor imposed on another.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSanction {
    pub id: SStr,
    pub imposer: SStr,
    pub target: SStr,
    /// `targeted`, `sectoral`, `aviation`, `arms_embargo` or `suspension` (a lifting).
    pub kind: SStr,
    pub start: SStr,
    #[serde(default)]
    pub end: Option<SStr>,
    #[serde(default)]
    pub individuals: Option<SNum>,
    #[serde(default)]
    pub entities: Option<SNum>,
    pub description: SStr,
    /// The timeline event that records it, if any.
    #[serde(default)]
    pub event: Option<SStr>,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// One `[[issues]]` entry: a contested question on a numeric scale.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIssue {
    pub id: SStr,
    pub name: SStr,
    pub description: SStr,
    pub scale_min: SNum,
    pub scale_max: SNum,
    pub min_label: SStr,
    pub max_label: SStr,
    /// The position that holds if nobody agrees on anything (used by Nash bargaining).
    pub status_quo: SNum,
    /// When the positions below were held, e.g. `2021-09`.
    pub as_of: SStr,
    /// Date of the latest fact the status quo rests on (the `note` says which). Must not be
    /// after `as_of`.
    #[serde(default)]
    pub status_quo_source_date: Option<SStr>,
    /// For a coding of the same question at another date: the id of the issue it is a
    /// snapshot of (see `World::issue_snapshot_at`).
    #[serde(default)]
    pub snapshot_of: Option<SStr>,
    /// The state variable this issue is the bargaining view of, e.g. `price.gas.BLR` (the
    /// simulation then reports that variable as the issue's outcome).
    #[serde(default)]
    pub indicator: Option<SStr>,
    pub positions: Vec<Spanned<RawPosition>>,
    #[serde(default)]
    pub outcomes: Vec<Spanned<RawOutcome>>,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// One actor's stance on an issue, in the KTAB/BDM convention.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPosition {
    pub actor: SStr,
    pub position: SNum,
    /// Share of attention the actor gives the issue, in [0, 1].
    pub salience: SNum,
    /// Resources it can bring to bear on the issue (any non-negative scale, shared within the issue).
    pub capability: SNum,
    /// A citation. At least one of `source` and `rationale` must be given.
    #[serde(default)]
    pub source: Option<SStr>,
    /// The analyst's reasoning where no source states the number.
    #[serde(default)]
    pub rationale: Option<SStr>,
    /// Date of the latest fact or source the position, salience and capability rest on
    /// (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`). Must not be after the issue's `as_of`.
    #[serde(default)]
    pub source_date: Option<SStr>,
    /// Why the salience has its value, citing its source.
    #[serde(default)]
    pub salience_rationale: Option<SStr>,
    /// Date of the latest fact the salience rests on. Must not be after the issue's `as_of`.
    #[serde(default)]
    pub salience_source_date: Option<SStr>,
    /// Why the capability has its value, citing its source.
    #[serde(default)]
    pub capability_rationale: Option<SStr>,
    /// Date of the latest fact the capability rests on. Must not be after the issue's `as_of`.
    #[serde(default)]
    pub capability_source_date: Option<SStr>,
}

/// What actually happened on an issue by a date, for backtests.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutcome {
    pub date: SStr,
    /// The outcome on the issue scale.
    pub value: SNum,
    pub description: SStr,
    pub source: SStr,
}

/// One `[[events]]` entry of the dated timeline.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub id: SStr,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: SStr,
    #[serde(default)]
    pub end_date: Option<SStr>,
    pub actors: Vec<SStr>,
    pub kind: SStr,
    pub description: SStr,
    #[serde(default)]
    pub quantity: Option<SNum>,
    #[serde(default)]
    pub unit: Option<SStr>,
    /// One of the essay's key events, labelled in charts.
    #[serde(default)]
    pub key: bool,
    /// Where the essay states this event differently, what it says and what is right.
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// One `[[claims]]` entry: a factual claim of the narrative, checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClaim {
    pub id: SStr,
    /// Paragraph of the narrative, counted from 1.
    pub paragraph: SYear,
    pub text: SStr,
    /// `verified`, `corrected`, `partly_verified`, `disputed` or `unverifiable`.
    pub verdict: SStr,
    #[serde(default)]
    pub correction: Option<SStr>,
    /// Timeline events that represent the claim (or its correction).
    #[serde(default)]
    pub events: Vec<SStr>,
    /// The number the claim states (shares as fractions), when it states one.
    #[serde(default)]
    pub figure: Option<SNum>,
    /// What `figure` measures, so it can be set against the data: `exports_share:RUS`,
    /// `imports_share:RUS`, `turnover_share:RUS` or `energy_subsidy_share_gdp`.
    #[serde(default)]
    pub measure: Option<SStr>,
    #[serde(default)]
    pub source: Option<SStr>,
}

/// One `[[links]]` entry: a declared causal link between two state variables of the
/// simulation (see `docs/scenario.md`, section "Links", and `docs/models/simulation.md`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    pub id: SStr,
    /// The driving state variable, e.g. `sanctions.EU.BLR`.
    pub from: SStr,
    /// The driven state variable, e.g. `trade_share.exports.BLR.EU`.
    pub to: SStr,
    /// `linear`, `logistic` or `threshold`.
    pub form: SStr,
    /// `level` (default) or `change`: whether the form reads the driver's value or its change
    /// since the previous year.
    #[serde(default)]
    pub input: Option<SStr>,
    /// The effect's size (slope, logistic ceiling, or step height).
    pub parameter: SNum,
    /// Where the `threshold` form switches on.
    #[serde(default)]
    pub threshold: Option<SNum>,
    /// The centre of the `logistic` form.
    #[serde(default)]
    pub midpoint: Option<SNum>,
    /// The slope of the `logistic` form at its midpoint (default 1).
    #[serde(default)]
    pub steepness: Option<SNum>,
    /// For `position.*` targets: move toward this actor's position on the same issue.
    #[serde(default)]
    pub toward: Option<SStr>,
    /// Uncertainty of `parameter`: `[low, high]`, containing it.
    pub range: Spanned<Vec<f64>>,
    #[serde(default)]
    pub rationale: Option<SStr>,
    #[serde(default)]
    pub source: Option<SStr>,
}
