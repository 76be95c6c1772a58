//! A CSV task table (RFC 4180), one row per task. (Being written: h12.)

use super::Input;

pub fn render(_input: &Input<'_>) -> String {
    String::new()
}
