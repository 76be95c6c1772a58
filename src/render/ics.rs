//! An iCalendar file (RFC 5545) of milestones and tasks. (Being written: h12.)

use super::Input;

pub fn render(_input: &Input<'_>) -> String {
    String::new()
}
