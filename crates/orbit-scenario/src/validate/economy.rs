//! The `[[indicators]]`, `[[trade]]`, `[[benchmarks]]` and `[[energy]]` sections.

use super::*;

impl Checker {
    pub(super) fn indicator(&mut self, i: RawIndicator) -> Option<Indicator> {
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

    pub(super) fn indicator_years(&mut self, i: &RawIndicator, ctx: &str) -> Option<YearSpan> {
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

    pub(super) fn trade(&mut self, t: RawTrade) -> Option<TradeRecord> {
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
    pub(super) fn flow_variants(
        &mut self,
        t: &RawTrade,
        ctx: &str,
    ) -> Option<Option<FlowVariants>> {
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

    pub(super) fn benchmark(&mut self, b: RawBenchmark) -> Option<Benchmark> {
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
    pub(super) fn benchmark_consistency(&mut self, raws: &[Spanned<RawBenchmark>]) {
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

    pub(super) fn energy(&mut self, e: RawEnergy) -> Option<EnergyRecord> {
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
        let id = self.opt_text(&e.id, "id", &ctx);
        Some(EnergyRecord {
            id: id?,
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
}
