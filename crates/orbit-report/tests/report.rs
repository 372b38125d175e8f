//! The report on the built-in scenario: every chart has its title, axis labels, legend,
//! source line and data; output is deterministic; the HTML escapes scenario text and loads
//! nothing from outside.

use std::sync::OnceLock;

use orbit_pipeline::{RawForecastOptions, RawRunOptions};
use orbit_report::charts::{self, ChartContext, dependence, issue, network, timeline};
use orbit_report::{RunReport, TransitEpoch, TransitPlayer, TransitShares};

fn build_report() -> RunReport {
    let world = orbit_scenario::builtin().expect("the built-in scenario is valid");
    let raw = RawRunOptions {
        forecast: RawForecastOptions {
            runs: Some(60),
            seed: Some(7),
            ..RawForecastOptions::default()
        },
        no_simulation: true,
        ..RawRunOptions::default()
    };
    let plan = orbit_pipeline::resolve(&world, &raw, &orbit_pipeline::Limits::COMMAND_LINE)
        .expect("the plan checks");
    let results = orbit_pipeline::run(&world, &plan, &orbit_pipeline::Silent)
        .expect("the built-in issues forecast");
    orbit_report::build(&world, results)
}

fn report() -> &'static RunReport {
    static REPORT: OnceLock<RunReport> = OnceLock::new();
    REPORT.get_or_init(build_report)
}

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

/// The checks every chart must pass: a complete SVG with its title, the given axis labels
/// and legend entries, a source line naming the scenario, and some data elements.
fn check_chart(svg: &str, title: &str, axes: &[&str], legend: &[&str], data: &[(&str, usize)]) {
    assert!(svg.starts_with("<svg "), "{}", &svg[..svg.len().min(200)]);
    assert!(svg.trim_end().ends_with("</svg>"));
    let text = svg.replace("&apos;", "'");
    assert!(text.contains(title), "missing title {title:?}");
    for a in axes {
        assert!(text.contains(a), "missing axis label {a:?} in {title}");
    }
    for l in legend {
        assert!(
            text.contains(&format!(">\n{l}\n<"))
                || text.contains(&format!(">{l}<"))
                || text.contains(l),
            "missing legend entry {l:?} in {title}"
        );
    }
    assert!(
        text.contains("Source: scenario union-state"),
        "missing source line in {title}"
    );
    for (element, at_least) in data {
        let n = count(svg, element);
        assert!(
            n >= *at_least,
            "{title}: {n} {element} elements, expected at least {at_least}"
        );
    }
}

#[test]
fn trade_shares_chart() {
    let r = report();
    let ctx = ChartContext::for_report(r);
    let svg = dependence::trade_shares(&ctx, &r.dependence);
    check_chart(
        &svg,
        "Republic of Belarus's export and import shares by partner",
        &["share of exports (%)", "share of imports (%)", "year"],
        &["RUS", "EU", "CIS", "partner"],
        &[("<polyline", 4), ("<circle", 8)],
    );
    assert!(
        svg.contains("COW Dyadic Trade"),
        "the source line names the data's sources"
    );
    assert!(svg.contains("40%"), "percentages on the axis");
}

#[test]
fn energy_subsidy_chart() {
    let r = report();
    let ctx = ChartContext::for_report(r);
    let svg = dependence::energy_subsidy(&ctx, &r.dependence, &r.figure_checks);
    check_chart(
        &svg,
        "Implicit energy subsidy from",
        &["subsidy / GDP (%)", "year"],
        &["gas price gap", "sourced estimate", "narrative's figure"],
        &[("<circle", 2), ("<polyline", 4)],
    );
    assert!(svg.contains("narrative P2: 15.0%"));
    assert!(
        svg.contains("UDF.by"),
        "the source line names the data's sources"
    );
}

#[test]
fn event_timeline_chart() {
    let r = report();
    let ctx = ChartContext::for_report(r);
    let svg = timeline::event_timeline(&ctx, &r.event_counts, &r.key_events);
    check_chart(
        &svg,
        timeline::TITLE,
        &["year", "event kind", "energy flow", "treaty"],
        &["1 event", "3 events", "key event (no.)"],
        &[("<circle", 50)],
    );
    // Every key event is listed with its number.
    for (n, e) in r.key_events.iter().enumerate() {
        assert!(
            svg.contains(&format!("{}. {}", n + 1, e.date)),
            "key event {n}"
        );
    }
}

#[test]
fn issue_charts() {
    let r = report();
    let ctx = ChartContext::for_report(r);
    // One forecast per question: its latest coding (the earlier snapshots serve the backtest).
    assert_eq!(r.forecasts.len(), 6);
    for f in &r.forecasts {
        let summary = r.issue(&f.issue);
        let name = f.name.as_deref().unwrap();
        let eum = f.eum.as_ref().unwrap();

        let svg = issue::eum_rounds(&ctx, f, summary);
        let mut legend: Vec<&str> = eum.actors.iter().map(String::as_str).collect();
        legend.push("median voter");
        check_chart(
            &svg,
            &format!("{name}: expected utility model"),
            &[
                "round (0 = positions as coded)",
                "position on the issue scale",
            ],
            &legend,
            &[("<polyline", eum.actors.len() + 1)],
        );

        let svg = issue::forecasts(&ctx, f, summary);
        check_chart(
            &svg,
            &format!("{name}: forecasts of every model"),
            &[
                "position on the issue scale",
                "actors (as coded)",
                "status quo",
            ],
            &[
                "expected utility",
                "compromise",
                "weighted median",
                "Nash bargaining",
                "90% of MC draws",
            ],
            &[("<circle", f.actors.len() + 4)],
        );

        let svg = issue::monte_carlo(&ctx, f, summary);
        check_chart(
            &svg,
            &format!("{name}: forecasts over 60 Monte Carlo draws"),
            &["share of draws (%)", "position on the issue scale"],
            &[
                "5th/95th percentile",
                "unperturbed forecast",
                "expected utility",
            ],
            &[("<rect", 5)],
        );
        assert!(svg.contains("seed 7"), "the source line names the seed");
    }
}

fn transit() -> TransitShares {
    let player = |code: &str, lon: f64, lat: f64| TransitPlayer {
        code: code.into(),
        position: Some([lon, lat]),
    };
    TransitShares {
        players: vec![
            player("RUS", 37.6, 55.8),
            player("BLR", 27.6, 53.9),
            player("POL", 21.0, 52.2),
            player("DEU", 13.4, 52.5),
        ],
        epochs: vec![
            TransitEpoch {
                label: "1999-2011".into(),
                shares: vec![0.4, 0.3, 0.1, 0.2],
                links: vec![[0, 1], [1, 2], [2, 3]],
            },
            TransitEpoch {
                label: "2012-2021 (Nord Stream)".into(),
                shares: vec![0.6, 0.1, 0.05, 0.25],
                links: vec![[0, 1], [1, 2], [2, 3], [0, 3]],
            },
        ],
        source: "test network".into(),
    }
}

#[test]
fn transit_network_hook() {
    let r = report();
    // The built-in scenario has a gas network: the game's shares are charted.
    let shares = r
        .transit
        .as_ref()
        .expect("the built-in scenario has a transit game");
    assert_eq!(shares.epochs.len(), 4);
    for e in &shares.epochs {
        assert!(
            (e.shares.iter().sum::<f64>() - 1.0).abs() < 1e-9,
            "{}",
            e.label
        );
    }
    assert!(
        orbit_report::vega::all(r)
            .iter()
            .any(|c| c.name == "transit_network_2005")
    );
    assert!(orbit_report::render_html(r).contains("id=\"transit\""));
    // Without one, the chart and the section are left out.
    let mut without = r.clone();
    without.transit = None;
    without.transit_game = None;
    assert!(
        !orbit_report::vega::all(&without)
            .iter()
            .any(|c| c.name.starts_with("transit_network") || c.name == "shapley_epochs")
    );
    assert!(!orbit_report::render_html(&without).contains("id=\"transit\""));

    let ctx = ChartContext::for_report(r);
    let data = transit();
    let svg = network::transit_network(&ctx, &data);
    check_chart(
        &svg,
        network::TITLE,
        &[
            "longitude (°E)",
            "latitude (°N)",
            "1999-2011",
            "2012-2021 (Nord Stream)",
        ],
        &["RUS", "DEU", "pipeline link", "disc area ∝ Shapley share"],
        &[("<circle", 8), ("<polyline", 7)],
    );
    assert!(svg.contains("RUS 60.0%"));
    assert!(svg.contains("test network"));
}

#[test]
fn output_is_deterministic() {
    let a = orbit_report::files(report());
    let b = orbit_report::files(&build_report());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.path, y.path);
        assert!(
            x.contents == y.contents,
            "{} differs between two renders",
            x.path
        );
    }
}

#[test]
fn files_cover_every_chart_and_table() {
    let r = report();
    let files = orbit_report::files(r);
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for p in [
        "index.html",
        "report.json",
        "dependence.csv",
        "key_events.csv",
        "claims.csv",
        "forecasts.csv",
        "eum_rounds.csv",
        "monte_carlo.csv",
        "charts/trade_shares.csv",
        "charts/trade_shares.vl.json",
        "charts/energy_subsidy.csv",
        "charts/issue_dots.vl.json",
        "charts/event_timeline.svg",
        "charts/eum_rounds_gas_price.svg",
        "charts/issue_gas_price.vl.json",
    ] {
        assert!(paths.contains(&p), "missing {p} in {paths:?}");
    }
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.starts_with("charts/") && p.ends_with(".svg"))
            .count(),
        1 + 2 * 6
    );
    let vcharts = orbit_report::vega::all(r);
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.starts_with("charts/") && p.ends_with(".vl.json"))
            .count(),
        vcharts.len()
    );
    let json: serde_json::Value = serde_json::from_str(
        &files
            .iter()
            .find(|f| f.path == "report.json")
            .unwrap()
            .contents,
    )
    .unwrap();
    assert_eq!(json["scenario"]["focus"], "BLR");
    assert!(json.get("transit").is_none(), "no transit data, no key");
    let eum = &files
        .iter()
        .find(|f| f.path == "eum_rounds.csv")
        .unwrap()
        .contents;
    assert!(eum.starts_with("issue,round,actor,position\nrussian_air_base,0,RUS,90\n"));
    // The HTML links every file it mentions, and every CSV is among the files.
    let html = &files[0].contents;
    for f in files.iter().filter(|f| {
        f.path.ends_with(".csv") || f.path.ends_with(".svg") || f.path.ends_with(".vl.json")
    }) {
        assert!(
            html.contains(&format!("href=\"{}\"", f.path)),
            "{} not linked",
            f.path
        );
    }
}

#[test]
fn html_has_every_section_and_no_external_resource() {
    let html = orbit_report::render_html(report());
    assert!(html.starts_with("<!DOCTYPE html>"));
    for id in [
        "headline",
        "dependence",
        "transit",
        "forecasts",
        "key-dates",
        "figures",
        "claims",
        "appendix",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "section {id}"
        );
    }
    // The headline comes first; the record counts are in the appendix.
    let headline = html.find("<section id=\"headline\">").unwrap();
    assert!(html[..headline].matches("<section").count() == 0);
    let counts = html.find("<dl class=\"counts\">").unwrap();
    assert!(counts > html.find("<section id=\"appendix\">").unwrap());
    assert!(html.len() < 3_000_000, "index.html is {} bytes", html.len());
    // Each vendored library is inlined once, then the page script; nothing else runs.
    for (name, _) in orbit_report::vega::SCRIPTS {
        assert_eq!(count(&html, &format!("<script data-lib=\"{name}\">")), 1);
    }
    let page = strip_library_scripts(&html);
    assert_eq!(count(&page, "<svg "), 1 + 2 * 6, "SVG charts inline");
    assert_eq!(
        count(&page, "<script"),
        1 + count(
            &page,
            "<script type=\"application/json\" class=\"vega-spec\">"
        ),
        "only the page script and the specs"
    );
    assert!(!page.contains("http://"));
    assert_eq!(
        count(&page, "https://"),
        count(&page, "https://vega.github.io/schema/vega-lite/v5.json"),
        "the only URL is the specs' $schema, which nothing loads"
    );
    for bad in ["src=", "<link", "<img", "<iframe", "@import", "url("] {
        assert!(!page.contains(bad), "{bad}");
    }
    assert!(!html.contains("sourceMappingURL"));
    for href in page.split("href=\"").skip(1) {
        let target = &href[..href.find('"').unwrap()];
        assert!(
            target.starts_with('#') || !(target.contains(':') || target.starts_with('/')),
            "href {target:?} is not local"
        );
    }
}

/// The page without the inlined vendored libraries (their code is the packages' own).
fn strip_library_scripts(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script data-lib=") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("</script>").unwrap() + start + "</script>".len();
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn scenario_text_is_escaped() {
    let mut r = report().clone();
    let evil = "<script>alert('x')</script> & \"quoted\"";
    r.scenario.name = evil.into();
    r.scenario.id = format!("id{evil}");
    r.key_events[0].description = evil.into();
    r.claims.corrected[0].text = evil.into();
    r.forecasts[0].name = Some(evil.into());
    r.forecasts[0].actors[0].name = evil.into();
    if let Some(eum) = r.forecasts[0].eum.as_mut() {
        eum.actors[0] = evil.into();
    }
    let html = orbit_report::render_html(&r);
    assert!(!html.contains("<script>alert"), "unescaped script tag");
    assert!(!html.contains("</script> &"), "unescaped script tag");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;")
    );
    for chart in charts::all(&r) {
        assert!(!chart.svg.contains("<script"), "{}", chart.name);
    }
    assert!(orbit_report::escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
}

#[test]
fn simulation_and_backtest_sections() {
    use orbit_models::simulation::{SimulationSettings, Simulator, monte_carlo};
    let world = orbit_scenario::builtin().expect("the built-in scenario is valid");
    let settings = SimulationSettings {
        runs: 4,
        seed: 3,
        ..SimulationSettings::default()
    };
    let sim = Simulator::new(&world, 2015, 2024).unwrap();
    let mut r = report().clone();
    assert!(r.simulation.is_none() && r.backtest.is_empty());
    r.simulation = Some(monte_carlo(&sim, &settings, &|| {}).unwrap());
    r.backtest = vec![orbit_models::backtest::backtest(&world, 2021, &settings).unwrap()];
    let panels = orbit_report::vega::simulation_panels(&r);
    let names: Vec<&str> = panels.iter().map(|c| c.name.as_str()).collect();
    assert!(
        names.contains(&"simulation_dependence_blr_rus"),
        "{names:?}"
    );
    assert!(names.contains(&"simulation_eum_gas_price"), "{names:?}");
    assert!(
        !names.iter().any(|n| n.contains("salience")),
        "inputs stay out of the panels"
    );
    let html = orbit_report::render_html(&r);
    assert!(html.contains("<section id=\"simulation\">"));
    assert!(html.contains("<section id=\"backtest\">"));
    let files = orbit_report::files(&r);
    let fans = files
        .iter()
        .find(|f| f.path == "simulation_fans.csv")
        .expect("the fans are exported");
    assert!(
        fans.contents
            .starts_with("series,year,p5,p50,p95,central\n")
    );
    assert!(files.iter().any(|f| f.path == "backtest.csv"));
}
