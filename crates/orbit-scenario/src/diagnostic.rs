//! Located problems in a scenario file, rendered the way compilers render them.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// Line and column of a byte offset, both counted from 1; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One problem found in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// What is wrong, without a trailing period.
    pub message: String,
    /// Byte range in the file, when the problem has a place.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    /// Line and column of the start of `span`.
    pub location: Option<Location>,
    /// Which entry the problem belongs to, e.g. "issue `russian_air_base`, actor `BLR`".
    pub context: Option<String>,
    /// What the user can do about it.
    pub hint: Option<String>,
    /// The file (or `--set` argument) the problem is in, when it is not [`Diagnostics::file`]
    /// (a scenario merged from overlays points each problem at its own file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>, span: Option<Range<usize>>) -> Self {
        Diagnostic {
            message: message.into(),
            span,
            location: None,
            context: None,
            hint: None,
            file: None,
        }
    }

    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// `n` and the noun in the number it needs: `1 position`, `2 positions`, `0 positions`.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A computed number as a problem message shows it: rounded to 10 significant digits, then
/// written as briefly as it reads back, so 50.1 + 50.2 shows as `100.3`, not as the
/// `100.30000000000001` binary floating point makes of it. Not for values the user wrote
/// (those are quoted as written) nor for JSON or CSV (full precision, for programs).
pub fn readable_number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let rounded: f64 = format!("{x:.9e}").parse().unwrap_or(x);
    rounded.to_string()
}

/// Maps byte offsets of one text to lines and columns.
#[derive(Debug)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
    }

    pub(crate) fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |prefix| prefix.chars().count())
            + 1;
        Location {
            line: line + 1,
            column,
        }
    }

    /// Where `span` starts, and its line with the span underlined.
    fn snippet(&self, span: Range<usize>) -> (Location, String) {
        let start = self.location(span.start);
        let line = self.line_text(start.line);
        let end = self.location(span.end.max(span.start + 1));
        let width = if end.line == start.line {
            (end.column - start.column).max(1)
        } else {
            line.chars().count().saturating_sub(start.column - 1).max(1)
        };
        (start, render_snippet(start, line, width))
    }

    fn line_text(&self, line: usize) -> &'a str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// Every problem found in one file, with the text needed to show where.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostics {
    /// The file name as the user gave it (or `<built-in>`).
    pub file: String,
    pub problems: Vec<Diagnostic>,
    #[serde(skip)]
    snippets: Vec<Option<String>>,
}

impl Diagnostics {
    /// Locates each problem in `text` and keeps the offending line for display.
    pub(crate) fn locate(file: &str, text: &str, mut problems: Vec<Diagnostic>) -> Self {
        let index = LineIndex::new(text);
        problems.sort_by_key(|p| p.span.as_ref().map_or(usize::MAX, |s| s.start));
        let snippets = problems
            .iter_mut()
            .map(|problem| {
                let (start, snippet) = index.snippet(problem.span.clone()?);
                problem.location = Some(start);
                Some(snippet)
            })
            .collect();
        Diagnostics {
            file: file.to_string(),
            problems,
            snippets,
        }
    }

    /// Points problem `k` at `file` instead: at `span` of that file's `text` when given,
    /// else at the file (or argument) as a whole.
    pub(crate) fn relocate(&mut self, k: usize, file: &str, at: Option<(&str, Range<usize>)>) {
        let problem = &mut self.problems[k];
        problem.file = Some(file.to_string());
        problem.span = None;
        problem.location = None;
        self.snippets[k] = None;
        if let Some((text, span)) = at {
            let (start, snippet) = LineIndex::new(text).snippet(span.clone());
            problem.location = Some(start);
            problem.span = Some(span);
            self.snippets[k] = Some(snippet);
        }
    }

    pub fn len(&self) -> usize {
        self.problems.len()
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }
}

fn render_snippet(at: Location, line: &str, width: usize) -> String {
    let number = at.line.to_string();
    let pad = " ".repeat(number.len());
    let shown: String = line.chars().take(160).collect();
    format!(
        "{pad} |\n{number} | {shown}\n{pad} | {}{}",
        " ".repeat(at.column - 1),
        "^".repeat(width.min(80))
    )
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (problem, snippet) in self.problems.iter().zip(&self.snippets) {
            writeln!(f, "error: {}", problem.message)?;
            let file = problem.file.as_deref().unwrap_or(&self.file);
            match problem.location {
                Some(at) => writeln!(f, "  --> {file}:{}:{}", at.line, at.column)?,
                None => writeln!(f, "  --> {file}")?,
            }
            if let Some(snippet) = snippet {
                for line in snippet.lines() {
                    writeln!(f, "  {line}")?;
                }
            }
            if let Some(context) = &problem.context {
                writeln!(f, "  = in {context}")?;
            }
            if let Some(hint) = &problem.hint {
                writeln!(f, "  = hint: {hint}")?;
            }
            writeln!(f)?;
        }
        let n = self.problems.len();
        write!(
            f,
            "{n} problem{} in {}",
            if n == 1 { "" } else { "s" },
            self.file
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_numbers_drop_float_noise_only() {
        assert_eq!(readable_number(50.1 + 50.2), "100.3");
        assert_eq!(readable_number(0.1 + 0.2), "0.3");
        assert_eq!(readable_number(1.000000001), "1.000000001");
        assert_eq!(readable_number(-2.5), "-2.5");
        assert_eq!(readable_number(1e-12 / 3.0), "0.0000000000003333333333");
        assert_eq!(readable_number(f64::INFINITY), "inf");
    }

    #[test]
    fn locates_lines_and_character_columns() {
        let text = "a = 1\nname = \"Łukašenka\" x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.location(0), Location { line: 1, column: 1 });
        let x = text.find(" x").unwrap() + 1;
        assert_eq!(
            index.location(x),
            Location {
                line: 2,
                column: 20
            }
        );
        assert_eq!(index.location(text.len()), Location { line: 3, column: 1 });
    }
}
