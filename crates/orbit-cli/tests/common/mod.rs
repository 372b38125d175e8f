//! Helpers shared by the end-to-end tests: the real `orbit` binary, run from a temporary
//! directory, with its output snapshot-tested (insta) or parsed.
// Each test file uses only some of the helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn example() -> PathBuf {
    repo().join("scenarios/example.toml")
}

/// Runs `orbit` with `args` in a fresh temporary directory.
pub fn orbit(args: &[&str]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let output = orbit_in(dir.path(), args);
    (output, dir)
}

/// Runs `orbit` with `args` in `dir` (a second command beside the files of a first).
pub fn orbit_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orbit"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("orbit runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Replaces the repository path so snapshots do not depend on the checkout location.
pub fn redact(text: &str) -> String {
    let canonical = repo().canonicalize().unwrap();
    text.replace(&canonical.display().to_string(), "[REPO]")
        .replace(&repo().display().to_string(), "[REPO]")
}

/// A reference actor table copied into the repository (`tests/data/README.md` names its source).
pub fn fixture(path: &str) -> PathBuf {
    repo().join("tests/data/bargaining").join(path)
}

/// Runs `orbit` with extra environment variables.
pub fn orbit_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_orbit"));
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

/// Every file under `dir`, relative path → contents, sorted.
pub fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

pub fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .display()
        .to_string()
}

pub fn json_of(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_str(&stdout(o)).unwrap()
}

pub fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

pub fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-6, "{got:?} vs {want:?}");
    }
}

/// Starts `orbit serve --port 0` with `extra` flags, asks it for `path` over a real socket,
/// stops it, and returns the answer and everything it wrote on stderr.
pub fn serve_once(extra: &[&str], path: &str) -> (String, String) {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::sync::mpsc;
    use std::time::Duration;

    let runs: &[&str] = if extra.contains(&"--runs") {
        &[]
    } else {
        &["--runs", "0"]
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_orbit"))
        .args(["serve", "--port", "0"])
        .args(runs)
        .args(extra)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("orbit serve starts");
    let (tx, rx) = mpsc::channel();
    let reader = BufReader::new(child.stderr.take().unwrap());
    let lines = std::thread::spawn(move || {
        let mut all = String::new();
        for line in reader.lines().map_while(Result::ok) {
            let _ = tx.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut addr = None;
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(120)) {
        if let Some(rest) = line.split("http://").nth(1) {
            addr = rest.split('/').next().map(str::to_string);
            break;
        }
    }
    let answer = addr.map(|addr| {
        let mut stream = std::net::TcpStream::connect(&addr).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("an answer");
        answer
    });
    let _ = child.kill();
    let _ = child.wait();
    let stderr = lines.join().unwrap();
    (
        answer.unwrap_or_else(|| panic!("no URL printed: {stderr}")),
        stderr,
    )
}

/// The body of an HTTP answer as JSON.
pub fn http_json(answer: &str) -> serde_json::Value {
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    let body = answer.split_once("\r\n\r\n").map_or("", |x| x.1);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// The example scenario without its issue and links (lines 158-190 and 222 on).
pub fn example_without_issues(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(example()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let kept: Vec<&str> = lines[..157]
        .iter()
        .chain(&lines[190..221])
        .copied()
        .collect();
    let path = dir.join("no_issues.toml");
    std::fs::write(&path, kept.join("\n")).unwrap();
    path
}

/// `orbit args…` exits with `code` and says `needle` on stderr.
pub fn refuses(args: &[&str], code: i32, needle: &str) {
    let (o, _d) = orbit(args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
    assert!(
        stderr(&o).contains(needle),
        "{args:?}: `{needle}` not in {}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "{args:?} printed {}", stdout(&o));
}

/// Writes `text` to a file `name` in a fresh temporary directory (kept while the `TempDir`
/// lives) and returns both, the path as the argument `orbit` takes.
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path.display().to_string())
}
