//! End-to-end tests of what every command shares: the help and unreadable scenarios.

mod common;

use common::*;

#[test]
fn help_lists_every_command() {
    let (o, _d) = orbit(&["--help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    let commands = [
        "run",
        "validate",
        "forecast",
        "timeline",
        "dependence",
        "game",
        "transit",
        "store",
        "simulate",
        "compare",
        "backtest",
    ];
    for command in commands {
        assert!(text.contains(command), "{text}");
    }
    for command in commands {
        let (o, _d) = orbit(&[command, "--help"]);
        assert!(o.status.success(), "{command} --help");
    }
}

#[test]
fn unreadable_scenarios_exit_with_a_message() {
    let (o, _d) = orbit(&["run", "--scenario", "/nonexistent/x.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read `/nonexistent/x.toml`"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("binary.toml");
    std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
    let (o, _d) = orbit(&["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is not UTF-8"), "{}", stderr(&o));
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let (o, _d) = orbit(&["timeline", "--scenario", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the scenario file is empty"));
}
