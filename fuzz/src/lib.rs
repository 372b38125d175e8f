//! Entry points of the fuzz targets (see `readers.rs`).

mod readers;

pub use readers::*;
