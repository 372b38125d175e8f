//! The event timeline: how many events of each kind per year, the key events numbered.

use orbit_scenario::{EventKind, PartialDate};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartContext, GREY, LEGEND_WIDTH, LegendEntry, Mark, cut, legend, render};
use crate::data::{EventCount, KeyEvent};

pub const TITLE: &str = "Events by kind and year, key events numbered";

const BUBBLE: RGBColor = RGBColor(0x46, 0x6e, 0x9b);
const KEY: RGBColor = RGBColor(0xd6, 0x27, 0x28);

/// Radius in pixels of the bubble of `count` events: area grows with the count.
fn radius(count: usize) -> i32 {
    (2.0 + 3.0 * (count as f64).sqrt()).round() as i32
}

/// Kinds in the scenario vocabulary's order; kinds it does not know go last, sorted.
fn kinds(counts: &[EventCount]) -> Vec<&str> {
    let mut out: Vec<&str> = EventKind::ALL
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| counts.iter().any(|c| c.kind == *name))
        .collect();
    let mut other: Vec<&str> = counts
        .iter()
        .map(|c| c.kind.as_str())
        .filter(|k| EventKind::parse(k).is_none())
        .collect();
    other.sort_unstable();
    other.dedup();
    out.extend(other);
    out
}

fn key_year(e: &KeyEvent) -> Option<i32> {
    PartialDate::parse(&e.date).ok().map(|d| d.year)
}

/// A bubble per (year, kind) sized by the number of events; key events get a red ring and
/// their number, and are listed under the chart.
pub fn event_timeline(
    ctx: &ChartContext,
    counts: &[EventCount],
    key_events: &[KeyEvent],
) -> String {
    let kinds = kinds(counts);
    let rows = kinds.len().max(1);
    let years = counts
        .iter()
        .map(|c| c.year)
        .chain(key_events.iter().filter_map(key_year));
    let (first, last) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let (first, last) = if first > last {
        (2000, 2020)
    } else {
        (first, last)
    };
    let list_lines = key_events.len().div_ceil(2) as u32;
    let plot_height = 70 + 24 * rows as u32;
    let list_height = if key_events.is_empty() {
        0
    } else {
        26 + 16 * list_lines
    };
    let height = 40 + plot_height + list_height + 50;
    let source = ctx.source_line(key_events.iter().map(|e| e.source.as_str()));
    let source = if key_events.is_empty() {
        source
    } else {
        format!("{source} (key events; every event's source is in the scenario)")
    };
    render(height, TITLE, &source, |area| {
        let (chart_area, list_area) = area.split_vertically(plot_height);
        let (plot, side) = chart_area.split_horizontally(super::WIDTH - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .margin(8)
            .x_label_area_size(42)
            .y_label_area_size(130)
            .build_cartesian_2d(
                (first as f64 - 0.7)..(last as f64 + 0.7),
                (0..rows as i32 - 1).into_segmented(),
            )?;
        let label = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => kinds
                .get(rows.wrapping_sub(1).wrapping_sub(*i as usize))
                .map_or(String::new(), |k| k.replace('_', " ")),
            SegmentValue::Last => String::new(),
        };
        chart
            .configure_mesh()
            .x_desc("year")
            .y_desc("event kind")
            .x_labels(10)
            .y_labels(rows)
            .x_label_formatter(&|v| super::year_tick(*v))
            .y_label_formatter(&label)
            .axis_desc_style((super::FONT, 17))
            .label_style((super::FONT, 17))
            .light_line_style(WHITE)
            .bold_line_style(super::LIGHT_GREY)
            .draw()?;
        let row_of = |kind: &str| {
            kinds
                .iter()
                .position(|k| *k == kind)
                .map(|i| SegmentValue::CenterOf((rows - 1 - i) as i32))
        };
        for c in counts {
            let Some(row) = row_of(&c.kind) else { continue };
            chart.draw_series(std::iter::once(Circle::new(
                (c.year as f64, row),
                radius(c.count),
                BUBBLE.mix(0.75).filled(),
            )))?;
        }
        // Key events: numbered in date order, numbers of one cell joined by commas.
        let mut cells: Vec<(i32, &str, Vec<usize>)> = Vec::new();
        for (n, e) in key_events.iter().enumerate() {
            let Some(year) = key_year(e) else { continue };
            match cells
                .iter_mut()
                .find(|(y, k, _)| *y == year && *k == e.kind)
            {
                Some(cell) => cell.2.push(n + 1),
                None => cells.push((year, &e.kind, vec![n + 1])),
            }
        }
        for (year, kind, numbers) in &cells {
            let Some(row) = row_of(kind) else { continue };
            let ring = row.clone();
            let count = counts
                .iter()
                .find(|c| c.year == *year && c.kind == *kind)
                .map_or(1, |c| c.count);
            let r = radius(count) + 3;
            chart.draw_series(std::iter::once(Circle::new(
                (*year as f64, ring),
                r,
                KEY.stroke_width(2),
            )))?;
            let text: Vec<String> = numbers.iter().map(usize::to_string).collect();
            chart.draw_series(std::iter::once(
                EmptyElement::at((*year as f64, row))
                    + Text::new(
                        text.join(","),
                        (r - 1, -r + 1),
                        (super::FONT, 17)
                            .into_font()
                            .style(FontStyle::Bold)
                            .color(&KEY)
                            .pos(Pos::new(HPos::Left, VPos::Bottom)),
                    ),
            ))?;
        }

        // The legend: bubble sizes, then the key-event ring.
        let text =
            TextStyle::from((super::FONT, 17).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        side.draw(&Text::new(
            "events per year",
            (8, 30),
            text.clone().color(&GREY),
        ))?;
        let mut y = 52;
        for n in [1, 3, 6] {
            side.draw(&Circle::new((20, y), radius(n), BUBBLE.mix(0.75).filled()))?;
            let label = if n == 1 {
                "1 event".to_string()
            } else {
                format!("{n} events")
            };
            side.draw(&Text::new(label, (40, y), text.clone()))?;
            y += 26;
        }
        legend(
            &side,
            (9, y),
            None,
            &[LegendEntry::new("key event (no.)", KEY, Mark::Ring)],
        )?;

        if !key_events.is_empty() {
            let style =
                TextStyle::from((super::FONT, 17).into_font()).pos(Pos::new(HPos::Left, VPos::Top));
            list_area.draw(&Text::new(
                "Key events (the narrative's key dates)",
                (10, 4),
                style.clone().color(&GREY),
            ))?;
            let column = (super::WIDTH / 2) as i32;
            for (n, e) in key_events.iter().enumerate() {
                let (col, line) = (n / list_lines as usize, n % list_lines as usize);
                let entry = format!("{}. {} {}", n + 1, e.date, e.description);
                list_area.draw(&Text::new(
                    cut(&entry, 58),
                    (10 + col as i32 * column, 24 + 16 * line as i32),
                    style.clone(),
                ))?;
            }
        }
        Ok(())
    })
}
