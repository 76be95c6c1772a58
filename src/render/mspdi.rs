//! MS Project XML (MSPDI). (Being written: h11.)

use super::Input;

pub fn render(_input: &Input<'_>) -> String {
    String::new()
}
