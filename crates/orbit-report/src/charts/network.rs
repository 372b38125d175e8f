//! The pipeline network per epoch with each player's Shapley share.
//!
//! **Hook for the transit engine.** The transit game (pipeline network → coalition values →
//! Shapley values) is integrated separately; this module only defines the plain data it
//! should hand over, [`TransitShares`], and draws it. A report without transit data
//! (`RunReport::transit == None`) leaves the chart out.

use serde::{Deserialize, Serialize};

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartContext, GREY, LEGEND_WIDTH, LegendEntry, Mark, legend, percent, render};

pub const TITLE: &str = "Pipeline network and Shapley shares of the transit game by epoch";

/// The transit game's result in a form the chart can draw: players, and per epoch the
/// pipeline links between them and each player's Shapley share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitShares {
    pub players: Vec<TransitPlayer>,
    pub epochs: Vec<TransitEpoch>,
    /// Where the network data and the game come from, for the chart's source line.
    pub source: String,
}

/// A player of the transit game (a country or a firm).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitPlayer {
    /// The actor code, which also picks its colour.
    pub code: String,
    /// Map position as `[longitude °E, latitude °N]`. When any player lacks one, all are
    /// placed on a circle instead.
    pub position: Option<[f64; 2]>,
}

/// One epoch of the network (e.g. `1997-2005`: Yamal–Europe, before Nord Stream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitEpoch {
    pub label: String,
    /// Shapley share of each player, in [`TransitShares::players`] order (summing to 1).
    pub shares: Vec<f64>,
    /// Pipeline links `[from, to]` as indices into [`TransitShares::players`].
    pub links: Vec<[usize; 2]>,
}

const LINK: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// One panel per epoch (three per row): links as grey lines, each player a disc whose area
/// is its Shapley share, labelled with the share.
pub fn transit_network(ctx: &ChartContext, data: &TransitShares) -> String {
    let n = data.players.len();
    let on_map = n > 0 && data.players.iter().all(|p| p.position.is_some());
    let positions: Vec<(f64, f64)> = data
        .players
        .iter()
        .enumerate()
        .map(|(i, p)| match (on_map, p.position) {
            (true, Some([x, y])) => (x, y),
            _ => {
                let angle = std::f64::consts::TAU * i as f64 / n.max(1) as f64;
                (angle.cos(), angle.sin())
            }
        })
        .collect();
    let (x0, x1) = super::padded(
        positions.iter().map(|p| p.0).fold(f64::INFINITY, f64::min),
        positions
            .iter()
            .map(|p| p.0)
            .fold(f64::NEG_INFINITY, f64::max),
        0.2,
    );
    let (y0, y1) = super::padded(
        positions.iter().map(|p| p.1).fold(f64::INFINITY, f64::min),
        positions
            .iter()
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max),
        0.2,
    );
    let per_row = data.epochs.len().clamp(1, 3);
    let rows = data.epochs.len().div_ceil(per_row).max(1) as u32;
    let panel_height = 300;
    let height = 60 + rows * panel_height + 40;
    let source = ctx.source_line([data.source.as_str()]);
    render(height, TITLE, &source, |area| {
        let (plots, side) = area.split_horizontally(super::WIDTH - LEGEND_WIDTH);
        let panels = plots.split_evenly((rows as usize, per_row));
        for (panel, epoch) in panels.iter().zip(&data.epochs) {
            let mut chart = ChartBuilder::on(panel)
                .caption(&epoch.label, (super::FONT, 17))
                .margin(6)
                .x_label_area_size(36)
                .y_label_area_size(44)
                .build_cartesian_2d(x0..x1, y0..y1)?;
            let mut mesh = chart.configure_mesh();
            mesh.axis_desc_style((super::FONT, 17))
                .label_style((super::FONT, 17))
                .light_line_style(WHITE)
                .bold_line_style(super::LIGHT_GREY)
                .x_labels(4)
                .y_labels(4);
            if on_map {
                mesh.x_desc("longitude (°E)")
                    .y_desc("latitude (°N)")
                    .x_label_formatter(&|v| format!("{v:.0}"))
                    .y_label_formatter(&|v| format!("{v:.0}"));
            } else {
                mesh.x_desc("schematic layout (no units)")
                    .x_label_formatter(&|_| String::new())
                    .y_label_formatter(&|_| String::new());
            }
            mesh.draw()?;
            for &[a, b] in &epoch.links {
                if let (Some(&pa), Some(&pb)) = (positions.get(a), positions.get(b)) {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![pa, pb],
                        LINK.stroke_width(3),
                    )))?;
                }
            }
            for (i, player) in data.players.iter().enumerate() {
                let share = epoch.shares.get(i).copied().unwrap_or(0.0).max(0.0);
                let r = (3.0 + 28.0 * share.sqrt()).round() as i32;
                let colour = ctx.palette.colour(&player.code);
                chart.draw_series(std::iter::once(
                    EmptyElement::at(positions[i])
                        + Circle::new((0, 0), r, colour.mix(0.8).filled())
                        + Text::new(
                            format!("{} {}", player.code, percent(share)),
                            (0, r + 2),
                            (super::FONT, 17)
                                .into_font()
                                .color(&BLACK)
                                .pos(Pos::new(HPos::Center, VPos::Top)),
                        ),
                ))?;
            }
        }
        let mut entries: Vec<LegendEntry> = data
            .players
            .iter()
            .map(|p| LegendEntry::new(&p.code, ctx.palette.colour(&p.code), Mark::Dot))
            .collect();
        entries.push(LegendEntry::new("pipeline link", LINK, Mark::Line));
        legend(&side, (8, 30), Some("player"), &entries)?;
        side.draw(&Text::new(
            "disc area ∝ Shapley share",
            (8, 50 + 20 * entries.len() as i32),
            TextStyle::from((super::FONT, 17).into_font())
                .color(&GREY)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        Ok(())
    })
}
