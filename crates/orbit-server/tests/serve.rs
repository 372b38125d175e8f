//! The connection loop over a real socket: a partial request cannot hold a connection, a
//! shutdown is not held up by a client that never finishes its request.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use orbit_pipeline::{RawForecastOptions, RawRunOptions};
use orbit_server::{AppState, StartOptions, serve_until};

fn state() -> AppState {
    let world = orbit_scenario::builtin().unwrap();
    let options = StartOptions {
        run: RawRunOptions {
            forecast: RawForecastOptions {
                runs: Some(0),
                ..RawForecastOptions::default()
            },
            no_simulation: true,
            ..RawRunOptions::default()
        },
        ..StartOptions::default()
    };
    AppState::build(world, &options).unwrap()
}

/// Defect 14 of issue 15: a client that sends half a request header is cut off after the
/// header-read timeout (it held the connection for 300 s and more).
#[test]
fn defect_14_a_partial_request_is_cut_off_after_the_header_timeout() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(serve_until(
        listener,
        state(),
        Duration::from_millis(300),
        async {
            let _ = stopped.await;
        },
    ));
    let mut client = std::net::TcpStream::connect(addr).unwrap();
    client
        .write_all(b"GET /api/scenario HTTP/1.1\r\nHost: x")
        .unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    // The server closes the connection (possibly after a 408): the read ends.
    let _ = client.read_to_end(&mut answer);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the partial request held the connection for {:?}",
        started.elapsed()
    );
    let _ = stop.send(());
    runtime.block_on(server).unwrap().unwrap();
}

/// Defect 14 of issue 15: Ctrl-C and SIGTERM were ignored while a client held an
/// unfinished request; the shutdown now ends within the grace period.
#[test]
fn defect_14_shutdown_is_not_held_up_by_an_unfinished_request() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(serve_until(
        listener,
        state(),
        Duration::from_secs(600),
        async {
            let _ = stopped.await;
        },
    ));
    let mut client = std::net::TcpStream::connect(addr).unwrap();
    client
        .write_all(b"GET /api/scenario HTTP/1.1\r\nHost: x")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let _ = stop.send(());
    runtime.block_on(server).unwrap().unwrap();
    assert!(
        started.elapsed() <= orbit_server::SHUTDOWN_GRACE + Duration::from_secs(2),
        "shutdown took {:?}",
        started.elapsed()
    );
    drop(client);
}
