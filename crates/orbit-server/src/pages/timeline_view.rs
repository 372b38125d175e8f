//! How the timeline page shows its rows: sorted by a column and cut into pages, both named
//! in the URL (`sort`, `dir`, `page`) so a view is bookmarkable and works without scripts.
//! These parameters only arrange rows; the filter parameters are the API's.

use std::fmt::Write as _;

use orbit_store::TimelineRow;

use crate::ApiError;

/// Rows per page.
pub const PAGE_SIZE: usize = 25;

/// The names this module reads; every other parameter is the filter's.
pub const VIEW_PARAMS: [&str; 3] = ["sort", "dir", "page"];

/// The columns that can be sorted, as `sort=` values and header labels.
pub const COLUMNS: [(&str, &str); 5] = [
    ("date", "date"),
    ("kind", "kind"),
    ("actors", "actors"),
    ("description", "description"),
    ("source", "source"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineView {
    pub sort: &'static str,
    pub descending: bool,
    /// 1-based.
    pub page: usize,
}

impl Default for TimelineView {
    fn default() -> Self {
        TimelineView {
            sort: "date",
            descending: false,
            page: 1,
        }
    }
}

impl TimelineView {
    /// Reads `sort`, `dir` and `page`; a bad value is a 400 naming the parameter.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        let mut view = TimelineView::default();
        for (k, v) in pairs {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match k.as_str() {
                "sort" => {
                    view.sort = COLUMNS
                        .iter()
                        .find(|(c, _)| *c == v)
                        .map(|(c, _)| *c)
                        .ok_or_else(|| {
                            ApiError::bad_request(format!("parameter `sort`: unknown column `{v}`"))
                                .hint(format!("columns: {}", COLUMNS.map(|c| c.0).join(", ")))
                        })?;
                }
                "dir" => {
                    view.descending = match v {
                        "asc" => false,
                        "desc" => true,
                        other => {
                            return Err(ApiError::bad_request(format!(
                                "parameter `dir`: `{other}` is neither `asc` nor `desc`"
                            )));
                        }
                    }
                }
                _ => {
                    view.page = v.parse::<usize>().ok().filter(|&p| p >= 1).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "parameter `page`: `{v}` is not a page number (1, 2, ...)"
                        ))
                    })?;
                }
            }
        }
        Ok(view)
    }

    /// Sorts `rows` by the view's column (stable: ties keep date order).
    pub fn sort(&self, rows: &mut [TimelineRow]) {
        let key = |r: &TimelineRow| -> String {
            match self.sort {
                "kind" => r.kind.clone(),
                "actors" => r.actors.join(", "),
                "description" => r.description.to_lowercase(),
                "source" => r.source.to_lowercase(),
                _ => r.date.clone(),
            }
        };
        rows.sort_by_key(|r| key(r));
        if self.descending {
            rows.reverse();
        }
    }

    /// The number of pages for `n` rows (at least 1).
    pub fn pages(n: usize) -> usize {
        n.div_ceil(PAGE_SIZE).max(1)
    }

    /// The index range of this page's rows among `n`; an out-of-range page is a 400.
    pub fn range(&self, n: usize) -> Result<std::ops::Range<usize>, ApiError> {
        let pages = Self::pages(n);
        if self.page > pages {
            return Err(ApiError::bad_request(format!(
                "parameter `page`: page {} of {pages}",
                self.page
            )));
        }
        let start = (self.page - 1) * PAGE_SIZE;
        Ok(start..(start + PAGE_SIZE).min(n))
    }
}

/// `text` percent-encoded for a query string.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `/timeline?<filter>&sort=..&dir=..&page=..`, escaped for an `href`.
pub fn href(filter: &[(String, String)], sort: &str, descending: bool, page: usize) -> String {
    let mut q: Vec<String> = filter
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    q.push(format!("sort={sort}"));
    q.push(format!("dir={}", if descending { "desc" } else { "asc" }));
    q.push(format!("page={page}"));
    orbit_report::escape(&format!("/timeline?{}", q.join("&")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_and_rejects() {
        let v = TimelineView::parse(&pairs(&[("sort", "kind"), ("dir", "desc"), ("page", "3")]))
            .unwrap();
        assert_eq!((v.sort, v.descending, v.page), ("kind", true, 3));
        assert!(
            TimelineView::parse(&pairs(&[("sort", "x")]))
                .unwrap_err()
                .error
                .contains("`sort`")
        );
        assert!(TimelineView::parse(&pairs(&[("page", "0")])).is_err());
        assert!(TimelineView::parse(&pairs(&[("dir", "up")])).is_err());
    }

    #[test]
    fn pages_cover_every_row_once() {
        assert_eq!(TimelineView::pages(0), 1);
        assert_eq!(TimelineView::pages(117), 5);
        let last = TimelineView {
            page: 5,
            ..TimelineView::default()
        };
        assert_eq!(last.range(117).unwrap(), 100..117);
        assert!(
            TimelineView {
                page: 6,
                ..TimelineView::default()
            }
            .range(117)
            .is_err()
        );
        assert_eq!(TimelineView::default().range(0).unwrap(), 0..0);
    }

    #[test]
    fn links_keep_the_filter() {
        let h = href(
            &pairs(&[("actor", "BLR"), ("search", "a&b")]),
            "kind",
            true,
            2,
        );
        assert_eq!(
            h,
            "/timeline?actor=BLR&amp;search=a%26b&amp;sort=kind&amp;dir=desc&amp;page=2"
        );
    }
}
