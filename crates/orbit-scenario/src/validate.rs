//! Raw structs → [`World`]: resolves references and checks every rule in `docs/scenario.md`.
//!
//! The checker keeps going after a problem so the user sees all of them at once. A value
//! that fails its check is left out of the world (which is then discarded), never
//! replaced by a guess.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::parse::RawScenario;
use crate::raw::*;
use crate::world::*;

/// Years a scenario may talk about; outside this, a typo is likelier than history.
const YEAR_BOUNDS: (i64, i64) = (1000, 9999);

/// Checks `raw` and builds the world, or returns every problem found.
pub fn validate(raw: RawScenario) -> Result<World, Vec<Diagnostic>> {
    let mut c = Checker::default();
    let world = c.world(raw);
    match world {
        Some(world) if c.problems.is_empty() => Ok(world),
        _ => Err(c.problems),
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<Diagnostic>,
    actor_index: HashMap<String, ActorId>,
    /// Actors whose entries were malformed (already reported): no second report per reference.
    malformed_actors: Vec<String>,
    years: Option<YearSpan>,
    /// `[scenario] dated_codings = true`: every issue coding must carry its dates.
    dated_codings: bool,
}

impl Checker {
    fn error(&mut self, message: impl Into<String>, span: Range<usize>, context: &str) {
        self.problems
            .push(Diagnostic::new(message, Some(span)).with_context(context));
    }

    fn error_hint(
        &mut self,
        message: impl Into<String>,
        span: Range<usize>,
        context: &str,
        hint: impl Into<String>,
    ) {
        self.problems.push(
            Diagnostic::new(message, Some(span))
                .with_context(context)
                .with_hint(hint),
        );
    }

    fn world(&mut self, raw: RawScenario) -> Option<World> {
        let Some(meta) = raw.meta else {
            self.problems.push(
                Diagnostic::new("missing the `[scenario]` table", None)
                    .with_hint("start the file with `[scenario]` giving id, name, start_year, end_year, focus and patron"),
            );
            return None;
        };
        if raw.actors.is_empty() {
            self.problems.push(
                Diagnostic::new("the scenario has no `[[actors]]`", None).with_hint(
                    "every reference in a scenario names an actor; declare them with `[[actors]]`",
                ),
            );
        }
        self.malformed_actors = raw.malformed_actor_ids.clone();
        let years = self.year_span(&meta);
        self.years = years;
        self.dated_codings = meta
            .get_ref()
            .dated_codings
            .as_ref()
            .is_some_and(|d| *d.get_ref());
        self.index_actors(&raw.actors);
        let actors = self.collect(raw.actors, Self::actor);
        let meta = self.meta(meta.into_inner(), years);
        let indicators = self.collect(raw.indicators, Self::indicator);
        let trade = self.collect(raw.trade, Self::trade);
        let energy = self.collect(raw.energy, Self::energy);
        self.benchmark_consistency(&raw.benchmarks);
        let mut benchmarks = self.collect(raw.benchmarks, Self::benchmark);
        benchmarks.sort_by(|a, b| (&a.series, a.year).cmp(&(&b.series, b.year)));
        self.unique_ids("pipeline", raw.pipelines.iter().map(|p| &p.get_ref().id));
        let pipelines = self.collect(raw.pipelines, Self::pipeline);
        self.unique_ids("alliance", raw.alliances.iter().map(|a| &a.get_ref().id));
        let alliances = self.collect(raw.alliances, Self::alliance);
        self.unique_ids("issue", raw.issues.iter().map(|i| &i.get_ref().id));
        let declared_issues: Vec<String> = raw
            .issues
            .iter()
            .map(|i| i.get_ref().id.get_ref().clone())
            .collect();
        let issues = self.collect(raw.issues, Self::issue);

        self.unique_ids("event", raw.events.iter().map(|e| &e.get_ref().id));
        let mut events = self.collect(raw.events, Self::event);
        events.sort_by_key(|e| e.date);
        let event_index: HashMap<String, usize> = events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();

        self.unique_ids("sanction", raw.sanctions.iter().map(|s| &s.get_ref().id));
        let sanctions = raw
            .sanctions
            .into_iter()
            .filter_map(|s| self.sanction(s.into_inner(), &event_index))
            .collect();
        self.unique_ids("claim", raw.claims.iter().map(|c| &c.get_ref().id));
        let claims = raw
            .claims
            .into_iter()
            .filter_map(|c| self.claim(c.into_inner(), &event_index))
            .collect();
        self.unique_ids("link", raw.links.iter().map(|l| &l.get_ref().id));
        let links = raw
            .links
            .into_iter()
            .filter_map(|l| self.link(l.into_inner(), &issues, &declared_issues))
            .collect();
        Some(World {
            meta: meta?,
            actors,
            indicators,
            trade,
            energy,
            benchmarks,
            pipelines,
            alliances,
            sanctions,
            issues,
            events,
            claims,
            links,
        })
    }

    fn collect<R, T>(
        &mut self,
        raws: Vec<Spanned<R>>,
        check: impl Fn(&mut Self, R) -> Option<T>,
    ) -> Vec<T> {
        raws.into_iter()
            .filter_map(|r| check(self, r.into_inner()))
            .collect()
    }

    // ---- scalar checks -------------------------------------------------------------------

    fn text(&mut self, value: &SStr, field: &str, context: &str) -> Option<String> {
        if value.get_ref().trim().is_empty() {
            self.error(format!("`{field}` is empty"), value.span(), context);
            return None;
        }
        Some(value.get_ref().clone())
    }

    fn opt_text(
        &mut self,
        value: &Option<SStr>,
        field: &str,
        context: &str,
    ) -> Option<Option<String>> {
        match value {
            Some(v) => self.text(v, field, context).map(Some),
            None => Some(None),
        }
    }

    fn source(&mut self, value: &SStr, context: &str) -> Option<String> {
        if value.get_ref().trim().is_empty() {
            self.error_hint(
                "`source` is empty",
                value.span(),
                context,
                "every number and event needs a citation (publication, title, date)",
            );
            return None;
        }
        Some(value.get_ref().clone())
    }

    fn finite(&mut self, value: &SNum, field: &str, context: &str) -> Option<f64> {
        let v = *value.get_ref();
        if !v.is_finite() {
            self.error_hint(
                format!("`{field}` is {v}, which is not a finite number"),
                value.span(),
                context,
                "NaN and infinities are not data; leave the field out if the value is unknown",
            );
            return None;
        }
        Some(v)
    }

    fn non_negative(&mut self, value: &SNum, field: &str, context: &str) -> Option<f64> {
        let v = self.finite(value, field, context)?;
        if v < 0.0 {
            self.error(
                format!("`{field}` is {v}, but it cannot be negative"),
                value.span(),
                context,
            );
            return None;
        }
        Some(v)
    }

    fn unit_interval(&mut self, value: &SNum, field: &str, context: &str) -> Option<f64> {
        let v = self.finite(value, field, context)?;
        if !(0.0..=1.0).contains(&v) {
            self.error_hint(
                format!("`{field}` is {v}, outside [0, 1]"),
                value.span(),
                context,
                "shares and saliences are fractions: write 41% as 0.41",
            );
            return None;
        }
        Some(v)
    }

    fn opt<T>(
        &mut self,
        value: &Option<SNum>,
        check: impl Fn(&mut Self, &SNum) -> Option<T>,
    ) -> Option<Option<T>> {
        match value {
            Some(v) => check(self, v).map(Some),
            None => Some(None),
        }
    }

    fn year(&mut self, value: &SYear, field: &str, context: &str) -> Option<i32> {
        let y = *value.get_ref();
        if !(YEAR_BOUNDS.0..=YEAR_BOUNDS.1).contains(&y) {
            self.error(
                format!("`{field}` is {y}, not a four-digit year"),
                value.span(),
                context,
            );
            return None;
        }
        Some(y as i32)
    }

    /// A year that must also fall inside the scenario's span.
    fn scenario_year(&mut self, value: &SYear, field: &str, context: &str) -> Option<i32> {
        let y = self.year(value, field, context)?;
        self.inside_scenario(y, value.span(), field, context)
    }

    fn inside_scenario(
        &mut self,
        y: i32,
        span: Range<usize>,
        field: &str,
        context: &str,
    ) -> Option<i32> {
        if let Some(years) = self.years
            && !years.contains(y)
        {
            self.error_hint(
                format!("`{field}` {y} is outside the scenario's years {years}"),
                span,
                context,
                "widen `start_year`/`end_year` in `[scenario]` or correct the year",
            );
            return None;
        }
        Some(y)
    }

    fn date(&mut self, value: &SStr, field: &str, context: &str) -> Option<PartialDate> {
        match PartialDate::parse(value.get_ref()) {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(
                    format!("`{field}` \"{}\" does not parse: {e}", value.get_ref()),
                    value.span(),
                    context,
                );
                None
            }
        }
    }

    fn opt_date(
        &mut self,
        value: &Option<SStr>,
        field: &str,
        context: &str,
    ) -> Option<Option<PartialDate>> {
        match value {
            Some(v) => self.date(v, field, context).map(Some),
            None => Some(None),
        }
    }

    fn vocab<T: Vocabulary>(&mut self, value: &SStr, field: &str, context: &str) -> Option<T> {
        let parsed = T::parse_name(value.get_ref());
        if parsed.is_none() {
            self.error_hint(
                format!("unknown {field} `{}`", value.get_ref()),
                value.span(),
                context,
                format!("use one of {}", T::all_names()),
            );
        }
        parsed
    }

    fn unique_ids<'a>(&mut self, what: &str, ids: impl Iterator<Item = &'a SStr>) {
        let mut seen: HashMap<&str, Range<usize>> = HashMap::new();
        for id in ids {
            if let Some(first) = seen.get(id.get_ref().as_str()) {
                let first = first.clone();
                self.problems.push(
                    Diagnostic::new(
                        format!("duplicate {what} id `{}`", id.get_ref()),
                        Some(id.span()),
                    )
                    .with_context(format!("{what} `{}`", id.get_ref()))
                    .with_hint(format!(
                        "the first {what} with this id starts at byte {}; ids must be unique",
                        first.start
                    )),
                );
            } else {
                seen.insert(id.get_ref(), id.span());
            }
        }
    }

    // ---- references ----------------------------------------------------------------------

    fn index_actors(&mut self, actors: &[Spanned<RawActor>]) {
        self.unique_ids("actor", actors.iter().map(|a| &a.get_ref().id));
        for (i, actor) in actors.iter().enumerate() {
            self.actor_index
                .entry(actor.get_ref().id.get_ref().clone())
                .or_insert(ActorId(i));
        }
    }

    fn actor_ref(&mut self, value: &SStr, field: &str, context: &str) -> Option<ActorId> {
        let code = value.get_ref();
        if let Some(&id) = self.actor_index.get(code) {
            return Some(id);
        }
        if self.malformed_actors.iter().any(|m| m == code) {
            return None;
        }
        let suggestion = self
            .actor_index
            .keys()
            .find(|k| k.eq_ignore_ascii_case(code))
            .map(|k| format!("did you mean `{k}`? Actor ids are case-sensitive"))
            .unwrap_or_else(|| "declare it under `[[actors]]` or correct the id".to_string());
        self.error_hint(
            format!("`{field}` refers to unknown actor `{code}`"),
            value.span(),
            context,
            suggestion,
        );
        None
    }

    fn actor_refs(&mut self, values: &[SStr], field: &str, context: &str) -> Option<Vec<ActorId>> {
        let resolved: Vec<Option<ActorId>> = values
            .iter()
            .map(|v| self.actor_ref(v, field, context))
            .collect();
        resolved.into_iter().collect()
    }

    fn opt_actor_ref(
        &mut self,
        value: &Option<SStr>,
        field: &str,
        context: &str,
    ) -> Option<Option<ActorId>> {
        match value {
            Some(v) => self.actor_ref(v, field, context).map(Some),
            None => Some(None),
        }
    }

    fn event_ref(
        &mut self,
        value: &SStr,
        events: &HashMap<String, usize>,
        context: &str,
    ) -> Option<usize> {
        let found = events.get(value.get_ref()).copied();
        if found.is_none() {
            self.error(
                format!("refers to unknown event `{}`", value.get_ref()),
                value.span(),
                context,
            );
        }
        found
    }

    // ---- sections ------------------------------------------------------------------------

    fn year_span(&mut self, meta: &Spanned<RawMeta>) -> Option<YearSpan> {
        let m = meta.get_ref();
        let ctx = "the `[scenario]` table";
        let first = self.year(&m.start_year, "start_year", ctx);
        let last = self.year(&m.end_year, "end_year", ctx);
        let (first, last) = (first?, last?);
        if last < first {
            self.error(
                format!(
                    "the year range {first}-{last} is empty: `end_year` is before `start_year`"
                ),
                m.end_year.span(),
                ctx,
            );
            return None;
        }
        Some(YearSpan { first, last })
    }

    fn meta(&mut self, m: RawMeta, years: Option<YearSpan>) -> Option<Meta> {
        let ctx = "the `[scenario]` table";
        let id = self.text(&m.id, "id", ctx);
        let name = self.text(&m.name, "name", ctx);
        let focus = self.actor_ref(&m.focus, "focus", ctx);
        let patron = self.actor_ref(&m.patron, "patron", ctx);
        let description = self.opt_text(&m.description, "description", ctx);
        let narrative = self.opt_text(&m.narrative, "narrative", ctx);
        let source = self.opt_text(&m.source, "source", ctx);
        Some(Meta {
            id: id?,
            name: name?,
            description: description?,
            years: years?,
            focus: focus?,
            patron: patron?,
            narrative: narrative?,
            source: source?,
        })
    }

    fn actor(&mut self, a: RawActor) -> Option<Actor> {
        let ctx = format!("actor `{}`", a.id.get_ref());
        let code = self.text(&a.id, "id", &ctx);
        let name = self.text(&a.name, "name", &ctx);
        let kind = self.vocab::<ActorKind>(&a.kind, "actor kind", &ctx);
        let members = self.actor_refs(&a.members, "members", &ctx);
        let parent = self.opt_actor_ref(&a.parent, "parent", &ctx);
        let attributes: Vec<Option<Attribute>> = a
            .attributes
            .into_iter()
            .map(|attr| self.attribute(attr.into_inner(), &ctx))
            .collect();
        let note = self.opt_text(&a.note, "note", &ctx);
        let source = self.source(&a.source, &ctx);
        Some(Actor {
            code: code?,
            name: name?,
            kind: kind?,
            members: members?,
            parent: parent?,
            attributes: attributes.into_iter().collect::<Option<_>>()?,
            note: note?,
            source: source?,
        })
    }

    fn attribute(&mut self, a: RawAttribute, actor_ctx: &str) -> Option<Attribute> {
        let ctx = format!("{actor_ctx}, attribute `{}`", a.name.get_ref());
        let name = self.text(&a.name, "name", &ctx);
        let value = self.finite(&a.value, "value", &ctx);
        let unit = self.text(&a.unit, "unit", &ctx);
        let year = match &a.year {
            Some(y) => self.year(y, "year", &ctx).map(Some),
            None => Some(None),
        };
        let source = self.source(&a.source, &ctx);
        Some(Attribute {
            name: name?,
            value: value?,
            unit: unit?,
            year: year?,
            source: source?,
        })
    }

    fn indicator(&mut self, i: RawIndicator) -> Option<Indicator> {
        let ctx = format!(
            "indicator `{}` of `{}`",
            i.name.get_ref(),
            i.actor.get_ref()
        );
        let actor = self.actor_ref(&i.actor, "actor", &ctx);
        let name = self.text(&i.name, "name", &ctx);
        let unit = self.text(&i.unit, "unit", &ctx);
        let years = self.indicator_years(&i, &ctx);
        let value = if unit.as_deref() == Some("share") {
            self.unit_interval(&i.value, "value", &ctx)
        } else if i.signed {
            self.finite(&i.value, "value", &ctx)
        } else {
            self.non_negative(&i.value, "value", &ctx)
        };
        let note = self.opt_text(&i.note, "note", &ctx);
        let source = self.source(&i.source, &ctx);
        Some(Indicator {
            actor: actor?,
            name: name?,
            years: years?,
            value: value?,
            unit: unit?,
            signed: i.signed,
            estimate: i.estimate,
            note: note?,
            source: source?,
        })
    }

    fn indicator_years(&mut self, i: &RawIndicator, ctx: &str) -> Option<YearSpan> {
        match (&i.year, &i.years) {
            (Some(y), None) => {
                let y = self.scenario_year(y, "year", ctx)?;
                Some(YearSpan { first: y, last: y })
            }
            (None, Some(range)) => {
                let span = range.span();
                let [first, last] = range.get_ref().as_slice() else {
                    self.error("`years` must be two years `[first, last]`", span, ctx);
                    return None;
                };
                let check = |c: &mut Self, y: i64| {
                    c.year(&Spanned::new(span.clone(), y), "years", ctx)
                        .and_then(|y| c.inside_scenario(y, span.clone(), "years", ctx))
                };
                let (first, last) = (check(self, *first), check(self, *last));
                let (first, last) = (first?, last?);
                if last < first {
                    self.error(format!("the year range {first}-{last} is empty"), span, ctx);
                    return None;
                }
                Some(YearSpan { first, last })
            }
            (Some(y), Some(_)) => {
                self.error("give either `year` or `years`, not both", y.span(), ctx);
                None
            }
            (None, None) => {
                self.error_hint(
                    "the indicator has no `year`",
                    i.name.span(),
                    ctx,
                    "add `year = 2019`, or `years = [2005, 2015]` for a cumulative figure",
                );
                None
            }
        }
    }

    fn trade(&mut self, t: RawTrade) -> Option<TradeRecord> {
        let ctx = format!(
            "trade of `{}` with `{}` in {}",
            t.reporter.get_ref(),
            t.partner.get_ref(),
            t.year.get_ref()
        );
        let reporter = self.actor_ref(&t.reporter, "reporter", &ctx);
        let partner = self.actor_ref(&t.partner, "partner", &ctx);
        let year = self.scenario_year(&t.year, "year", &ctx);
        let flow = self.vocab::<TradeFlow>(&t.flow, "trade flow", &ctx);
        let value_usd = self.opt(&t.value_usd, |c, v| c.non_negative(v, "value_usd", &ctx));
        let share = self.opt(&t.share, |c, v| c.unit_interval(v, "share", &ctx));
        let value_eur = self.opt(&t.value_eur, |c, v| c.non_negative(v, "value_eur", &ctx));
        let reported_by = match &t.reported_by {
            Some(v) => self.vocab::<ReportedBy>(v, "reported_by", &ctx).map(Some),
            None => Some(None),
        };
        let variants = self.flow_variants(&t, &ctx);
        let has_variants = t.raw_usd.is_some() || t.smoothed_usd.is_some();
        if t.value_usd.is_none() && t.share.is_none() && t.value_eur.is_none() && !has_variants {
            self.error_hint(
                "the trade record has neither `value_usd` nor `share`",
                t.flow.span(),
                &ctx,
                "give the value in USD, the share of the reporter's total, or both (or `value_eur`, or `raw_usd`/`smoothed_usd` with `uses`)",
            );
            return None;
        }
        if let (Some(r), Some(p)) = (reporter, partner)
            && r == p
        {
            self.error(
                "a country does not trade with itself",
                t.partner.span(),
                &ctx,
            );
            return None;
        }
        let note = self.opt_text(&t.note, "note", &ctx);
        let source = self.source(&t.source, &ctx);
        Some(TradeRecord {
            reporter: reporter?,
            partner: partner?,
            year: year?,
            flow: flow?,
            value_usd: match variants? {
                Some(v) => match v.uses {
                    FlowVariant::Raw => v.raw,
                    FlowVariant::Smoothed => v.smoothed,
                },
                None => value_usd?,
            },
            share: share?,
            variants: variants?,
            value_eur: value_eur?,
            reported_by: reported_by?,
            note: note?,
            source: source?,
        })
    }

    /// `raw_usd`, `smoothed_usd` and `uses`: all or nothing, and `value_usd` is then left
    /// out (it is the variant `uses` names). `Some(None)` when the record has no variants.
    fn flow_variants(&mut self, t: &RawTrade, ctx: &str) -> Option<Option<FlowVariants>> {
        if t.raw_usd.is_none() && t.smoothed_usd.is_none() && t.uses.is_none() {
            return Some(None);
        }
        let raw = self.opt(&t.raw_usd, |c, v| c.non_negative(v, "raw_usd", ctx));
        let smoothed = self.opt(&t.smoothed_usd, |c, v| {
            c.non_negative(v, "smoothed_usd", ctx)
        });
        let Some(uses_text) = &t.uses else {
            let span = t
                .raw_usd
                .as_ref()
                .or(t.smoothed_usd.as_ref())
                .map(|v| v.span());
            self.error_hint(
                "`raw_usd`/`smoothed_usd` need `uses`",
                span.unwrap_or_else(|| t.flow.span()),
                ctx,
                "say which one the record's value and shares use: `uses = \"smoothed\"` or `uses = \"raw\"`",
            );
            return None;
        };
        let uses = self.vocab::<FlowVariant>(uses_text, "uses", ctx);
        if let Some(v) = &t.value_usd {
            self.error_hint(
                "give either `value_usd` or `raw_usd`/`smoothed_usd` with `uses`, not both",
                v.span(),
                ctx,
                "the record's value is the variant `uses` names",
            );
            return None;
        }
        let (raw, smoothed, uses) = (raw?, smoothed?, uses?);
        let chosen = match uses {
            FlowVariant::Raw => raw,
            FlowVariant::Smoothed => smoothed,
        };
        if chosen.is_none() {
            self.error(
                format!("`uses = \"{uses}\"` but the record has no `{uses}_usd`"),
                uses_text.span(),
                ctx,
            );
            return None;
        }
        Some(Some(FlowVariants {
            raw,
            smoothed,
            uses,
        }))
    }

    fn benchmark(&mut self, b: RawBenchmark) -> Option<Benchmark> {
        let ctx = format!("benchmark `{}` in {}", b.series.get_ref(), b.year.get_ref());
        let series = self.text(&b.series, "series", &ctx);
        let name = self.text(&b.name, "name", &ctx);
        let commodity = self.vocab::<Commodity>(&b.commodity, "commodity", &ctx);
        let year = self.scenario_year(&b.year, "year", &ctx);
        let value = self.non_negative(&b.value, "value", &ctx);
        let unit = self.text(&b.unit, "unit", &ctx);
        let note = self.opt_text(&b.note, "note", &ctx);
        let source = self.source(&b.source, &ctx);
        Some(Benchmark {
            series: series?,
            name: name?,
            commodity: commodity?,
            year: year?,
            value: value?,
            unit: unit?,
            computed: b.computed,
            note: note?,
            source: source?,
        })
    }

    /// One value per series and year, and one unit per series.
    fn benchmark_consistency(&mut self, raws: &[Spanned<RawBenchmark>]) {
        let mut seen: HashMap<(String, i64), ()> = HashMap::new();
        let mut units: HashMap<String, String> = HashMap::new();
        for b in raws.iter().map(|b| b.get_ref()) {
            let ctx = format!("benchmark `{}` in {}", b.series.get_ref(), b.year.get_ref());
            let key = (b.series.get_ref().clone(), *b.year.get_ref());
            if seen.insert(key, ()).is_some() {
                self.error(
                    format!(
                        "series `{}` has a second value for {}",
                        b.series.get_ref(),
                        b.year.get_ref()
                    ),
                    b.year.span(),
                    &ctx,
                );
            }
            match units.get(b.series.get_ref()) {
                Some(unit) if unit != b.unit.get_ref() => self.error_hint(
                    format!(
                        "unit `{}` differs from the series' unit `{unit}`",
                        b.unit.get_ref()
                    ),
                    b.unit.span(),
                    &ctx,
                    "one series has one unit; give a converted series its own id",
                ),
                Some(_) => {}
                None => {
                    units.insert(b.series.get_ref().clone(), b.unit.get_ref().clone());
                }
            }
        }
    }

    fn energy(&mut self, e: RawEnergy) -> Option<EnergyRecord> {
        let ctx = format!(
            "{} from `{}` to `{}` in {}",
            e.commodity.get_ref(),
            e.exporter.get_ref(),
            e.importer.get_ref(),
            e.year.get_ref()
        );
        let importer = self.actor_ref(&e.importer, "importer", &ctx);
        let exporter = self.actor_ref(&e.exporter, "exporter", &ctx);
        let commodity = self.vocab::<Commodity>(&e.commodity, "commodity", &ctx);
        let year = self.scenario_year(&e.year, "year", &ctx);
        let period = self.opt_text(&e.period, "period", &ctx);
        let price = self.opt(&e.price, |c, v| c.non_negative(v, "price", &ctx));
        let reference_price = self.opt(&e.reference_price, |c, v| {
            c.non_negative(v, "reference_price", &ctx)
        });
        if let (Some(rp), None) = (&e.reference_price, &e.reference_source) {
            self.error(
                "`reference_price` needs its own `reference_source`",
                rp.span(),
                &ctx,
            );
        }
        let reference_source = self.opt_text(&e.reference_source, "reference_source", &ctx);
        let volume = self.opt(&e.volume, |c, v| c.non_negative(v, "volume", &ctx));
        let note = self.opt_text(&e.note, "note", &ctx);
        let source = self.source(&e.source, &ctx);
        Some(EnergyRecord {
            importer: importer?,
            exporter: exporter?,
            commodity: commodity?,
            year: year?,
            period: period?,
            price: price?,
            reference_price: reference_price?,
            reference_source: reference_source?,
            volume: volume?,
            note: note?,
            source: source?,
        })
    }

    fn pipeline(&mut self, p: RawPipeline) -> Option<Pipeline> {
        let ctx = format!("pipeline `{}`", p.id.get_ref());
        let id = self.text(&p.id, "id", &ctx);
        let name = self.text(&p.name, "name", &ctx);
        let commodity = self.vocab::<Commodity>(&p.commodity, "commodity", &ctx);
        let status = self.vocab::<PipelineStatus>(&p.status, "pipeline status", &ctx);
        let opened = match &p.opened {
            Some(y) => self.year(y, "opened", &ctx).map(Some),
            None => Some(None),
        };
        let closed = match &p.closed {
            Some(y) => self.year(y, "closed", &ctx).map(Some),
            None => Some(None),
        };
        if let (Some(Some(o)), Some(Some(c)), Some(span)) =
            (opened, closed, p.closed.as_ref().map(|c| c.span()))
            && c < o
        {
            self.error(
                format!(
                    "the years in service {o}-{c} are an empty range: `closed` is before `opened`"
                ),
                span,
                &ctx,
            );
            return None;
        }
        if p.segments.is_empty() {
            self.error_hint(
                "the pipeline has no segments",
                p.id.span(),
                &ctx,
                "add `[[pipelines.segments]]` with from, to, owner and source",
            );
        }
        let segments: Vec<Option<Segment>> = p
            .segments
            .into_iter()
            .map(|s| self.segment(s.into_inner(), &ctx))
            .collect();
        let note = self.opt_text(&p.note, "note", &ctx);
        let source = self.source(&p.source, &ctx);
        Some(Pipeline {
            id: id?,
            name: name?,
            commodity: commodity?,
            opened: opened?,
            closed: closed?,
            status: status?,
            segments: segments.into_iter().collect::<Option<_>>()?,
            note: note?,
            source: source?,
        })
    }

    fn segment(&mut self, s: RawSegment, pipeline_ctx: &str) -> Option<Segment> {
        let ctx = format!(
            "{pipeline_ctx}, segment `{}` → `{}`",
            s.from.get_ref(),
            s.to.get_ref()
        );
        let from = self.actor_ref(&s.from, "from", &ctx);
        let to = self.actor_ref(&s.to, "to", &ctx);
        let owner = self.actor_ref(&s.owner, "owner", &ctx);
        let capacity = self.opt(&s.capacity, |c, v| c.non_negative(v, "capacity", &ctx));
        let note = self.opt_text(&s.note, "note", &ctx);
        let source = self.source(&s.source, &ctx);
        Some(Segment {
            from: from?,
            to: to?,
            owner: owner?,
            capacity: capacity?,
            note: note?,
            source: source?,
        })
    }

    fn alliance(&mut self, a: RawAlliance) -> Option<Alliance> {
        let ctx = format!("alliance `{}`", a.id.get_ref());
        let id = self.text(&a.id, "id", &ctx);
        let name = self.text(&a.name, "name", &ctx);
        let kind = self.vocab::<AllianceKind>(&a.kind, "alliance kind", &ctx);
        let organisation = self.opt_actor_ref(&a.organisation, "organisation", &ctx);
        let members = self.actor_refs(&a.members, "members", &ctx);
        let signed = self.date(&a.signed, "signed", &ctx);
        let in_force = self.opt_date(&a.in_force, "in_force", &ctx);
        let ended = self.opt_date(&a.ended, "ended", &ctx);
        if let (Some(s), Some(Some(e)), Some(span)) =
            (signed, ended, a.ended.as_ref().map(|e| e.span()))
            && e < s
        {
            self.error(format!("`ended` {e} is before `signed` {s}"), span, &ctx);
            return None;
        }
        let note = self.opt_text(&a.note, "note", &ctx);
        let source = self.source(&a.source, &ctx);
        Some(Alliance {
            id: id?,
            name: name?,
            kind: kind?,
            organisation: organisation?,
            members: members?,
            signed: signed?,
            in_force: in_force?,
            ended: ended?,
            note: note?,
            source: source?,
        })
    }

    fn sanction(&mut self, s: RawSanction, events: &HashMap<String, usize>) -> Option<Sanction> {
        let ctx = format!("sanction `{}`", s.id.get_ref());
        let id = self.text(&s.id, "id", &ctx);
        let imposer = self.actor_ref(&s.imposer, "imposer", &ctx);
        let target = self.actor_ref(&s.target, "target", &ctx);
        let kind = self.vocab::<SanctionKind>(&s.kind, "sanction kind", &ctx);
        let start = self.date(&s.start, "start", &ctx);
        let end = self.opt_date(&s.end, "end", &ctx);
        if let (Some(st), Some(Some(en)), Some(span)) =
            (start, end, s.end.as_ref().map(|e| e.span()))
            && en < st
        {
            self.error(format!("`end` {en} is before `start` {st}"), span, &ctx);
            return None;
        }
        let individuals = self.opt(&s.individuals, |c, v| {
            c.non_negative(v, "individuals", &ctx)
        });
        let entities = self.opt(&s.entities, |c, v| c.non_negative(v, "entities", &ctx));
        let description = self.text(&s.description, "description", &ctx);
        let event = match &s.event {
            Some(e) => self.event_ref(e, events, &ctx).map(Some),
            None => Some(None),
        };
        let note = self.opt_text(&s.note, "note", &ctx);
        let source = self.source(&s.source, &ctx);
        Some(Sanction {
            id: id?,
            imposer: imposer?,
            target: target?,
            kind: kind?,
            start: start?,
            end: end?,
            individuals: individuals?,
            entities: entities?,
            description: description?,
            event: event?,
            note: note?,
            source: source?,
        })
    }

    fn issue(&mut self, i: RawIssue) -> Option<Issue> {
        let ctx = format!("issue `{}`", i.id.get_ref());
        let id = self.text(&i.id, "id", &ctx);
        let name = self.text(&i.name, "name", &ctx);
        let description = self.text(&i.description, "description", &ctx);
        let scale_min = self.finite(&i.scale_min, "scale_min", &ctx);
        let scale_max = self.finite(&i.scale_max, "scale_max", &ctx);
        let scale = match (scale_min, scale_max) {
            (Some(lo), Some(hi)) if lo < hi => Some((lo, hi)),
            (Some(lo), Some(hi)) => {
                self.error(
                    format!("the scale [{lo}, {hi}] is empty: `scale_max` must exceed `scale_min`"),
                    i.scale_max.span(),
                    &ctx,
                );
                None
            }
            _ => None,
        };
        let min_label = self.text(&i.min_label, "min_label", &ctx);
        let max_label = self.text(&i.max_label, "max_label", &ctx);
        let status_quo = self.on_scale(&i.status_quo, "status_quo", scale, &ctx);
        let as_of = self.date(&i.as_of, "as_of", &ctx);
        let status_quo_source_date = self.coding_date(
            &i.status_quo_source_date,
            "status_quo_source_date",
            "status quo",
            as_of,
            i.status_quo.span(),
            &ctx,
        );
        let snapshot_of = self.opt_text(&i.snapshot_of, "snapshot_of", &ctx);
        let mut seen: HashMap<ActorId, ()> = HashMap::new();
        let positions: Vec<Option<Position>> = i
            .positions
            .into_iter()
            .map(|p| {
                let p = p.into_inner();
                let pos = self.position(&p, scale, as_of, &ctx)?;
                if seen.insert(pos.actor, ()).is_some() {
                    self.error(
                        format!(
                            "actor `{}` has two positions on this issue",
                            p.actor.get_ref()
                        ),
                        p.actor.span(),
                        &ctx,
                    );
                    return None;
                }
                Some(pos)
            })
            .collect();
        if positions.len() < 2 {
            self.error_hint(
                format!(
                    "the issue has {} position(s); bargaining needs at least two actors",
                    positions.len()
                ),
                i.id.span(),
                &ctx,
                "add `[[issues.positions]]` entries",
            );
        }
        let outcomes: Vec<Option<Outcome>> = i
            .outcomes
            .into_iter()
            .map(|o| {
                let o = o.into_inner();
                let octx = format!("{ctx}, outcome of {}", o.date.get_ref());
                let date = self.date(&o.date, "date", &octx);
                if let (Some(d), Some(as_of)) = (date, as_of)
                    && d.last_day() < as_of.first_day()
                {
                    self.error_hint(
                        format!("the outcome is dated {d}, before the issue's as_of {as_of}: it is history, not something to forecast"),
                        o.date.span(),
                        &octx,
                        "drop it (the status quo should already contain it) or move as_of before it",
                    );
                }
                let value = self.on_scale(&o.value, "value", scale, &octx);
                let description = self.text(&o.description, "description", &octx);
                let source = self.source(&o.source, &octx);
                Some(Outcome {
                    date: date?,
                    value: value?,
                    description: description?,
                    source: source?,
                })
            })
            .collect();
        let note = self.opt_text(&i.note, "note", &ctx);
        let source = self.source(&i.source, &ctx);
        let (scale_min, scale_max) = scale?;
        Some(Issue {
            id: id?,
            name: name?,
            description: description?,
            scale_min,
            scale_max,
            min_label: min_label?,
            max_label: max_label?,
            status_quo: status_quo?,
            as_of: as_of?,
            status_quo_source_date: status_quo_source_date?,
            snapshot_of: snapshot_of?,
            positions: positions.into_iter().collect::<Option<_>>()?,
            outcomes: outcomes.into_iter().collect::<Option<_>>()?,
            note: note?,
            source: source?,
        })
    }

    fn on_scale(
        &mut self,
        value: &SNum,
        field: &str,
        scale: Option<(f64, f64)>,
        ctx: &str,
    ) -> Option<f64> {
        let v = self.finite(value, field, ctx)?;
        let (lo, hi) = scale?;
        if !(lo..=hi).contains(&v) {
            self.error(
                format!("`{field}` {v} is outside the issue's scale [{lo}, {hi}]"),
                value.span(),
                ctx,
            );
            return None;
        }
        Some(v)
    }

    fn position(
        &mut self,
        p: &RawPosition,
        scale: Option<(f64, f64)>,
        as_of: Option<PartialDate>,
        issue_ctx: &str,
    ) -> Option<Position> {
        let ctx = format!("{issue_ctx}, position of `{}`", p.actor.get_ref());
        let actor = self.actor_ref(&p.actor, "actor", &ctx);
        let position = self.on_scale(&p.position, "position", scale, &ctx);
        let salience = self.unit_interval(&p.salience, "salience", &ctx);
        let capability = self.non_negative(&p.capability, "capability", &ctx);
        let source = self.opt_text(&p.source, "source", &ctx);
        let rationale = self.opt_text(&p.rationale, "rationale", &ctx);
        let source_date = self.coding_date(
            &p.source_date,
            "source_date",
            "position",
            as_of,
            p.actor.span(),
            &ctx,
        );
        let salience_rationale = self.coding_rationale(
            &p.salience_rationale,
            "salience_rationale",
            p.salience.span(),
            &ctx,
        );
        let salience_source_date = self.coding_date(
            &p.salience_source_date,
            "salience_source_date",
            "salience",
            as_of,
            p.salience.span(),
            &ctx,
        );
        let capability_rationale = self.coding_rationale(
            &p.capability_rationale,
            "capability_rationale",
            p.capability.span(),
            &ctx,
        );
        let capability_source_date = self.coding_date(
            &p.capability_source_date,
            "capability_source_date",
            "capability",
            as_of,
            p.capability.span(),
            &ctx,
        );
        if p.source.is_none() && p.rationale.is_none() {
            self.error_hint(
                "the position has neither `source` nor `rationale`",
                p.actor.span(),
                &ctx,
                "cite where the numbers come from, or explain the judgement behind them",
            );
            return None;
        }
        Some(Position {
            actor: actor?,
            position: position?,
            salience: salience?,
            capability: capability?,
            source: source?,
            rationale: rationale?,
            source_date: source_date?,
            salience_rationale: salience_rationale?,
            salience_source_date: salience_source_date?,
            capability_rationale: capability_rationale?,
            capability_source_date: capability_source_date?,
        })
    }

    /// The optional date of a coding's source (`what`: position, salience, capability or
    /// status quo). Hindsight: a coding "as of" a date may only rest on what was known by
    /// then (a date inside the as_of month counts as known). Under `dated_codings` a missing
    /// date is an error located at the coded value (`value_span`).
    fn coding_date(
        &mut self,
        value: &Option<SStr>,
        field: &str,
        what: &str,
        as_of: Option<PartialDate>,
        value_span: Range<usize>,
        ctx: &str,
    ) -> Option<Option<PartialDate>> {
        let date = self.opt_date(value, field, ctx)?;
        match (date, as_of, value) {
            (Some(d), Some(as_of), Some(raw)) if d.first_day() > as_of.last_day() => {
                self.error_hint(
                    format!("the {what}'s source is dated {d}, after the issue's as_of {as_of} (hindsight)"),
                    raw.span(),
                    ctx,
                    format!("code the {what} from facts known by as_of, or move the issue's as_of"),
                );
            }
            (None, _, _) if self.dated_codings => {
                self.error_hint(
                    format!("the {what} has no `{field}` (the scenario declares `dated_codings = true`)"),
                    value_span,
                    ctx,
                    format!("add `{field} = \"YYYY-MM-DD\"`: the date of the latest fact the {what} rests on, not after as_of"),
                );
            }
            _ => {}
        }
        Some(date)
    }

    /// The optional rationale of a salience or capability; required under `dated_codings`.
    fn coding_rationale(
        &mut self,
        value: &Option<SStr>,
        field: &str,
        value_span: Range<usize>,
        ctx: &str,
    ) -> Option<Option<String>> {
        if value.is_none() && self.dated_codings {
            self.error_hint(
                format!(
                    "the coding has no `{field}` (the scenario declares `dated_codings = true`)"
                ),
                value_span,
                ctx,
                "say why the number has its value and cite the dated source it rests on",
            );
        }
        self.opt_text(value, field, ctx)
    }

    fn event(&mut self, e: RawEvent) -> Option<Event> {
        let ctx = format!("event `{}`", e.id.get_ref());
        let id = self.text(&e.id, "id", &ctx);
        let date = self.date(&e.date, "date", &ctx);
        if let Some(d) = date {
            self.inside_scenario(d.year, e.date.span(), "date", &ctx);
        }
        let end_date = self.opt_date(&e.end_date, "end_date", &ctx);
        if let (Some(d), Some(Some(end)), Some(span)) =
            (date, end_date, e.end_date.as_ref().map(|x| x.span()))
            && end.last_day() < d.first_day()
        {
            self.error(format!("`end_date` {end} is before `date` {d}"), span, &ctx);
            return None;
        }
        if e.actors.is_empty() {
            self.error("the event names no `actors`", e.id.span(), &ctx);
        }
        let actors = self.actor_refs(&e.actors, "actors", &ctx);
        let kind = self.vocab::<EventKind>(&e.kind, "event kind", &ctx);
        let description = self.text(&e.description, "description", &ctx);
        let quantity = self.opt(&e.quantity, |c, v| c.finite(v, "quantity", &ctx));
        if let (Some(q), None) = (&e.quantity, &e.unit) {
            self.error_hint(
                "`quantity` has no `unit`",
                q.span(),
                &ctx,
                "say what the number counts, e.g. `unit = \"USD/1000 m3\"`",
            );
        }
        let unit = self.opt_text(&e.unit, "unit", &ctx);
        let note = self.opt_text(&e.note, "note", &ctx);
        let source = self.source(&e.source, &ctx);
        if e.actors.is_empty() {
            return None;
        }
        Some(Event {
            id: id?,
            date: date?,
            end_date: end_date?,
            actors: actors?,
            kind: kind?,
            description: description?,
            quantity: quantity?,
            unit: unit?,
            key: e.key,
            note: note?,
            source: source?,
        })
    }

    fn claim(&mut self, c: RawClaim, events: &HashMap<String, usize>) -> Option<Claim> {
        let ctx = format!("claim `{}`", c.id.get_ref());
        let id = self.text(&c.id, "id", &ctx);
        let paragraph = match *c.paragraph.get_ref() {
            p @ 1..=10_000 => Some(p as u32),
            p => {
                self.error(
                    format!("`paragraph` {p} must be a positive number"),
                    c.paragraph.span(),
                    &ctx,
                );
                None
            }
        };
        let text = self.text(&c.text, "text", &ctx);
        let verdict = self.vocab::<Verdict>(&c.verdict, "verdict", &ctx);
        let correction = self.opt_text(&c.correction, "correction", &ctx);
        if matches!(verdict, Some(Verdict::Corrected)) && c.correction.is_none() {
            self.error(
                "a corrected claim needs its `correction`",
                c.verdict.span(),
                &ctx,
            );
        }
        let linked: Vec<Option<usize>> = c
            .events
            .iter()
            .map(|e| self.event_ref(e, events, &ctx))
            .collect();
        let figure = self.claim_figure(&c, &ctx);
        let source = self.opt_text(&c.source, "source", &ctx);
        Some(Claim {
            id: id?,
            paragraph: paragraph?,
            text: text?,
            verdict: verdict?,
            correction: correction?,
            events: linked.into_iter().collect::<Option<_>>()?,
            figure: figure?,
            source: source?,
        })
    }

    fn claim_figure(&mut self, c: &RawClaim, ctx: &str) -> Option<Option<ClaimFigure>> {
        let (value, measure) = match (&c.figure, &c.measure) {
            (None, None) => return Some(None),
            (Some(v), Some(m)) => (v, m),
            (Some(v), None) => {
                self.error("`figure` needs a `measure`", v.span(), ctx);
                return None;
            }
            (None, Some(m)) => {
                self.error("`measure` needs a `figure`", m.span(), ctx);
                return None;
            }
        };
        let hint = "use `exports_share:CODE`, `imports_share:CODE`, `turnover_share:CODE` or `energy_subsidy_share_gdp`";
        let parsed = match measure.get_ref().split_once(':') {
            None if measure.get_ref() == "energy_subsidy_share_gdp" => {
                Some(Measure::EnergySubsidyShareGdp)
            }
            Some((flow, code)) => {
                let flow = match flow {
                    "exports_share" => Some(TradeFlow::Exports),
                    "imports_share" => Some(TradeFlow::Imports),
                    "turnover_share" => Some(TradeFlow::Turnover),
                    _ => None,
                };
                match flow {
                    Some(flow) => {
                        let partner = Spanned::new(measure.span(), code.to_string());
                        self.actor_ref(&partner, "measure", ctx)
                            .map(|partner| Measure::PartnerShare { flow, partner })
                    }
                    None => {
                        self.error_hint(
                            format!("unknown measure `{}`", measure.get_ref()),
                            measure.span(),
                            ctx,
                            hint,
                        );
                        None
                    }
                }
            }
            None => {
                self.error_hint(
                    format!("unknown measure `{}`", measure.get_ref()),
                    measure.span(),
                    ctx,
                    hint,
                );
                None
            }
        };
        let value = self.unit_interval(value, "figure", ctx);
        Some(Some(ClaimFigure {
            value: value?,
            measure: parsed?,
        }))
    }

    /// `declared` holds every issue id in the file, so a link to an issue that failed its own
    /// checks is left out quietly rather than reported as unknown.
    fn link(&mut self, l: RawLink, issues: &[Issue], declared: &[String]) -> Option<Link> {
        let ctx = format!("link `{}`", l.id.get_ref());
        let id = self.text(&l.id, "id", &ctx);
        let from = self.variable(&l.from, "from", &ctx, issues, declared);
        let to = self.variable(&l.to, "to", &ctx, issues, declared);
        if let Some(to) = to
            && !to.settable()
        {
            self.error_hint(
                format!("`to` names `{}`, which links cannot drive", l.to.get_ref()),
                l.to.span(),
                &ctx,
                "links drive `trade_share.*`, `price.*`, `position.*` and `salience.*`; the others are computed from the timeline or the state",
            );
        }
        let form = self.vocab::<LinkForm>(&l.form, "link form", &ctx);
        let input = match &l.input {
            Some(i) => self.vocab::<LinkInput>(i, "link input", &ctx),
            None => Some(LinkInput::Level),
        };
        let parameter = self.finite(&l.parameter, "parameter", &ctx);
        let threshold = self.opt(&l.threshold, |c, v| c.finite(v, "threshold", &ctx));
        let midpoint = self.opt(&l.midpoint, |c, v| c.finite(v, "midpoint", &ctx));
        let steepness = match &l.steepness {
            Some(v) => match self.finite(v, "steepness", &ctx) {
                Some(k) if k > 0.0 => Some(k),
                Some(k) => {
                    self.error(
                        format!("`steepness` is {k}, but it must be positive"),
                        v.span(),
                        &ctx,
                    );
                    None
                }
                None => None,
            },
            None => Some(1.0),
        };
        if let Some(form) = form {
            let needs = |c: &mut Self, field: &str, given: bool, wanted: bool| {
                if wanted && !given {
                    c.error_hint(
                        format!("a `{form}` link needs `{field}`"),
                        l.form.span(),
                        &ctx,
                        format!("add `{field} = ...` on the driver's scale"),
                    );
                } else if given && !wanted {
                    c.error(
                        format!("`{field}` does not apply to a `{form}` link"),
                        l.form.span(),
                        &ctx,
                    );
                }
            };
            needs(
                self,
                "threshold",
                l.threshold.is_some(),
                form == LinkForm::Threshold,
            );
            needs(
                self,
                "midpoint",
                l.midpoint.is_some(),
                form == LinkForm::Logistic,
            );
            if l.steepness.is_some() && form != LinkForm::Logistic {
                self.error(
                    format!("`steepness` does not apply to a `{form}` link"),
                    l.form.span(),
                    &ctx,
                );
            }
        }
        let range = self.link_range(&l.range, parameter, &ctx);
        let toward = match (&l.toward, to) {
            (None, _) => Some(None),
            (Some(t), Some(Variable::Position { issue, .. })) => {
                match self.actor_ref(t, "toward", &ctx) {
                    Some(a) if issues[issue].positions.iter().any(|p| p.actor == a) => {
                        Some(Some(a))
                    }
                    Some(_) => {
                        self.error(
                            format!(
                                "`toward` actor `{}` holds no position on issue `{}`",
                                t.get_ref(),
                                issues[issue].id
                            ),
                            t.span(),
                            &ctx,
                        );
                        None
                    }
                    None => None,
                }
            }
            (Some(t), Some(_)) => {
                self.error(
                    "`toward` applies only to a `position.*` target",
                    t.span(),
                    &ctx,
                );
                None
            }
            (Some(_), None) => None,
        };
        let rationale = self.opt_text(&l.rationale, "rationale", &ctx);
        let source = self.opt_text(&l.source, "source", &ctx);
        if l.rationale.is_none() && l.source.is_none() {
            self.error_hint(
                "the link has neither `source` nor `rationale`",
                l.id.span(),
                &ctx,
                "say where the effect's size comes from, or the judgement behind it",
            );
            return None;
        }
        let (from, to) = (from?, to?);
        if !to.settable() {
            return None;
        }
        Some(Link {
            id: id?,
            from,
            to,
            from_name: l.from.get_ref().clone(),
            to_name: l.to.get_ref().clone(),
            form: form?,
            input: input?,
            parameter: parameter?,
            threshold: threshold?,
            midpoint: midpoint?,
            steepness: steepness?,
            toward: toward?,
            range: range?,
            rationale: rationale?,
            source: source?,
        })
    }

    fn link_range(
        &mut self,
        range: &Spanned<Vec<f64>>,
        parameter: Option<f64>,
        ctx: &str,
    ) -> Option<(f64, f64)> {
        let span = range.span();
        let [low, high] = range.get_ref().as_slice() else {
            self.error("`range` must be two numbers `[low, high]`", span, ctx);
            return None;
        };
        let (low, high) = (*low, *high);
        if !low.is_finite() || !high.is_finite() {
            self.error("`range` must hold finite numbers", span, ctx);
            return None;
        }
        if high < low {
            self.error_hint(
                format!("the range [{low}, {high}] is empty"),
                span,
                ctx,
                "write the lower bound first",
            );
            return None;
        }
        if let Some(p) = parameter
            && !(low..=high).contains(&p)
        {
            self.error_hint(
                format!("`parameter` {p} is outside its range [{low}, {high}]"),
                span,
                ctx,
                "the range is the parameter's uncertainty and must contain it",
            );
            return None;
        }
        Some((low, high))
    }

    /// Parses a state-variable name (grammar in `docs/scenario.md`, "State variables").
    fn variable(
        &mut self,
        value: &SStr,
        field: &str,
        ctx: &str,
        issues: &[Issue],
        declared: &[String],
    ) -> Option<Variable> {
        let text = value.get_ref();
        let parts: Vec<&str> = text.split('.').collect();
        let span = value.span();
        let actor = |c: &mut Self, code: &str| {
            c.actor_ref(&Spanned::new(span.clone(), code.to_string()), field, ctx)
        };
        let issue = |c: &mut Self, id: &str| {
            let found = issues.iter().position(|i| i.id == id);
            if found.is_none() && !declared.iter().any(|d| d == id) {
                c.error_hint(
                    format!("`{field}` refers to unknown issue `{id}`"),
                    span.clone(),
                    ctx,
                    format!(
                        "the issues are {}",
                        issues
                            .iter()
                            .map(|i| format!("`{}`", i.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            found
        };
        match parts.as_slice() {
            ["trade_share", flow, reporter, partner] => {
                let flow = match *flow {
                    "exports" => Some(TradeFlow::Exports),
                    "imports" => Some(TradeFlow::Imports),
                    _ => {
                        self.error_hint(
                            format!("unknown trade flow `{flow}` in `{text}`"),
                            span.clone(),
                            ctx,
                            "trade shares are `exports` or `imports`",
                        );
                        None
                    }
                };
                let reporter = actor(self, reporter);
                let partner = actor(self, partner);
                Some(Variable::TradeShare {
                    flow: flow?,
                    reporter: reporter?,
                    partner: partner?,
                })
            }
            ["dependence", a, p] => {
                let (a, p) = (actor(self, a), actor(self, p));
                Some(Variable::Dependence {
                    actor: a?,
                    patron: p?,
                })
            }
            ["sanctions", i, t] => {
                let (i, t) = (actor(self, i), actor(self, t));
                Some(Variable::Sanctions {
                    imposer: i?,
                    target: t?,
                })
            }
            ["events", kind, a] => {
                let kind = self.vocab::<EventKind>(
                    &Spanned::new(span.clone(), kind.to_string()),
                    "event kind",
                    ctx,
                );
                let a = actor(self, a);
                Some(Variable::Events {
                    kind: kind?,
                    actor: a?,
                })
            }
            ["transit_share", a] => Some(Variable::TransitShare {
                actor: actor(self, a)?,
            }),
            ["price", commodity, importer] => {
                let commodity = self.vocab::<Commodity>(
                    &Spanned::new(span.clone(), commodity.to_string()),
                    "commodity",
                    ctx,
                );
                let importer = actor(self, importer);
                Some(Variable::Price {
                    commodity: commodity?,
                    importer: importer?,
                })
            }
            [kind @ ("position" | "salience"), id, a] => {
                let i = issue(self, id);
                let a = actor(self, a);
                let (i, a) = (i?, a?);
                if !issues[i].positions.iter().any(|p| p.actor == a) {
                    self.error_hint(
                        format!("actor `{}` holds no position on issue `{id}`", parts[2]),
                        span.clone(),
                        ctx,
                        "add its `[[issues.positions]]` entry or name another actor",
                    );
                    return None;
                }
                Some(if *kind == "position" {
                    Variable::Position { issue: i, actor: a }
                } else {
                    Variable::Salience { issue: i, actor: a }
                })
            }
            _ => {
                self.error_hint(
                    format!("`{field}` `{text}` is not a state variable"),
                    span.clone(),
                    ctx,
                    "use `trade_share.<exports|imports>.<reporter>.<partner>`, `dependence.<actor>.<patron>`, `sanctions.<imposer>.<target>`, `events.<kind>.<actor>`, `transit_share.<actor>`, `price.<gas|oil>.<importer>`, `position.<issue>.<actor>` or `salience.<issue>.<actor>`",
                );
                None
            }
        }
    }
}
