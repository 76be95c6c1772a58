//! Outputs, one module per format, all drawn from a checked model and its
//! schedule.

pub mod json;

/// The output formats of `planc build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
}

impl Format {
    /// The format an output file's extension asks for.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}
