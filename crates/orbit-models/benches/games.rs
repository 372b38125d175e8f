//! Benchmarks of the cooperative-game engine: `cargo bench -p orbit-models --bench games`.

use orbit_models::games::*;

fn main() {
    // Accuracy of the sampled 100-player bench: largest standard error relative to v(N).
    let game = NetworkGame::new(&layered_network(100, 8, 30, 11)).unwrap();
    let s = shapley_sampled(&game, 2048, 1).unwrap();
    let grand = game.value_of(&[u64::MAX, (1 << 36) - 1]);
    let worst = s.std_errors.iter().fold(0.0f64, |m, &e| m.max(e));
    eprintln!(
        "sampled network 100: v(N) = {grand}, max standard error = {worst:.4} ({:.3} % of v(N))",
        100.0 * worst / grand
    );
    divan::main();
}

/// Deterministic pseudo-random numbers (SplitMix64), so the bench needs no RNG crate.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn dense(n: usize) -> DenseGame {
    DenseGame::from_fn(n, |m| {
        let k = m.count_ones() as f64;
        k * k + (m.wrapping_mul(2_654_435_761) % 1000) as f64 / 1000.0
    })
    .unwrap()
}

/// A layered transit network: `layers` layers of `width` nodes, the first layer supplying, the
/// last demanding, each node owned by a player, links to three random nodes of the next layer,
/// a third of the links owned by a player other than their tail's owner.
fn layered_network(players: usize, layers: usize, width: usize, seed: u64) -> Network {
    let mut rng = Mix(seed);
    let id = |l: usize, k: usize| format!("n{l}_{k}");
    let mut nodes = Vec::new();
    for l in 0..layers {
        for k in 0..width {
            nodes.push(Node {
                id: id(l, k),
                owner: Some(rng.below(players as u64) as usize),
                supply: if l == 0 { 50.0 } else { 0.0 },
                demand: if l == layers - 1 { 40.0 } else { 0.0 },
                value: 0.0,
            });
        }
    }
    let mut links = Vec::new();
    for l in 0..layers - 1 {
        for k in 0..width {
            for _ in 0..3 {
                let to = rng.below(width as u64) as usize;
                let owner = if rng.below(3) == 0 {
                    Some(rng.below(players as u64) as usize)
                } else {
                    None
                };
                links.push(Link {
                    from: id(l, k),
                    to: id(l + 1, to),
                    capacity: 5.0 + rng.below(30) as f64,
                    owner,
                    cost: 0.0,
                });
            }
        }
    }
    Network {
        players: (0..players).map(|p| format!("p{p}")).collect(),
        nodes,
        links,
    }
}

#[divan::bench(args = [16, 20], sample_count = 5, sample_size = 1)]
fn shapley_exact_dense(bencher: divan::Bencher, n: usize) {
    let game = dense(n);
    bencher.bench(|| shapley_exact(&game).unwrap());
}

/// 25 players: 2^25 values, 256 MiB.
#[divan::bench(sample_count = 2, sample_size = 1)]
fn shapley_exact_dense_25(bencher: divan::Bencher) {
    let game = dense(25);
    bencher.bench(|| shapley_exact(&game).unwrap());
}

/// 16 players, 60 nodes (6 layers of 10), 150 links: 65,536 max-flows.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn shapley_exact_network_16(bencher: divan::Bencher) {
    let game = NetworkGame::new(&layered_network(16, 6, 10, 7)).unwrap();
    bencher.bench(|| shapley_exact(&game).unwrap());
}

/// 100 players, 240 nodes (8 layers of 30), 630 links, 2,048 permutations.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn shapley_sampled_network_100(bencher: divan::Bencher) {
    let game = NetworkGame::new(&layered_network(100, 8, 30, 11)).unwrap();
    bencher.bench(|| shapley_sampled(&game, 2048, 1).unwrap());
}
