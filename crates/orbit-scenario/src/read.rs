//! Reading input files with a bound on the bytes read, not on the size the file system
//! reports: `/dev/zero`, a pipe or a growing file says it is 0 bytes long and never ends, so a
//! check of `metadata().len()` alone would read until memory runs out.

use std::io::Read;
use std::path::Path;

use crate::ScenarioError;

/// Reads at most `limit` bytes of `path`; a file with more is refused as
/// [`ScenarioError::TooLarge`] after reading `limit + 1` bytes, whatever its reported size.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ScenarioError> {
    let shown = path.display().to_string();
    let io = |source| ScenarioError::Io {
        path: shown.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    // A regular file that says it is too large is refused without reading it.
    let reported = file.metadata().map_err(io)?.len();
    if reported > limit {
        return Err(ScenarioError::TooLarge {
            path: shown,
            size: Some(reported),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(reported.min(limit) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ScenarioError::TooLarge {
            path: shown,
            size: None,
            limit,
        });
    }
    Ok(bytes)
}

/// [`read_bounded`], then the bytes as UTF-8 text (the first invalid byte located).
pub fn read_text_bounded(path: &Path, limit: u64) -> Result<String, ScenarioError> {
    let shown = path.display().to_string();
    let bytes = read_bounded(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = utf8_error_location(e.as_bytes(), e.utf8_error().valid_up_to());
        ScenarioError::NotUtf8 {
            path: shown,
            line,
            column,
        }
    })
}

/// Line and column (1-based, in characters) of byte `at`, all of `bytes[..at]` being UTF-8.
pub(crate) fn utf8_error_location(bytes: &[u8], at: usize) -> (usize, usize) {
    let valid = &bytes[..at];
    let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_longer_than_the_limit_is_refused_after_limit_plus_one_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.toml");
        std::fs::write(&path, "abcdef").unwrap();
        assert_eq!(read_bounded(&path, 6).unwrap(), b"abcdef");
        let err = read_bounded(&path, 5).unwrap_err();
        assert!(
            matches!(err, ScenarioError::TooLarge { limit: 5, .. }),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_device_reporting_size_zero_is_refused_not_read_to_exhaustion() {
        let err = read_bounded(Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(
            matches!(
                err,
                ScenarioError::TooLarge {
                    size: None,
                    limit: 1024,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("larger than 1024 bytes"), "{err}");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, b"ab\nc\xffd").unwrap();
        let err = read_text_bounded(&path, 100).unwrap_err();
        assert!(
            matches!(
                err,
                ScenarioError::NotUtf8 {
                    line: 2,
                    column: 2,
                    ..
                }
            ),
            "{err}"
        );
    }
}
