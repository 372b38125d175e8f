//! The report on the built-in scenario: every file is written; output is deterministic; the HTML escapes scenario text and loads
//! nothing from outside.

use std::sync::OnceLock;

use orbit_pipeline::{RawForecastOptions, RawRunOptions};
use orbit_report::RunReport;

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
        "charts/event_timeline.vl.json",
        "charts/eum_rounds_gas_price.csv",
        "charts/monte_carlo_gas_price_eum.vl.json",
        "charts/issue_gas_price.vl.json",
    ] {
        assert!(paths.contains(&p), "missing {p} in {paths:?}");
    }
    // Every chart is a Vega-Lite spec now: no SVG file is written.
    assert!(!paths.iter().any(|p| p.ends_with(".svg")), "{paths:?}");
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
    for f in files
        .iter()
        .filter(|f| f.path.ends_with(".csv") || f.path.ends_with(".vl.json"))
    {
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
    assert_eq!(
        count(&page, "<svg "),
        0,
        "no SVG inline: every chart is a spec"
    );
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
    for chart in orbit_report::vega::all(&r) {
        assert!(!chart.spec_for_html().contains("<script"), "{}", chart.name);
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

/// Defect 12 of issue 15: "1 claims checked". A count in the page's text takes the noun in
/// the number it needs.
#[test]
fn counts_in_the_page_take_their_number() {
    let mut r = report().clone();
    r.claims.total = 1;
    let html = orbit_report::render_html(&r);
    assert!(
        html.contains("<p>1 claim checked: "),
        "no `1 claim checked`"
    );
    r.claims.total = 2;
    let html = orbit_report::render_html(&r);
    assert!(
        html.contains("<p>2 claims checked: "),
        "no `2 claims checked`"
    );
    for bad in ["(1 rows)", "(1 rounds)", "1 claims", "dimension(s)"] {
        assert!(!html.contains(bad), "the page says `{bad}`");
    }
}
