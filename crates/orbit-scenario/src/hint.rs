//! Hints: what the user can do about an error, carried by the error itself.
//!
//! Every library error type of orbit implements [`Hint`]; the binary renders an error and
//! its hints in one place (`error: …` then `  = hint: …` lines, as uv does), so no command
//! writes those lines by hand.

/// What to do about an error: zero or more short sentences, each rendered as a hint line.
pub trait Hint {
    /// The hints, most useful first; empty when the message says it all.
    fn hints(&self) -> Vec<String> {
        Vec::new()
    }
}

impl Hint for crate::ScenarioError {
    fn hints(&self) -> Vec<String> {
        match self {
            crate::ScenarioError::TooLarge { .. } => vec![
                "check the path: this is not the kind of file the option expects (a device, or the wrong file?)".into(),
            ],
            crate::ScenarioError::NotUtf8 { .. } => {
                vec!["save the file as UTF-8 text".into()]
            }
            _ => Vec::new(),
        }
    }
}
