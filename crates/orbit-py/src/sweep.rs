//! Sweeps from Python: a compiled design over a scenario's uncertain inputs whose rows any
//! worker (this process, a process pool, a Ray task) can compute by index, and the SQLite or
//! Parquet writer they stream into.

use std::path::PathBuf;

use orbit_models::design::{
    Design, DesignSpec, Factor, Failure, IssueWidths, Outcomes, Plan, factors, sweep_rows,
};
use orbit_models::simulation::Simulator;
use orbit_store::sweep::SweepSink;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::{World, orbit_error};

pub fn widths(widths: Option<(f64, f64, f64)>) -> PyResult<IssueWidths> {
    let Some((capability, position, salience)) = widths else {
        return Ok(IssueWidths::default());
    };
    if [capability, position, salience]
        .iter()
        .any(|w| !w.is_finite() || *w < 0.0)
    {
        return Err(orbit_error(
            "error: `widths` must be three non-negative numbers (capability, position, salience)",
        ));
    }
    Ok(IssueWidths {
        capability,
        position,
        salience,
    })
}

/// `design` is `mc`, `lhs`, `saltelli` or `morris`.
pub fn spec(
    design: &str,
    samples: usize,
    seed: u64,
    levels: usize,
    scramble: bool,
) -> PyResult<DesignSpec> {
    let design = match design {
        "mc" | "monte_carlo" => Design::MonteCarlo,
        "lhs" | "latin_hypercube" => Design::LatinHypercube,
        "saltelli" | "sobol" => Design::Saltelli { scramble },
        "morris" => Design::Morris { levels },
        other => {
            return Err(orbit_error(format!(
                "error: unknown design `{other}`\n  = hint: use mc, lhs, saltelli or morris"
            )));
        }
    };
    Ok(DesignSpec {
        design,
        samples,
        seed,
    })
}

fn le_bytes(data: &[f64]) -> Vec<u8> {
    data.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn with_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    match threads {
        None => Ok(f()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .map_err(orbit_error)?;
            Ok(pool.install(f))
        }
    }
}

/// Rows `start..end` of a design on the unit cube, as little-endian f64 bytes (for tests and
/// for analysing designs of other models, e.g. the Ishigami function).
#[pyfunction]
#[pyo3(signature = (design, samples, factors, start=0, end=None, seed=0, levels=4, scramble=true))]
#[allow(clippy::too_many_arguments)]
pub fn design_rows<'py>(
    py: Python<'py>,
    design: &str,
    samples: usize,
    factors: usize,
    start: usize,
    end: Option<usize>,
    seed: u64,
    levels: usize,
    scramble: bool,
) -> PyResult<(usize, Bound<'py, PyBytes>)> {
    let plan = Plan::new(&spec(design, samples, seed, levels, scramble)?, factors)
        .map_err(|e| orbit_error(format!("error: {e}")))?;
    let end = end.unwrap_or(plan.rows());
    if start > end || end > plan.rows() {
        return Err(orbit_error(format!(
            "error: rows {start}..{end} are outside the design's {} rows",
            plan.rows()
        )));
    }
    let data = py.detach(|| {
        let mut data = vec![0.0; (end - start) * factors];
        for (k, row) in data.chunks_mut(factors).enumerate() {
            plan.unit_row(start + k, row);
        }
        le_bytes(&data)
    });
    Ok((plan.rows(), PyBytes::new(py, &data)))
}

/// A sweep of the simulation over a design of the scenario's uncertain inputs.
#[pyclass(module = "orbit._orbit", frozen)]
#[derive(Debug)]
pub struct Sweep {
    sim: Simulator,
    plan: Plan,
    factors: Vec<Factor>,
    outcomes: Outcomes,
    store: std::sync::Mutex<Option<SweepSink>>,
}

#[pymethods]
impl Sweep {
    #[new]
    #[pyo3(signature = (world, design="lhs", samples=100, seed=1, start=2015, end=2030, series=Vec::new(), years=Vec::new(), levels=4, scramble=true, widths=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        world: &World,
        design: &str,
        samples: usize,
        seed: u64,
        start: i32,
        end: i32,
        series: Vec<String>,
        years: Vec<i32>,
        levels: usize,
        scramble: bool,
        widths: Option<(f64, f64, f64)>,
    ) -> PyResult<Self> {
        let spec = spec(design, samples, seed, levels, scramble)?;
        let widths = self::widths(widths)?;
        let sim = py
            .detach(|| orbit_models::backtest::present_simulator(&world.world, start, end))
            .map_err(|e| orbit_error(format!("error: {e}")))?;
        let factors = factors(&sim, &widths);
        let plan =
            Plan::new(&spec, factors.len()).map_err(|e| orbit_error(format!("error: {e}")))?;
        let outcomes =
            Outcomes::new(&sim, &series, &years).map_err(|e| orbit_error(format!("error: {e}")))?;
        Ok(Sweep {
            sim,
            plan,
            factors,
            outcomes,
            store: std::sync::Mutex::new(None),
        })
    }

    /// How many runs the design has.
    #[getter]
    fn rows(&self) -> usize {
        self.plan.rows()
    }

    /// The factors as JSON (name, low, high, target, source).
    fn factors_json(&self) -> PyResult<String> {
        crate::to_json(&self.factors)
    }

    /// The outcome column names (`<series>@<year>`).
    #[getter]
    fn outcome_names(&self) -> Vec<String> {
        self.outcomes.names.clone()
    }

    /// The design as JSON.
    fn design_json(&self) -> PyResult<String> {
        crate::to_json(self.plan.spec())
    }

    /// Runs rows `start..end` on `threads` threads (default: rayon's pool) without the GIL;
    /// returns the rows (factors then outcomes, little-endian f64, NaN where a run failed) and
    /// the failures `(row, message)`.
    #[pyo3(signature = (start, end, threads=None))]
    fn chunk<'py>(
        &self,
        py: Python<'py>,
        start: usize,
        end: usize,
        threads: Option<usize>,
    ) -> PyResult<(Bound<'py, PyBytes>, Vec<Failure>)> {
        let (data, failures) = py
            .detach(|| {
                with_threads(threads, || {
                    sweep_rows(
                        &self.sim,
                        &self.plan,
                        &self.factors,
                        &self.outcomes,
                        start,
                        end,
                    )
                })
            })?
            .map_err(|e| orbit_error(format!("error: {e}")))?;
        Ok((PyBytes::new(py, &le_bytes(&data)), failures))
    }

    /// The outcomes at given factor values (actual units, factor order), or an error.
    fn evaluate(&self, py: Python<'_>, values: Vec<f64>) -> PyResult<Vec<f64>> {
        if values.len() != self.factors.len() {
            return Err(orbit_error(format!(
                "error: {} factor values given, the sweep has {}",
                values.len(),
                self.factors.len()
            )));
        }
        py.detach(|| {
            orbit_models::design::evaluate(&self.sim, &self.factors, &self.outcomes, &values)
        })
        .map_err(|e| orbit_error(format!("error: {e}")))
    }

    /// Creates the SQLite file rows are streamed into (refuses an existing file unless
    /// `overwrite`); `meta` is extra `(key, value)` pairs.
    #[pyo3(signature = (path, overwrite=false, meta=Vec::new()))]
    fn open_store(
        &self,
        path: PathBuf,
        overwrite: bool,
        meta: Vec<(String, String)>,
    ) -> PyResult<()> {
        let mut all = vec![
            ("design".to_string(), crate::to_json(self.plan.spec())?),
            (
                "rng".to_string(),
                orbit_models::design::DESIGN_RNG.to_string(),
            ),
            ("rows".to_string(), self.plan.rows().to_string()),
            ("from".to_string(), self.sim.from.to_string()),
            ("to".to_string(), self.sim.to.to_string()),
        ];
        all.extend(meta);
        let factors: Vec<(String, f64, f64, String)> = self
            .factors
            .iter()
            .map(|f| (f.name.clone(), f.low, f.high, f.source.clone()))
            .collect();
        let store = SweepSink::create(&path, overwrite, &all, &factors, &self.outcomes.names)
            .map_err(store_error)?;
        *self.store.lock().map_err(orbit_error)? = Some(store);
        Ok(())
    }

    /// Appends a chunk (as returned by `chunk`) to the open store.
    fn write(
        &self,
        py: Python<'_>,
        start: usize,
        data: &[u8],
        failures: Vec<(usize, String)>,
    ) -> PyResult<()> {
        if !data.len().is_multiple_of(8) {
            return Err(orbit_error("error: chunk bytes are not whole f64 values"));
        }
        let values: Vec<f64> = data
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
            .collect();
        let mut guard = self.store.lock().map_err(orbit_error)?;
        let store = guard
            .as_mut()
            .ok_or_else(|| orbit_error("error: no store is open: call `open_store` first"))?;
        py.detach(|| store.write_chunk(start, &values, &failures))
            .map_err(store_error)
    }

    /// Records metadata entries and closes the store (a Parquet file's footer is written
    /// here).
    #[pyo3(signature = (meta=Vec::new()))]
    fn close_store(&self, meta: Vec<(String, String)>) -> PyResult<()> {
        let mut guard = self.store.lock().map_err(orbit_error)?;
        if let Some(mut store) = guard.take() {
            for (k, v) in &meta {
                store.set_meta(k, v).map_err(store_error)?;
            }
            store.finish().map_err(store_error)?;
        }
        Ok(())
    }
}

fn store_error(e: orbit_store::sweep::SweepStoreError) -> PyErr {
    let mut message = format!("error: {e}");
    if let Some(hint) = e.hint() {
        message.push_str(&format!("\n  = hint: {hint}"));
    }
    orbit_error(message)
}
