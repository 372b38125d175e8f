//! The report's charts, drawn with plotters' SVG backend.
//!
//! Every chart function takes plain result data and a [`ChartContext`] (the scenario id for
//! the source line, the colours of the actors) and returns a complete SVG document. The
//! output is deterministic: the same input gives the same bytes, so the report and the
//! dashboard show identical charts and snapshot tests can compare them.
//!
//! Every chart has a title, axis labels with units, a legend and a source line naming the
//! scenario and the sources of the data drawn.

pub mod dependence;
pub mod issue;
pub mod network;
pub mod simulation;
pub mod timeline;

use std::collections::BTreeSet;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::data::RunReport;

/// Width of every chart in pixels.
pub const WIDTH: u32 = 800;
/// Width of the legend column on the right of a chart.
pub(crate) const LEGEND_WIDTH: u32 = 170;
/// Font family of every text (the SVG names it; the viewer picks the font).
pub(crate) const FONT: &str = "sans-serif";

/// One chart of the report: a file stem (`charts/<name>.svg`), its title and the SVG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub name: String,
    pub title: String,
    pub svg: String,
}

/// What every chart needs besides its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartContext {
    /// The scenario id, named first in every source line.
    pub scenario: String,
    pub palette: Palette,
    /// `(code, name)` of the actors, for titles.
    pub names: Vec<(String, String)>,
}

impl ChartContext {
    /// The context of a report's charts: its scenario id and [`Palette::for_report`].
    pub fn for_report(report: &RunReport) -> Self {
        ChartContext {
            scenario: report.scenario.id.clone(),
            palette: Palette::for_report(report),
            names: report
                .scenario
                .actors
                .iter()
                .map(|a| (a.code.clone(), a.name.clone()))
                .collect(),
        }
    }

    /// The actor's name, or its code when the context does not know it.
    pub fn name<'a>(&'a self, code: &'a str) -> &'a str {
        self.names
            .iter()
            .find(|(c, _)| c == code)
            .map_or(code, |(_, n)| n.as_str())
    }

    /// `Source: scenario <id>; <sources>`, the sources de-duplicated in first-seen order.
    pub fn source_line<'a>(&self, sources: impl IntoIterator<Item = &'a str>) -> String {
        let mut seen = BTreeSet::new();
        let unique: Vec<&str> = sources
            .into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty() && seen.insert(*s))
            .collect();
        if unique.is_empty() {
            format!("Source: scenario {}", self.scenario)
        } else {
            format!("Source: scenario {}; {}", self.scenario, unique.join("; "))
        }
    }
}

/// Colours of actors, the same in every chart of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    codes: Vec<String>,
}

/// Categorical colours (Tableau 10, then darker tones): the focus actor gets the first
/// (blue), the patron the second (red).
const ACTOR_COLOURS: [RGBColor; 20] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x17, 0xbe, 0xcf),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0x39, 0x3b, 0x79),
    RGBColor(0x63, 0x79, 0x39),
    RGBColor(0x8c, 0x6d, 0x31),
    RGBColor(0x84, 0x3c, 0x39),
    RGBColor(0x7b, 0x41, 0x73),
    RGBColor(0x31, 0x82, 0xbd),
    RGBColor(0xe6, 0x55, 0x0d),
    RGBColor(0x31, 0xa3, 0x54),
    RGBColor(0x75, 0x6b, 0xb1),
    RGBColor(0x63, 0x63, 0x63),
];

/// Text and axis grey.
pub(crate) const GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub(crate) const LIGHT_GREY: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

impl Palette {
    /// Colours assigned to `codes` in order; later duplicates are ignored.
    pub fn new<S: AsRef<str>>(codes: impl IntoIterator<Item = S>) -> Self {
        let mut out: Vec<String> = Vec::new();
        for code in codes {
            let code = code.as_ref();
            if !out.iter().any(|c| c == code) {
                out.push(code.to_string());
            }
        }
        Palette { codes: out }
    }

    /// The actors a report draws, in a fixed order: focus, patron, trade partners, the
    /// actors of each issue, the players of the transit game. Actors outside the first
    /// 20 share colours cyclically.
    pub fn for_report(report: &RunReport) -> Self {
        let mut codes: Vec<&str> = vec![&report.scenario.focus, &report.scenario.patron];
        for y in &report.dependence.years {
            for s in y.export_shares.iter().chain(&y.import_shares) {
                codes.push(&s.partner);
            }
        }
        for f in &report.forecasts {
            codes.extend(f.actors.iter().map(|a| a.name.as_str()));
        }
        if let Some(t) = &report.transit {
            codes.extend(t.players.iter().map(|p| p.code.as_str()));
        }
        Palette::new(codes)
    }

    /// The colour of `code`; grey for an actor the palette does not know.
    pub fn colour(&self, code: &str) -> RGBColor {
        self.codes
            .iter()
            .position(|c| c == code)
            .map_or(ACTOR_COLOURS[9], |i| ACTOR_COLOURS[i % ACTOR_COLOURS.len()])
    }

    /// The colour as `#rrggbb`, for HTML.
    pub fn hex(&self, code: &str) -> String {
        let RGBColor(r, g, b) = self.colour(code);
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

/// Every chart of the report, in the order the HTML shows them.
pub fn all(report: &RunReport) -> Vec<Chart> {
    let ctx = ChartContext::for_report(report);
    // Trade shares, the energy subsidy, the transit network and the simulation fans are
    // Vega-Lite charts now (`crate::vega`).
    let mut out = vec![Chart {
        name: "event_timeline".into(),
        title: timeline::TITLE.into(),
        svg: timeline::event_timeline(&ctx, &report.event_counts, &report.key_events),
    }];
    for f in &report.forecasts {
        let summary = report.issue(&f.issue);
        let charts = [
            ("eum_rounds", issue::eum_rounds_title(f), f.eum.is_some()),
            (
                "monte_carlo",
                issue::monte_carlo_title(f),
                f.monte_carlo.is_some(),
            ),
        ];
        for (kind, title, present) in charts {
            if !present {
                continue;
            }
            let svg = match kind {
                "eum_rounds" => issue::eum_rounds(&ctx, f, summary),
                "forecasts" => issue::forecasts(&ctx, f, summary),
                _ => issue::monte_carlo(&ctx, f, summary),
            };
            out.push(Chart {
                name: format!("{kind}_{}", file_stem(&f.issue)),
                title,
                svg,
            });
        }
    }
    out
}

/// An id reduced to `[a-z0-9_-]`, safe as a file name and an HTML id.
pub fn file_stem(id: &str) -> String {
    let stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() { "_".into() } else { stem }
}

// ---------------------------------------------------------------------------------------
// Drawing helpers shared by the chart modules.

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
pub(crate) type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Draws a chart of `height` pixels into a fresh SVG string. The closure gets the area
/// below the title and above the source line. If drawing fails (it should not: the only
/// backend is a `String`), the SVG says so instead of panicking.
pub(crate) fn render(
    height: u32,
    title: &str,
    source: &str,
    draw: impl FnOnce(&Area<'_>) -> DrawResult,
) -> String {
    let mut svg = String::new();
    let result = (|| -> DrawResult {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let lines = wrap(source, 125, 4);
        let footer = 8 + 14 * lines.len() as u32;
        let (main, foot) = root.split_vertically(height - footer);
        // Long titles (long actor or issue names) get a smaller font rather than running
        // off the chart: about 64 bold characters fit at size 22.
        let chars = title.chars().count().max(1) as f64;
        let size = (24.0 * 64.0 / chars).clamp(20.0, 24.0);
        let main = main.titled(title, (FONT, size).into_font().style(FontStyle::Bold))?;
        draw(&main)?;
        for (i, line) in lines.iter().enumerate() {
            foot.draw_text(
                line,
                &(FONT, 17).into_font().color(&GREY),
                (10, 2 + 14 * i as i32),
            )?;
        }
        root.present()?;
        Ok(())
    })();
    match result {
        Ok(()) => svg,
        Err(e) => format!(
            "<svg width=\"{WIDTH}\" height=\"40\" viewBox=\"0 0 {WIDTH} 40\" xmlns=\"http://www.w3.org/2000/svg\"><text x=\"10\" y=\"20\">{}</text></svg>\n",
            crate::html::escape(&format!("{title}: the chart could not be drawn: {e}"))
        ),
    }
}

/// Splits `text` into lines of at most `width` characters at spaces; more than `max_lines`
/// lines are cut, the last one ending in `…`.
pub(crate) fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = &mut lines[max_lines - 1];
        let keep: String = last.chars().take(width.saturating_sub(2)).collect();
        *last = format!("{keep} …");
    }
    lines
}

/// Cuts `text` to `width` characters with `…`.
pub(crate) fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mark {
    Line,
    Dashed,
    /// A thick bar (a value over a span of years).
    Thick,
    LineDot,
    Dot,
    Ring,
    Box,
}

#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    pub label: String,
    pub colour: RGBColor,
    pub mark: Mark,
}

impl LegendEntry {
    pub fn new(label: impl Into<String>, colour: RGBColor, mark: Mark) -> Self {
        LegendEntry {
            label: label.into(),
            colour,
            mark,
        }
    }
}

/// Draws a legend as a column of entries starting at `(x, y)` of `area`, with an optional
/// heading.
pub(crate) fn legend(
    area: &Area<'_>,
    (x, y): (i32, i32),
    heading: Option<&str>,
    entries: &[LegendEntry],
) -> DrawResult {
    let text = TextStyle::from((FONT, 17).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = y;
    if let Some(h) = heading {
        area.draw(&Text::new(h.to_string(), (x, y), text.clone().color(&GREY)))?;
        y += 18;
    }
    for e in entries {
        let c = e.colour;
        match e.mark {
            Mark::Line => area.draw(&PathElement::new(
                vec![(x, y), (x + 22, y)],
                c.stroke_width(2),
            ))?,
            Mark::Dashed => area.draw(&DashedPathElement::new(
                vec![(x, y), (x + 22, y)],
                5,
                3,
                c.stroke_width(2),
            ))?,
            Mark::Thick => area.draw(&PathElement::new(
                vec![(x, y), (x + 22, y)],
                c.stroke_width(5),
            ))?,
            Mark::LineDot => {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + 22, y)],
                    c.stroke_width(2),
                ))?;
                area.draw(&Circle::new((x + 11, y), 3, c.filled()))?;
            }
            Mark::Dot => area.draw(&Circle::new((x + 11, y), 5, c.filled()))?,
            Mark::Ring => area.draw(&Circle::new((x + 11, y), 6, c.stroke_width(2)))?,
            Mark::Box => area.draw(&Rectangle::new(
                [(x + 3, y - 6), (x + 19, y + 6)],
                c.mix(0.6).filled(),
            ))?,
        }
        area.draw(&Text::new(cut(&e.label, 20), (x + 28, y), text.clone()))?;
        y += 20;
    }
    Ok(())
}

/// Splits a series sorted by x where consecutive points are more than `max_gap` apart, so
/// a line does not suggest a trend across years without data.
pub(crate) fn runs(points: &[(f64, f64)], max_gap: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    for &p in points {
        match out.last_mut() {
            Some(run) if run.last().is_some_and(|q| p.0 - q.0 <= max_gap) => run.push(p),
            _ => out.push(vec![p]),
        }
    }
    out
}

/// A note across the middle of an area whose chart has nothing to draw.
pub(crate) fn no_data(area: &Area<'_>, text: &str) -> DrawResult {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        text.to_string(),
        (w as i32 / 2, h as i32 / 2),
        TextStyle::from((FONT, 17).into_font())
            .color(&GREY)
            .pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    Ok(())
}

/// A year axis tick: whole years only (plotters may put ticks at half years on short
/// ranges).
pub(crate) fn year_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// `0.451` as `45%` (axis ticks).
pub(crate) fn percent_tick(v: f64) -> String {
    format!("{:.0}%", 100.0 * v)
}

/// `0.451` as `45.1%`.
pub(crate) fn percent(v: f64) -> String {
    format!("{:.1}%", 100.0 * v)
}

/// Formats a number on an issue scale: no decimals for whole numbers, else one.
pub(crate) fn scale_value(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// `(lo, hi)` widened a little (and made non-empty) for an axis.
pub(crate) fn padded(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        return (lo - 1.0, hi + 1.0);
    }
    let d = (hi - lo) * pad;
    (lo - d, hi + d)
}
