//! Dependence over time: partner shares of trade, the energy subsidy as a share of GDP.

use orbit_models::dependence::{
    DependenceProfile, FigureCheck, PartnerShare, Provenance, SubsidyShare, YearDependence,
};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    ChartContext, GREY, LEGEND_WIDTH, LegendEntry, Mark, legend, percent, percent_tick, render,
};

/// The sources behind a figure's provenance.
pub(crate) fn provenance_sources(p: &Provenance) -> Vec<&str> {
    match p {
        Provenance::Sourced { source } => vec![source.as_str()],
        Provenance::Derived { sources, .. } => sources.iter().map(String::as_str).collect(),
    }
}

pub fn trade_shares_title(ctx: &ChartContext, profile: &DependenceProfile) -> String {
    format!(
        "{}'s export and import shares by partner",
        ctx.name(&profile.actor)
    )
}

/// Partners with a known share of the flow, in first-seen order.
fn partners<'a>(
    profile: &'a DependenceProfile,
    flow: impl Fn(&'a YearDependence) -> &'a [PartnerShare],
) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for y in &profile.years {
        for s in flow(y) {
            if !out.contains(&s.partner.as_str()) {
                out.push(&s.partner);
            }
        }
    }
    out
}

/// Two panels, exports and imports: each partner's share of the focus actor's goods trade
/// per year, one colour per partner.
pub fn trade_shares(ctx: &ChartContext, profile: &DependenceProfile) -> String {
    let flow_of = |y: &YearDependence, exports: bool| -> Vec<(i32, PartnerShare)> {
        let list = if exports {
            &y.export_shares
        } else {
            &y.import_shares
        };
        list.iter().map(|s| (y.year, s.clone())).collect()
    };
    let all: Vec<(i32, PartnerShare)> = profile
        .years
        .iter()
        .flat_map(|y| flow_of(y, true).into_iter().chain(flow_of(y, false)))
        .collect();
    let source = ctx.source_line(
        all.iter()
            .flat_map(|(_, s)| provenance_sources(&s.provenance)),
    );
    let mut partners_all = partners(profile, |y| &y.export_shares);
    for p in partners(profile, |y| &y.import_shares) {
        if !partners_all.contains(&p) {
            partners_all.push(p);
        }
    }
    let (first, last) = match (
        all.iter().map(|(y, _)| *y).min(),
        all.iter().map(|(y, _)| *y).max(),
    ) {
        (Some(a), Some(b)) => (a, b),
        _ => (2000, 2020),
    };
    let top = all.iter().map(|(_, s)| s.share).fold(0.0, f64::max);
    let top = ((top * 10.0).ceil() / 10.0).clamp(0.1, 1.0);
    let x_range = (first as f64 - 1.0)..(last as f64 + 1.0);
    render(440, &trade_shares_title(ctx, profile), &source, |area| {
        let (plots, side) = area.split_horizontally(super::WIDTH - LEGEND_WIDTH);
        let (left, right) = plots.split_horizontally((super::WIDTH - LEGEND_WIDTH) / 2);
        for (panel, exports) in [(&left, true), (&right, false)] {
            let (caption, y_desc) = if exports {
                (
                    format!("Exports of {}", profile.actor),
                    "share of exports (%)",
                )
            } else {
                (
                    format!("Imports of {}", profile.actor),
                    "share of imports (%)",
                )
            };
            let mut chart = ChartBuilder::on(panel)
                .caption(caption, (super::FONT, 17))
                .margin(8)
                .x_label_area_size(42)
                .y_label_area_size(58)
                .build_cartesian_2d(x_range.clone(), 0.0..top)?;
            chart
                .configure_mesh()
                .x_desc("year")
                .y_desc(y_desc)
                .x_labels(6)
                .y_labels(6)
                .x_label_formatter(&|v| super::year_tick(*v))
                .y_label_formatter(&|v| percent_tick(*v))
                .axis_desc_style((super::FONT, 17))
                .label_style((super::FONT, 17))
                .light_line_style(WHITE)
                .bold_line_style(super::LIGHT_GREY)
                .draw()?;
            let points: Vec<(i32, PartnerShare)> = profile
                .years
                .iter()
                .flat_map(|y| flow_of(y, exports))
                .collect();
            for partner in &partners_all {
                let colour = ctx.palette.colour(partner);
                let series: Vec<(f64, f64)> = points
                    .iter()
                    .filter(|(_, s)| s.partner == *partner)
                    .map(|(y, s)| (*y as f64, s.share))
                    .collect();
                if series.is_empty() {
                    continue;
                }
                for run in super::runs(&series, MAX_GAP) {
                    chart.draw_series(LineSeries::new(run, colour.stroke_width(2)))?;
                }
                chart.draw_series(series.iter().map(|&p| Circle::new(p, 4, colour.filled())))?;
            }
        }
        if partners_all.is_empty() {
            super::no_data(&plots, "no partner shares in the scenario")?;
        }
        let entries: Vec<LegendEntry> = partners_all
            .iter()
            .map(|p| LegendEntry::new(*p, ctx.palette.colour(p), Mark::LineDot))
            .collect();
        legend(&side, (8, 40), Some("partner"), &entries)?;
        Ok(())
    })
}

pub fn energy_subsidy_title(ctx: &ChartContext, profile: &DependenceProfile) -> String {
    format!(
        "Implicit energy subsidy from {} as a share of {}'s GDP",
        ctx.name(&profile.patron),
        ctx.name(&profile.actor)
    )
}

/// Points further apart than this many years are not joined by a line.
const MAX_GAP: f64 = 2.0;

const GAS: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
const OIL: RGBColor = RGBColor(0x8c, 0x56, 0x4b);
const ESTIMATE: RGBColor = RGBColor(0x2c, 0xa0, 0x2c);
const ESSAY: RGBColor = RGBColor(0xd6, 0x27, 0x28);

/// The derived subsidy per year and commodity (price gap × volume / GDP), the sourced
/// multi-year estimates as horizontal bars over their years, and the figures the narrative
/// states as dashed lines.
pub fn energy_subsidy(
    ctx: &ChartContext,
    profile: &DependenceProfile,
    checks: &[FigureCheck],
) -> String {
    let derived: Vec<(i32, &SubsidyShare)> = profile
        .years
        .iter()
        .flat_map(|y| y.energy_subsidy.iter().map(move |s| (y.year, s)))
        .collect();
    let essay: Vec<&FigureCheck> = checks
        .iter()
        .filter(|c| c.measure.starts_with("energy subsidy"))
        .collect();
    let mut sources: Vec<&str> = derived
        .iter()
        .flat_map(|(_, s)| provenance_sources(&s.provenance))
        .collect();
    sources.extend(profile.subsidy_estimates.iter().map(|e| e.source.as_str()));
    let source = ctx.source_line(sources);
    let years = derived.iter().map(|(y, _)| (*y, *y)).chain(
        profile
            .subsidy_estimates
            .iter()
            .map(|e| (e.years.first, e.years.last)),
    );
    let (first, last) = years.fold((i32::MAX, i32::MIN), |(a, b), (f, l)| (a.min(f), b.max(l)));
    let (first, last) = if first > last {
        (2000, 2020)
    } else {
        (first, last)
    };
    let values = derived
        .iter()
        .map(|(_, s)| s.share_of_gdp)
        .chain(profile.subsidy_estimates.iter().map(|e| e.value))
        .chain(essay.iter().map(|c| c.figure));
    let (lo, hi) = values.fold((0.0_f64, 0.0_f64), |(a, b), v| (a.min(v), b.max(v)));
    let hi = ((hi * 50.0).ceil() / 50.0).max(0.02);
    let lo = (lo * 50.0).floor() / 50.0;
    render(420, &energy_subsidy_title(ctx, profile), &source, |area| {
        let (plot, side) = area.split_horizontally(super::WIDTH - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(42)
            .y_label_area_size(62)
            .build_cartesian_2d((first as f64 - 0.5)..(last as f64 + 1.5), lo..hi)?;
        chart
            .configure_mesh()
            .x_desc("year")
            .y_desc("subsidy / GDP (%)")
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&|v| super::year_tick(*v))
            .y_label_formatter(&|v| percent_tick(*v))
            .axis_desc_style((super::FONT, 17))
            .label_style((super::FONT, 17))
            .light_line_style(WHITE)
            .bold_line_style(super::LIGHT_GREY)
            .draw()?;
        // Sourced estimates: a bar from the start of the first year to the end of the last.
        for e in &profile.subsidy_estimates {
            let (x0, x1) = (e.years.first as f64, e.years.last as f64 + 1.0);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x0, e.value), (x1, e.value)],
                ESTIMATE.stroke_width(5),
            )))?;
            chart.draw_series(std::iter::once(
                EmptyElement::at(((x0 + x1) / 2.0, e.value))
                    + Text::new(
                        format!("{} ({})", percent(e.value), e.years),
                        (0, -4),
                        TextStyle::from((super::FONT, 17).into_font())
                            .color(&ESTIMATE)
                            .pos(Pos::new(HPos::Center, VPos::Bottom)),
                    ),
            ))?;
        }
        for c in &essay {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![
                    (first as f64 - 0.5, c.figure),
                    (last as f64 + 1.5, c.figure),
                ],
                6,
                4,
                ESSAY.stroke_width(2),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("narrative P{}: {}", c.paragraph, percent(c.figure)),
                (last as f64 + 1.4, c.figure),
                (super::FONT, 17)
                    .into_font()
                    .color(&ESSAY)
                    .pos(Pos::new(HPos::Right, VPos::Bottom)),
            )))?;
        }
        for (commodity, colour) in [("gas", GAS), ("oil", OIL)] {
            let series: Vec<(f64, f64)> = derived
                .iter()
                .filter(|(_, s)| s.commodity.as_str() == commodity)
                .map(|(y, s)| (*y as f64 + 0.5, s.share_of_gdp))
                .collect();
            if series.is_empty() {
                continue;
            }
            for run in super::runs(&series, MAX_GAP) {
                chart.draw_series(LineSeries::new(run, colour.stroke_width(2)))?;
            }
            chart.draw_series(series.iter().map(|&p| Circle::new(p, 4, colour.filled())))?;
        }
        if derived.is_empty() && profile.subsidy_estimates.is_empty() {
            super::no_data(&plot, "no energy subsidy figures in the scenario")?;
        }
        let mut entries = Vec::new();
        for (commodity, colour) in [("gas", GAS), ("oil", OIL)] {
            if derived
                .iter()
                .any(|(_, s)| s.commodity.as_str() == commodity)
            {
                entries.push(LegendEntry::new(
                    format!("{commodity} price gap"),
                    colour,
                    Mark::LineDot,
                ));
            }
        }
        if !profile.subsidy_estimates.is_empty() {
            entries.push(LegendEntry::new("sourced estimate", ESTIMATE, Mark::Thick));
        }
        if !essay.is_empty() {
            entries.push(LegendEntry::new("narrative's figure", ESSAY, Mark::Dashed));
        }
        legend(&side, (8, 20), Some("subsidy / GDP"), &entries)?;
        side.draw(&Text::new(
            "derived: (reference −",
            (8, 40 + 20 * entries.len() as i32),
            (super::FONT, 17).into_font().color(&GREY),
        ))?;
        side.draw(&Text::new(
            "paid price) × volume / GDP",
            (8, 54 + 20 * entries.len() as i32),
            (super::FONT, 17).into_font().color(&GREY),
        ))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_lists_every_source() {
        let p = Provenance::Derived {
            formula: "x".into(),
            sources: vec!["a".into(), "b".into()],
        };
        assert_eq!(provenance_sources(&p), ["a", "b"]);
    }
}
