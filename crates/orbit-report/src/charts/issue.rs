//! Charts of one contested issue: the EUM's rounds, every model's forecast on the issue
//! scale, and the Monte Carlo distribution of the forecasts.

use orbit_models::forecast::IssueForecast;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    Area, ChartContext, DrawResult, GREY, LEGEND_WIDTH, LegendEntry, Mark, legend, render,
    scale_value,
};
use crate::data::IssueSummary;

/// The colour of a model, the same in every chart.
pub fn model_colour(model: &str) -> RGBColor {
    match model {
        "eum" => RGBColor(0x08, 0x30, 0x6b),
        "compromise" => RGBColor(0xb3, 0x58, 0x06),
        "median" => RGBColor(0x00, 0x6d, 0x2c),
        "nbs" => RGBColor(0x54, 0x27, 0x88),
        _ => GREY,
    }
}

/// A model's name for people.
pub fn model_label(model: &str) -> &str {
    match model {
        "eum" => "expected utility",
        "compromise" => "compromise",
        "median" => "weighted median",
        "nbs" => "Nash bargaining",
        other => other,
    }
}

fn issue_name(f: &IssueForecast) -> &str {
    f.name.as_deref().unwrap_or(&f.issue)
}

/// The issue's scale: from the forecast, else the range of the positions.
fn scale(f: &IssueForecast) -> (f64, f64) {
    f.scale.unwrap_or_else(|| {
        let lo = f
            .actors
            .iter()
            .map(|a| a.position)
            .fold(f64::INFINITY, f64::min);
        let hi = f
            .actors
            .iter()
            .map(|a| a.position)
            .fold(f64::NEG_INFINITY, f64::max);
        super::padded(lo, hi, 0.0)
    })
}

/// `position on the issue scale (0–100)`.
fn scale_desc(f: &IssueForecast) -> String {
    let (lo, hi) = scale(f);
    format!(
        "position on the issue scale ({}–{})",
        scale_value(lo),
        scale_value(hi)
    )
}

fn source(ctx: &ChartContext, f: &IssueForecast, summary: Option<&IssueSummary>) -> String {
    let mut line = ctx.source_line(summary.map(|s| s.source.as_str()));
    line.push_str(&format!("; issue {}", f.issue));
    line
}

/// What the ends of the scale mean, as two short lines.
fn scale_ends(f: &IssueForecast, summary: Option<&IssueSummary>) -> Option<[String; 2]> {
    let s = summary?;
    let (lo, hi) = scale(f);
    Some([
        super::cut(&format!("{} = {}", scale_value(lo), s.scale_labels[0]), 70),
        super::cut(&format!("{} = {}", scale_value(hi), s.scale_labels[1]), 70),
    ])
}

pub fn eum_rounds_title(f: &IssueForecast) -> String {
    format!(
        "{}: expected utility model, positions by round",
        issue_name(f)
    )
}

/// Each actor's position after every round of the EUM (round 0: as coded), and the median
/// voter position, which is the forecast after the last round.
pub fn eum_rounds(ctx: &ChartContext, f: &IssueForecast, summary: Option<&IssueSummary>) -> String {
    let title = eum_rounds_title(f);
    let source = source(ctx, f, summary);
    let Some(eum) = &f.eum else {
        return render(120, &title, &source, |area| {
            super::no_data(area, "no expected utility run for this issue")
        });
    };
    let (lo, hi) = scale(f);
    let last = eum.rounds.len().saturating_sub(1).max(1) as f64;
    // Tall enough for the legend (actors, median, forecast, the scale's ends).
    let height = 420.max(300 + 20 * (eum.actors.len() as u32 + 1));
    render(height, &title, &source, |area| {
        let (plot, side) = area.split_horizontally(super::WIDTH - LEGEND_WIDTH);
        let pad = (hi - lo) * 0.04;
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(76)
            .build_cartesian_2d(-0.2..last + 0.2, (lo - pad)..(hi + pad))?;
        chart
            .configure_mesh()
            .x_desc("round (0 = positions as coded)")
            .y_desc(scale_desc(f))
            .x_labels((last as usize + 1).min(12))
            .y_labels(6)
            .x_label_formatter(&|v| super::year_tick(*v))
            .y_label_formatter(&|v| scale_value(*v))
            .axis_desc_style((super::FONT, 17))
            .label_style((super::FONT, 17))
            .light_line_style(WHITE)
            .bold_line_style(super::LIGHT_GREY)
            .draw()?;
        for (a, name) in eum.actors.iter().enumerate() {
            let colour = ctx.palette.colour(name);
            let series: Vec<(f64, f64)> = eum
                .rounds
                .iter()
                .filter_map(|r| Some((r.round as f64, *r.positions.get(a)?)))
                .collect();
            chart.draw_series(LineSeries::new(series.clone(), colour.stroke_width(2)))?;
            if series.len() <= 30 {
                chart.draw_series(series.iter().map(|&p| Circle::new(p, 3, colour.filled())))?;
            }
        }
        let median: Vec<(f64, f64)> = eum
            .rounds
            .iter()
            .map(|r| (r.round as f64, r.median))
            .collect();
        chart.draw_series(std::iter::once(DashedPathElement::new(
            median,
            6,
            4,
            BLACK.stroke_width(2),
        )))?;
        let mut entries: Vec<LegendEntry> = eum
            .actors
            .iter()
            .map(|a| LegendEntry::new(a, ctx.palette.colour(a), Mark::LineDot))
            .collect();
        entries.push(LegendEntry::new("median voter", BLACK, Mark::Dashed));
        legend(&side, (8, 20), Some("actor"), &entries)?;
        let y = 40 + 20 * entries.len() as i32;
        side.draw(&Text::new(
            format!("forecast: {}", scale_value(eum.forecast)),
            (8, y),
            (super::FONT, 17).into_font().color(&GREY),
        ))?;
        if let Some(ends) = scale_ends(f, summary) {
            draw_scale_ends(&side, y + 22, &ends)?;
        }
        Ok(())
    })
}

/// The meaning of the scale's ends, wrapped into the legend column.
fn draw_scale_ends(area: &Area<'_>, y: i32, ends: &[String; 2]) -> DrawResult {
    let style = (super::FONT, 17).into_font().color(&GREY);
    let mut y = y;
    area.draw(&Text::new("scale:", (8, y), style.clone()))?;
    y += 18;
    for end in ends {
        for line in super::wrap(end, 22, 3) {
            area.draw(&Text::new(line, (8, y), style.clone()))?;
            y += 17;
        }
        y += 3;
    }
    Ok(())
}

pub fn forecasts_title(f: &IssueForecast) -> String {
    format!("{}: forecasts of every model", issue_name(f))
}

/// The issue scale across; a row for the actors' coded positions, one for the status quo,
/// and one per model with its forecast and, from the Monte Carlo draws, its 90% interval
/// and median.
pub fn forecasts(ctx: &ChartContext, f: &IssueForecast, summary: Option<&IssueSummary>) -> String {
    let (lo, hi) = scale(f);
    let models: Vec<(&str, f64)> = f
        .forecasts()
        .into_iter()
        .map(|(m, v)| (m.as_str(), v))
        .collect();
    // Rows from the top: actors, status quo, then the models.
    let mut rows: Vec<String> = vec!["actors (as coded)".into()];
    if f.status_quo.is_some() {
        rows.push("status quo".into());
    }
    rows.extend(models.iter().map(|(m, _)| model_label(m).to_string()));
    let n = rows.len();
    let title = forecasts_title(f);
    let source = source(ctx, f, summary);
    // Tall enough for the legend: models, status quo, interval and median, actors, then
    // the scale's ends.
    let entries = models.len()
        + usize::from(f.status_quo.is_some())
        + 2 * usize::from(f.monte_carlo.is_some())
        + f.actors.len();
    let height = (80 + 46 * n as u32 + 110).max(190 + 20 * entries as u32 + 120);
    render(height, &title, &source, |area| {
        let (plot, side) = area.split_horizontally(super::WIDTH - LEGEND_WIDTH);
        let pad = (hi - lo) * 0.04;
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(42)
            .y_label_area_size(130)
            .build_cartesian_2d((lo - pad)..(hi + pad), (0..n as i32 - 1).into_segmented())?;
        let label = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => rows
                .get(n.wrapping_sub(1).wrapping_sub(*i as usize))
                .cloned()
                .unwrap_or_default(),
            SegmentValue::Last => String::new(),
        };
        chart
            .configure_mesh()
            .x_desc(scale_desc(f))
            .y_desc("")
            .x_labels(8)
            .y_labels(n)
            .x_label_formatter(&|v| scale_value(*v))
            .y_label_formatter(&label)
            .axis_desc_style((super::FONT, 17))
            .label_style((super::FONT, 17))
            .light_line_style(WHITE)
            .bold_line_style(super::LIGHT_GREY)
            .draw()?;
        let row = |i: usize| SegmentValue::CenterOf((n - 1 - i) as i32);

        // Actors: actors at (nearly) the same position share one label, their dots stacked.
        let near = (hi - lo) * 0.02;
        let mut groups: Vec<(f64, Vec<&str>)> = Vec::new();
        for a in &f.actors {
            match groups
                .iter_mut()
                .find(|(p, _)| (p - a.position).abs() <= near)
            {
                Some(g) => g.1.push(&a.name),
                None => groups.push((a.position, vec![&a.name])),
            }
        }
        // Labels of neighbouring groups alternate above and below the row so they do not
        // collide.
        groups.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (index, (position, names)) in groups.iter().enumerate() {
            // Dots of one group stacked vertically, centred on the row.
            let offset =
                |k: usize| (7.0 * (k as f64 - (names.len() - 1) as f64 / 2.0)).round() as i32;
            for (k, name) in names.iter().enumerate() {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((*position, row(0)))
                        + Circle::new((0, offset(k)), 5, ctx.palette.colour(name).filled()),
                ))?;
            }
            // Labels near an end of the scale align with it, so they stay on the chart.
            let along = (position - lo) / (hi - lo);
            let (h, dx) = if along < 0.25 {
                (HPos::Left, -6)
            } else if along > 0.75 {
                (HPos::Right, 6)
            } else {
                (HPos::Center, 0)
            };
            let (dy, v) = if index % 2 == 0 {
                (-offset(0).abs() - 8, VPos::Bottom)
            } else {
                (offset(0).abs() + 8, VPos::Top)
            };
            chart.draw_series(std::iter::once(
                EmptyElement::at((*position, row(0)))
                    + Text::new(
                        names.join(" "),
                        (dx, dy),
                        (super::FONT, 17)
                            .into_font()
                            .color(&BLACK)
                            .pos(Pos::new(h, v)),
                    ),
            ))?;
        }
        let value_label = |text: String, colour: RGBColor| {
            Text::new(
                text,
                (0, -9),
                (super::FONT, 17)
                    .into_font()
                    .color(&colour)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        };
        let mut next = 1;
        if let Some(q) = f.status_quo {
            chart.draw_series(std::iter::once(
                EmptyElement::at((q, row(next)))
                    + Rectangle::new([(-5, -5), (5, 5)], GREY.filled())
                    + value_label(scale_value(q), GREY),
            ))?;
            next += 1;
        }
        for (i, (model, value)) in models.iter().enumerate() {
            let r = next + i;
            let colour = model_colour(model);
            let mc = f
                .monte_carlo
                .as_ref()
                .and_then(|mc| mc.models.iter().find(|d| d.model == *model));
            if let Some(d) = mc.filter(|d| d.draws > 0) {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(d.p5, row(r)), (d.p95, row(r))],
                    colour.mix(0.35).stroke_width(8),
                )))?;
                chart.draw_series(std::iter::once(
                    EmptyElement::at((d.p50, row(r)))
                        + PathElement::new(vec![(0, -7), (0, 7)], colour.stroke_width(2)),
                ))?;
            }
            let text = match mc.filter(|d| d.draws > 0) {
                Some(d) => format!(
                    "{} (90%: {}–{})",
                    scale_value(*value),
                    scale_value(d.p5),
                    scale_value(d.p95)
                ),
                None => scale_value(*value),
            };
            chart.draw_series(std::iter::once(
                EmptyElement::at((*value, row(r)))
                    + Circle::new((0, 0), 6, colour.filled())
                    + value_label(text, colour),
            ))?;
        }

        let mut entries: Vec<LegendEntry> = models
            .iter()
            .map(|(m, _)| LegendEntry::new(model_label(m), model_colour(m), Mark::Dot))
            .collect();
        if f.status_quo.is_some() {
            entries.push(LegendEntry::new("status quo", GREY, Mark::Box));
        }
        if f.monte_carlo.is_some() {
            entries.push(LegendEntry::new("90% of MC draws", GREY, Mark::Box));
            entries.push(LegendEntry::new("median of draws", GREY, Mark::Line));
        }
        entries.extend(
            f.actors
                .iter()
                .map(|a| LegendEntry::new(&a.name, ctx.palette.colour(&a.name), Mark::Dot)),
        );
        legend(&side, (8, 20), Some("forecast"), &entries)?;
        if let Some(ends) = scale_ends(f, summary) {
            draw_scale_ends(&side, 40 + 20 * entries.len() as i32, &ends)?;
        }
        Ok(())
    })
}

pub fn monte_carlo_title(f: &IssueForecast) -> String {
    let draws = f.monte_carlo.as_ref().map_or(0, |mc| mc.draws);
    format!(
        "{}: forecasts over {draws} Monte Carlo draws",
        issue_name(f)
    )
}

/// One histogram per model of its forecasts over the perturbed draws, with the 5th and 95th
/// percentiles and the unperturbed forecast.
pub fn monte_carlo(
    ctx: &ChartContext,
    f: &IssueForecast,
    summary: Option<&IssueSummary>,
) -> String {
    let title = monte_carlo_title(f);
    let mut source = source(ctx, f, summary);
    let Some(mc) = &f.monte_carlo else {
        return render(120, &title, &source, |area| {
            super::no_data(area, "no Monte Carlo run for this issue")
        });
    };
    source.push_str(&format!(
        "; {} draws, seed {}, {}",
        mc.draws, mc.seed, mc.rng
    ));
    let (lo, hi) = scale(f);
    let point: Vec<(&str, f64)> = f
        .forecasts()
        .into_iter()
        .map(|(m, v)| (m.as_str(), v))
        .collect();
    let m = mc.models.len().max(1);
    let panel = 110;
    render(50 + panel * m as u32 + 50, &title, &source, |area| {
        let (plots, side) = area.split_horizontally(super::WIDTH - LEGEND_WIDTH);
        let (panels_area, axis_area) = plots.split_vertically(panel * m as u32);
        let panels = panels_area.split_evenly((m, 1));
        let pad = (hi - lo) * 0.02;
        for (k, (area, d)) in panels.iter().zip(&mc.models).enumerate() {
            let colour = model_colour(&d.model);
            let caption = if d.draws > 0 {
                format!(
                    "{}: mean {}, sd {:.1}, 90% {}–{} ({} draws, {} failed)",
                    model_label(&d.model),
                    scale_value(d.mean),
                    d.sd,
                    scale_value(d.p5),
                    scale_value(d.p95),
                    d.draws,
                    d.failed
                )
            } else {
                format!("{}: no draw gave a forecast", model_label(&d.model))
            };
            let top = d
                .histogram
                .counts
                .iter()
                .map(|&c| c as f64 / d.draws.max(1) as f64)
                .fold(0.0_f64, f64::max);
            let top = ((top * 10.0).ceil() / 10.0).clamp(0.1, 1.0);
            let mut chart = ChartBuilder::on(area)
                .caption(caption, (super::FONT, 17))
                .margin_left(10)
                .margin_right(10)
                .x_label_area_size(if k + 1 == m { 22 } else { 4 })
                .y_label_area_size(76)
                .build_cartesian_2d((lo - pad)..(hi + pad), 0.0..top)?;
            let mut mesh = chart.configure_mesh();
            mesh.y_labels(3)
                .x_labels(8)
                .y_label_formatter(&|v| super::percent_tick(*v))
                .x_label_formatter(&|v| scale_value(*v))
                .label_style((super::FONT, 17))
                .axis_desc_style((super::FONT, 17))
                .light_line_style(WHITE)
                .bold_line_style(super::LIGHT_GREY);
            if k + 1 != m {
                mesh.x_label_formatter(&|_| String::new());
            }
            if k == m / 2 {
                mesh.y_desc("share of draws (%)");
            }
            mesh.draw()?;
            let total = d.draws.max(1) as f64;
            let h = &d.histogram;
            chart.draw_series(h.counts.iter().enumerate().filter(|(_, c)| **c > 0).map(
                |(b, &c)| {
                    let (x0, x1) = (
                        h.edges[b],
                        h.edges.get(b + 1).copied().unwrap_or(h.edges[b]),
                    );
                    // A degenerate distribution (every draw equal) gets a visible sliver.
                    let x1 = if x1 - x0 < (hi - lo) * 0.005 {
                        x0 + (hi - lo) * 0.005
                    } else {
                        x1
                    };
                    Rectangle::new(
                        [(x0, 0.0), (x1, c as f64 / total)],
                        colour.mix(0.6).filled(),
                    )
                },
            ))?;
            if d.draws > 0 {
                for p in [d.p5, d.p95] {
                    chart.draw_series(std::iter::once(DashedPathElement::new(
                        vec![(p, 0.0), (p, top)],
                        4,
                        3,
                        GREY.stroke_width(1),
                    )))?;
                }
            }
            if let Some((_, v)) = point.iter().find(|(name, _)| *name == d.model) {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(*v, 0.0), (*v, top)],
                    BLACK.stroke_width(2),
                )))?;
            }
        }
        axis_area.draw(&Text::new(
            scale_desc(f),
            (((super::WIDTH - LEGEND_WIDTH) / 2) as i32, 14),
            (super::FONT, 17)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        let mut entries: Vec<LegendEntry> = mc
            .models
            .iter()
            .map(|d| LegendEntry::new(model_label(&d.model), model_colour(&d.model), Mark::Box))
            .collect();
        entries.push(LegendEntry::new("5th/95th percentile", GREY, Mark::Dashed));
        entries.push(LegendEntry::new("unperturbed forecast", BLACK, Mark::Line));
        legend(&side, (8, 20), Some("model"), &entries)?;
        Ok(())
    })
}
