//! The `[[events]]` and `[[claims]]` sections.

use super::*;

impl Checker {
    pub(super) fn event(&mut self, e: RawEvent) -> Option<Event> {
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

    pub(super) fn claim(&mut self, c: RawClaim, events: &HashMap<String, usize>) -> Option<Claim> {
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

    pub(super) fn claim_figure(&mut self, c: &RawClaim, ctx: &str) -> Option<Option<ClaimFigure>> {
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
        let flow_and_partner = measure.get_ref().split_once(':').and_then(|(flow, code)| {
            let flow = match flow {
                "exports_share" => TradeFlow::Exports,
                "imports_share" => TradeFlow::Imports,
                "turnover_share" => TradeFlow::Turnover,
                _ => return None,
            };
            Some((flow, code))
        });
        let parsed = match flow_and_partner {
            None if measure.get_ref() == "energy_subsidy_share_gdp" => {
                Some(Measure::EnergySubsidyShareGdp)
            }
            Some((flow, code)) => {
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
        };
        let value = self.unit_interval(value, "figure", ctx);
        Some(Some(ClaimFigure {
            value: value?,
            measure: parsed?,
        }))
    }
}
