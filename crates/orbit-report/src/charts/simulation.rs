//! Fan charts of the yearly simulation: for each series, the 5–95 % band of the Monte Carlo
//! runs, their median, and the central run (stated parameters and inputs).

use orbit_models::simulation::{Fan, SimulationResult};
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::{
    Area, ChartContext, DrawResult, GREY, LEGEND_WIDTH, LegendEntry, Mark, legend, padded,
    percent_tick, render, scale_value, year_tick,
};
use crate::data::IssueSummary;

/// Band, median and central-run colours.
const BAND: RGBColor = RGBColor(0x9e, 0xca, 0xe1);
const MEDIAN: RGBColor = RGBColor(0x08, 0x51, 0x9c);
const CENTRAL: RGBColor = RGBColor(0xd6, 0x27, 0x28);

/// One small multiple.
struct Panel<'a> {
    label: String,
    fan: &'a Fan,
    central: Vec<f64>,
    y_range: (f64, f64),
    percent: bool,
}

pub const ISSUES_TITLE: &str =
    "Simulated forecasts of the contested issues (expected utility model)";
pub const INDICATORS_TITLE: &str = "Simulated dependence, trade and transit indicators";

/// One panel per issue: the EUM forecast's yearly fan on the issue's scale.
pub fn issue_fans(ctx: &ChartContext, sim: &SimulationResult, issues: &[IssueSummary]) -> String {
    let panels: Vec<Panel<'_>> = sim
        .issue_ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let fan = sim.fans.iter().find(|f| f.name == format!("eum.{id}"))?;
            let summary = issues.iter().find(|s| &s.id == id);
            let (lo, hi) = summary.map_or((0.0, 100.0), |s| (s.scale[0], s.scale[1]));
            Some(Panel {
                label: summary.map_or(id.clone(), |s| s.name.clone()),
                fan,
                central: sim.central.eum.iter().map(|year| year[i]).collect(),
                y_range: (lo, hi),
                percent: false,
            })
        })
        .collect();
    let source = ctx.source_line(
        issues
            .iter()
            .map(|i| i.source.as_str())
            .chain(std::iter::once(
                "links of the scenario (docs/models/simulation.md)",
            )),
    );
    draw(
        ISSUES_TITLE,
        "forecast on the issue scale",
        &panels,
        sim,
        &source,
    )
}

/// One panel per tracked indicator (shares on a 0–100 % axis, prices in USD).
pub fn indicator_fans(ctx: &ChartContext, sim: &SimulationResult) -> String {
    let panels: Vec<Panel<'_>> = sim
        .indicator_names
        .iter()
        .enumerate()
        // Positions and saliences are the issue charts' inputs; counts of events and
        // sanctions are shocks, not outcomes: those are in the CSV.
        .filter(|(_, name)| {
            ["trade_share.", "dependence.", "transit_share.", "price."]
                .iter()
                .any(|p| name.starts_with(p))
        })
        .filter_map(|(i, name)| {
            let fan = sim.fans.iter().find(|f| &f.name == name)?;
            let central: Vec<f64> = sim.central.indicators.iter().map(|y| y[i]).collect();
            let is_share = name.starts_with("trade_share.")
                || name.starts_with("dependence.")
                || name.starts_with("transit_share.");
            let y_range = if is_share {
                (0.0, 1.0)
            } else {
                let values = fan.p5.iter().chain(&fan.p95).chain(&central).copied();
                let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v), b.max(v))
                });
                padded(lo.min(0.0), hi, 0.1)
            };
            Some(Panel {
                label: name.clone(),
                fan,
                central,
                y_range,
                percent: is_share,
            })
        })
        .collect();
    let source =
        ctx.source_line(["indicators, trade, energy, sanctions and pipelines of the scenario"]);
    draw(
        INDICATORS_TITLE,
        "share (%) or USD/1000 m3",
        &panels,
        sim,
        &source,
    )
}

const COLUMNS: usize = 3;
const PANEL_HEIGHT: u32 = 210;

fn draw(
    title: &str,
    y_desc: &str,
    panels: &[Panel<'_>],
    sim: &SimulationResult,
    source: &str,
) -> String {
    let rows = panels.len().div_ceil(COLUMNS).max(1);
    let height = 60 + PANEL_HEIGHT * rows as u32 + 70;
    render(height, title, source, |area| {
        let (plots, side) = area.split_horizontally(super::WIDTH - LEGEND_WIDTH);
        legend(
            &side,
            (6, 20),
            Some(&format!("{} runs, seed {}", sim.runs, sim.seed)),
            &[
                LegendEntry::new("5-95% of runs", BAND, Mark::Box),
                LegendEntry::new("median of runs", MEDIAN, Mark::Line),
                LegendEntry::new("central run", CENTRAL, Mark::Dashed),
            ],
        )?;
        if panels.is_empty() {
            return super::no_data(&plots, "no simulated series");
        }
        let cells = plots.split_evenly((rows, COLUMNS));
        for (panel, cell) in panels.iter().zip(cells.iter()) {
            draw_panel(cell, panel, &sim.years, y_desc)?;
        }
        Ok(())
    })
}

fn draw_panel(area: &Area<'_>, panel: &Panel<'_>, years: &[i32], y_desc: &str) -> DrawResult {
    let (first, last) = match (years.first(), years.last()) {
        (Some(&a), Some(&b)) => (a as f64, b as f64),
        _ => return Ok(()),
    };
    let (lo, hi) = panel.y_range;
    let mut chart = ChartBuilder::on(area)
        .caption(super::cut(&panel.label, 34), (super::FONT, 17))
        .margin(6)
        .x_label_area_size(30)
        .y_label_area_size(44)
        .build_cartesian_2d(first..last.max(first + 1.0), lo..hi.max(lo + 1e-9))?;
    let percent = panel.percent;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .x_labels(4)
        .y_labels(5)
        .x_label_formatter(&|v| year_tick(*v))
        .y_label_formatter(&|v| {
            if percent {
                percent_tick(*v)
            } else {
                scale_value(*v)
            }
        })
        .x_desc("year")
        .y_desc(y_desc)
        .label_style((super::FONT, 17).into_font().color(&GREY))
        .axis_desc_style((super::FONT, 17).into_font().color(&GREY))
        .draw()?;
    let xs: Vec<f64> = years.iter().map(|&y| y as f64).collect();
    let finite = |v: &f64| v.is_finite();
    if panel.fan.p5.iter().all(finite) && panel.fan.p95.iter().all(finite) {
        let mut band: Vec<(f64, f64)> = xs
            .iter()
            .copied()
            .zip(panel.fan.p95.iter().copied())
            .collect();
        band.extend(xs.iter().copied().zip(panel.fan.p5.iter().copied()).rev());
        chart.draw_series(std::iter::once(Polygon::new(band, BAND.mix(0.7).filled())))?;
        chart.draw_series(LineSeries::new(
            xs.iter().copied().zip(panel.fan.p50.iter().copied()),
            MEDIAN.stroke_width(2),
        ))?;
    }
    let central: Vec<(f64, f64)> = xs
        .iter()
        .copied()
        .zip(panel.central.iter().copied())
        .collect();
    chart.draw_series(std::iter::once(DashedPathElement::new(
        central,
        4,
        3,
        CENTRAL.stroke_width(2),
    )))?;
    Ok(())
}
