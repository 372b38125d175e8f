//! Scalar checks: text, sources, numbers in range, years, dates and vocabularies.

use super::*;

impl Checker {
    pub(super) fn text(&mut self, value: &SStr, field: &str, context: &str) -> Option<String> {
        if value.get_ref().trim().is_empty() {
            self.error(format!("`{field}` is empty"), value.span(), context);
            return None;
        }
        Some(value.get_ref().clone())
    }

    pub(super) fn opt_text(
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

    pub(super) fn source(&mut self, value: &SStr, context: &str) -> Option<String> {
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

    pub(super) fn finite(&mut self, value: &SNum, field: &str, context: &str) -> Option<f64> {
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

    pub(super) fn non_negative(&mut self, value: &SNum, field: &str, context: &str) -> Option<f64> {
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

    pub(super) fn unit_interval(
        &mut self,
        value: &SNum,
        field: &str,
        context: &str,
    ) -> Option<f64> {
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

    pub(super) fn opt<T>(
        &mut self,
        value: &Option<SNum>,
        check: impl Fn(&mut Self, &SNum) -> Option<T>,
    ) -> Option<Option<T>> {
        match value {
            Some(v) => check(self, v).map(Some),
            None => Some(None),
        }
    }

    pub(super) fn year(&mut self, value: &SYear, field: &str, context: &str) -> Option<i32> {
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
    pub(super) fn scenario_year(
        &mut self,
        value: &SYear,
        field: &str,
        context: &str,
    ) -> Option<i32> {
        let y = self.year(value, field, context)?;
        self.inside_scenario(y, value.span(), field, context)
    }

    pub(super) fn inside_scenario(
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

    pub(super) fn date(&mut self, value: &SStr, field: &str, context: &str) -> Option<PartialDate> {
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

    pub(super) fn opt_date(
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

    pub(super) fn vocab<T: Vocabulary>(
        &mut self,
        value: &SStr,
        field: &str,
        context: &str,
    ) -> Option<T> {
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

    pub(super) fn unique_ids<'a>(&mut self, what: &str, ids: impl Iterator<Item = &'a SStr>) {
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
}
