//! The query string, percent-decoded strictly: a parameter whose bytes are not UTF-8 once
//! decoded (`?name=%FF`) is a 400 naming it, while a literal U+FFFD (`%EF%BF%BD`) is text
//! like any other. axum's `Query` decodes lossily, so the two could not be told apart.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::ApiError;

/// The `(name, value)` pairs of the query string, in order, decoded as
/// `application/x-www-form-urlencoded` (`+` is a space) with UTF-8 required.
#[derive(Debug, Clone, Default)]
pub struct StrictQuery(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for StrictQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse(parts.uri.query().unwrap_or("")).map(StrictQuery)
    }
}

/// Splits and decodes `query` (without the `?`).
pub fn parse(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name_text = decode(name).map_err(|()| not_utf8(&lossy(name)))?;
            let value_text = decode(value).map_err(|()| not_utf8(&name_text))?;
            Ok((name_text, value_text))
        })
        .collect()
}

fn not_utf8(name: &str) -> ApiError {
    ApiError::bad_request(format!(
        "the query parameter `{name}` is not UTF-8 once percent-decoded"
    ))
    .hint("percent-encode UTF-8 text only (e.g. `%C3%A9` for é)")
}

/// The name for a message when the name itself does not decode.
fn lossy(raw: &str) -> String {
    String::from_utf8_lossy(&decode_bytes(raw)).replace('\u{FFFD}', "?")
}

fn decode(raw: &str) -> Result<String, ()> {
    String::from_utf8(decode_bytes(raw)).map_err(|_| ())
}

/// `+` → space, `%XY` → byte; a `%` not followed by two hex digits stays as it is (as
/// `form_urlencoded` does).
fn decode_bytes(raw: &str) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len()
                && hex(bytes[i + 1]).is_some()
                && hex(bytes[i + 2]).is_some() =>
            {
                out.push(hex(bytes[i + 1]).unwrap_or(0) * 16 + hex(bytes[i + 2]).unwrap_or(0));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_a_form_and_keeps_order() {
        let pairs = parse("actor=BLR&q=gas+price&x=%C3%A9&flag&bad=%zz&end=%4").unwrap();
        let want = [
            ("actor", "BLR"),
            ("q", "gas price"),
            ("x", "é"),
            ("flag", ""),
            ("bad", "%zz"),
            ("end", "%4"),
        ];
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn invalid_utf8_is_refused_but_a_literal_replacement_character_is_text() {
        let err = parse("name=%FF").unwrap_err();
        assert!(err.error.contains("`name`"), "{}", err.error);
        let err = parse("%FFx=1").unwrap_err();
        assert!(err.error.contains("`?x`"), "{}", err.error);
        let pairs = parse("q=%EF%BF%BD").unwrap();
        assert_eq!(pairs, [("q".to_string(), "\u{FFFD}".to_string())]);
    }
}
