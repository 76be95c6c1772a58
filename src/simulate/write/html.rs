//! The HTML page: placeholder until the template lands.
use crate::simulate::Report;

pub fn render(report: &Report) -> String {
    super::markdown::render(report)
}
