//! Year selectors of the pages with a time axis (`/dependence?from=2005&to=2021`,
//! `/simulation?from=...`): a GET form, so a view is a bookmarkable URL and the tables
//! follow it without any script. The charts show the rows of the chosen years and say so;
//! their downloads (`/charts/<name>.csv?from=...&to=...`) hold the same rows.

use std::fmt::Write as _;

use orbit_report::vega::VegaChart;
use orbit_report::{DataTable, escape};
use serde_json::{Value, json};

use crate::ApiError;
use crate::params::Params;

/// The parameters of a year selection.
pub const YEAR_PARAMS: &[&str] = &["from", "to"];

/// An inclusive range of years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearRange {
    pub from: i32,
    pub to: i32,
}

impl YearRange {
    /// The range of `?from=&to=` within `available` (the years the page has data for):
    /// `None` when neither is given; a missing end is the end of `available`.
    pub fn parse(params: &Params, available: (i32, i32)) -> Result<Option<YearRange>, ApiError> {
        params.only(YEAR_PARAMS)?;
        let year = |name: &str| -> Result<Option<i32>, ApiError> {
            let Some(v) = params.one(name)? else {
                return Ok(None);
            };
            let parsed: i32 = v.parse().map_err(|_| {
                ApiError::bad_request(format!(
                    "parameter `{name}`: expected a year such as {}, got `{v}`",
                    available.0
                ))
                .hint(format!("years run from {} to {}", available.0, available.1))
            })?;
            if parsed < available.0 || parsed > available.1 {
                return Err(ApiError::bad_request(format!(
                    "parameter `{name}`: {parsed} is outside the years with data ({}–{})",
                    available.0, available.1
                )));
            }
            Ok(Some(parsed))
        };
        let (from, to) = (year("from")?, year("to")?);
        if from.is_none() && to.is_none() {
            return Ok(None);
        }
        let range = YearRange {
            from: from.unwrap_or(available.0),
            to: to.unwrap_or(available.1),
        };
        if range.from > range.to {
            return Err(ApiError::bad_request(format!(
                "parameters `from` and `to`: {} is after {}",
                range.from, range.to
            ))
            .hint("`from` is the first year shown, `to` the last"));
        }
        Ok(Some(range))
    }

    /// `?from=2005&to=2021`.
    pub fn query(&self) -> String {
        format!("?from={}&to={}", self.from, self.to)
    }

    fn overlaps(&self, first: i32, last: i32) -> bool {
        last >= self.from && first <= self.to
    }
}

/// The selector: two drop-downs of the available years and a button; `current` preselects
/// the shown range. Works without scripts (a GET form).
pub fn form(path: &str, available: (i32, i32), current: Option<YearRange>) -> String {
    let (from, to) = current.map_or(available, |r| (r.from, r.to));
    let options = |selected: i32| {
        let mut s = String::new();
        for y in available.0..=available.1 {
            let mark = if y == selected { " selected" } else { "" };
            let _ = write!(s, "<option{mark}>{y}</option>");
        }
        s
    };
    let mut out = format!(
        "<form class=\"filter years\" id=\"year-filter\" method=\"get\" action=\"{}\">\n\
         <label>From <select name=\"from\">{}</select></label>\n\
         <label>To <select name=\"to\">{}</select></label>\n\
         <button type=\"submit\">Show these years</button>",
        escape(path),
        options(from),
        options(to)
    );
    match current {
        Some(r) => {
            let _ = write!(
                out,
                " <a href=\"{}\">all years</a>\n<p class=\"note\" id=\"year-range\" data-from=\"{}\" data-to=\"{}\">Showing {}–{} (of {}–{}).</p>\n",
                escape(path),
                r.from,
                r.to,
                r.from,
                r.to,
                available.0,
                available.1
            );
        }
        None => out.push('\n'),
    }
    out.push_str("</form>\n");
    out
}

/// The chart with only the rows of `range`: a row with a `year` is kept when its year (or
/// its span, `year` to `end`) meets the range, a span cut to it; rows without a year (a
/// narrative figure, a legend entry) stay. An explicit year domain is narrowed too, and the
/// description says which years are shown.
pub fn restrict_chart(chart: &VegaChart, range: YearRange) -> VegaChart {
    let mut out = chart.clone();
    if let Some(rows) = out.spec["data"]["values"].as_array_mut() {
        rows.retain(|r| match r["year"].as_i64() {
            None => true,
            Some(y) => {
                let end = r["end"].as_i64().unwrap_or(y);
                range.overlaps(y as i32, end as i32)
            }
        });
        for r in rows.iter_mut() {
            if let (Some(y), Some(end)) = (r["year"].as_i64(), r["end"].as_i64()) {
                r["year"] = json!(y.max(i64::from(range.from)));
                r["end"] = json!(end.min(i64::from(range.to)));
            }
        }
    }
    narrow_domains(&mut out.spec, range);
    if let Some(d) = out.spec["description"].as_str() {
        out.spec["description"] = json!(format!("{d} Years shown: {}–{}.", range.from, range.to));
    }
    out.source = format!("{} Years shown: {}–{}.", out.source, range.from, range.to);
    out
}

/// Every `scale.domain` of a `year` field set to two numbers becomes the range.
fn narrow_domains(v: &mut Value, range: YearRange) {
    match v {
        Value::Object(m) => {
            if m.get("field").and_then(Value::as_str) == Some("year")
                && let Some(domain) = m.get_mut("scale").and_then(|s| s.get_mut("domain"))
                && domain.as_array().is_some_and(|d| d.len() == 2)
            {
                *domain = json!([range.from, range.to]);
            }
            m.values_mut().for_each(|x| narrow_domains(x, range));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| narrow_domains(x, range)),
        _ => {}
    }
}

/// `2000-2009`, `2000–2009` or `2010` as `(first, last)`.
fn span(text: &str) -> Option<(i32, i32)> {
    let mut parts = text.split(['-', '–']).map(str::trim);
    let first: i32 = parts.next()?.parse().ok()?;
    let last: i32 = parts.next().map_or(Some(first), |p| p.parse().ok())?;
    Some((first, last))
}

/// The table with only the rows whose `year` (or `years` span) meets `range`; a table
/// without such a column is returned whole.
pub fn restrict_table(table: &DataTable, range: YearRange) -> DataTable {
    let column = table
        .headers
        .iter()
        .position(|h| h == "year" || h == "years");
    let mut out = table.clone();
    if let Some(c) = column {
        out.rows.retain(|row| {
            row.get(c)
                .and_then(|cell| span(&cell.raw()))
                .is_none_or(|(a, b)| range.overlaps(a, b))
        });
    }
    out
}

/// The chart's download links with the range appended, so that without scripts the CSV and
/// the spec hold the rows shown.
pub fn with_range_links(figure: &str, name: &str, range: YearRange) -> String {
    let q = range.query().replace('&', "&amp;");
    figure
        .replace(
            &format!("href=\"/charts/{name}.csv\""),
            &format!("href=\"/charts/{name}.csv{q}\""),
        )
        .replace(
            &format!("href=\"/charts/{name}.vl.json\""),
            &format!("href=\"/charts/{name}.vl.json{q}\""),
        )
}
