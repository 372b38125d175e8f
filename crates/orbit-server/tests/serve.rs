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

/// A server on a free local port with `header_timeout`, and a client that has sent half a
/// request header and never finishes it.
struct HeldConnection {
    runtime: tokio::runtime::Runtime,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    client: std::net::TcpStream,
}

impl HeldConnection {
    fn open(header_timeout: Duration) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = runtime.spawn(serve_until(listener, state(), header_timeout, async {
            let _ = stopped.await;
        }));
        let mut client = std::net::TcpStream::connect(addr).unwrap();
        client
            .write_all(b"GET /api/scenario HTTP/1.1\r\nHost: x")
            .unwrap();
        HeldConnection {
            runtime,
            stop,
            server,
            client,
        }
    }

    /// Asks the server to stop and waits until it has.
    fn shut_down(self) {
        let _ = self.stop.send(());
        self.runtime.block_on(self.server).unwrap().unwrap();
        drop(self.client);
    }
}

/// Defect 14 of issue 15: a client that sends half a request header is cut off after the
/// header-read timeout (it held the connection for 300 s and more).
#[test]
fn defect_14_a_partial_request_is_cut_off_after_the_header_timeout() {
    let mut held = HeldConnection::open(Duration::from_millis(300));
    held.client
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    // The server closes the connection (possibly after a 408): the read ends.
    let _ = held.client.read_to_end(&mut answer);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the partial request held the connection for {:?}",
        started.elapsed()
    );
    held.shut_down();
}

/// Defect 14 of issue 15: Ctrl-C and SIGTERM were ignored while a client held an
/// unfinished request; the shutdown now ends within the grace period.
#[test]
fn defect_14_shutdown_is_not_held_up_by_an_unfinished_request() {
    let held = HeldConnection::open(Duration::from_secs(600));
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    held.shut_down();
    assert!(
        started.elapsed() <= orbit_server::SHUTDOWN_GRACE + Duration::from_secs(2),
        "shutdown took {:?}",
        started.elapsed()
    );
}
