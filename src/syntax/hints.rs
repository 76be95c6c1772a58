//! Help lines for the slips people make in a syntax error: words from
//! other planning tools, misspelled keywords, units and numbers written as
//! elsewhere, invisible and typographic characters, unclosed strings.

use super::keywords::{self, Declares};
use super::scan::nesting;

/// Hints for common slips, keyed on what stands at the error.
pub(super) fn syntax_help(chunk: &str, pos: usize, in_block: bool) -> Option<String> {
    let rest = chunk.get(pos..).unwrap_or("");
    let before = chunk.get(..pos).unwrap_or("").trim_end();
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let top_level_only = keywords::find(&word).is_some_and(|k| {
        matches!(
            k.declares,
            Declares::TopLevel(_) | Declares::InTeams(_) | Declares::Include
        )
    });
    if in_block && top_level_only {
        return Some(format!(
            "`{word}` declarations are only allowed at the top level, outside every `{{ ... }}`"
        ));
    }
    if let Some((keyword, example)) = foreign_keyword(&word).filter(|_| in_block) {
        return Some(format!(
            "planc has no `{word}`: write `{keyword}`, like `{example}`"
        ));
    }
    if let Some(help) = misspelled_keyword(&word, in_block) {
        return Some(help);
    }
    if let Some(help) = number_help(before, rest) {
        return Some(help);
    }
    if let Some(help) = lookalike_help(rest) {
        return Some(help);
    }
    // The expected rules may not say whether a block is open (after
    // `effort` only a number is); the braces before the error do.
    if rest.starts_with('}') && !in_block && nesting(chunk, pos) == Ok(0) {
        return Some(
            "this `}` closes no `{`: remove it, or look for a `{` missing before it".to_string(),
        );
    }
    if rest.starts_with('"') {
        if let Some(help) = string_help(rest) {
            return Some(help);
        }
    }
    if let Some(help) = trailing_comma_help(before) {
        return Some(help);
    }
    let duration_keyword = ["effort", "duration", "elapsed", "delay"]
        .into_iter()
        .find(|k| before.ends_with(k));
    let after_duration_keyword = duration_keyword.is_some();
    if rest.starts_with(char::is_numeric) {
        let digits: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let after = &rest[digits.len()..];
        if after.starts_with(|c: char| c.is_alphabetic()) && after_duration_keyword {
            return Some(
                "durations take `min`, `h`, `d` or `w`, like `90min`, `4h`, `2.5d`, `3w`"
                    .to_string(),
            );
        }
        if after_duration_keyword {
            return Some(format!("a duration needs a unit: `{digits}d` (days), `{digits}h` (hours) or `{digits}w` (weeks)"));
        }
    }
    if let Some(keyword) = duration_keyword {
        if !rest.starts_with(char::is_numeric) {
            return Some(format!(
                "`{keyword}` takes a duration: a number and a unit, like `5d`, `4h`, `2w` or `90min`"
            ));
        }
    }
    if rest.starts_with('\\') {
        return Some(
            "strings know the escapes `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{1F600}`".to_string(),
        );
    }
    if before.ends_with('"') && (rest.starts_with('\n') || rest.is_empty()) {
        return Some(
            "a string cannot span lines; use a text block `\"\"\"...\"\"\"` for several lines"
                .to_string(),
        );
    }
    if rest.is_empty() && before.matches('{').count() > before.matches('}').count() {
        return Some("a `{` is not closed: add the missing `}`".to_string());
    }
    None
}

/// Help for numbers, durations, percentages and rates written the way
/// people write them elsewhere: `3 days`, `3days`, `8D`, `50 %`,
/// `£260,000`, `260,000`, `700/day`.
fn number_help(before: &str, rest: &str) -> Option<String> {
    let number_before: String = trailing_number(before);
    if !number_before.is_empty() {
        let after_space = rest.trim_start_matches([' ', '\t']);
        if rest.starts_with([' ', '\t']) && after_space.starts_with('%') {
            return Some(format!(
                "write the `%` right after the number, with no space: `{number_before}%`"
            ));
        }
        if rest.starts_with(',') && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
            let digits: String = rest[1..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',')
                .filter(char::is_ascii_digit)
                .collect();
            return Some(format!(
                "numbers take no thousands separators: write `{number_before}{digits}`"
            ));
        }
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
            if let Some(unit) = unit_for(&word).filter(|unit| *unit != word) {
                return Some(format!(
                    "write the duration as a number and one of `min`, `h`, `d`, `w`: `{number_before}{unit}`"
                ));
            }
        }
        if rest.starts_with([' ', '\t']) {
            let word: String = after_space
                .chars()
                .take_while(|c| c.is_alphabetic())
                .collect();
            if let Some(unit) = unit_for(&word) {
                return Some(format!(
                    "write the unit right after the number, with no space: `{number_before}{unit}`"
                ));
            }
        }
    }
    if let Some(c) = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '£' | '$' | '€' | '¥'))
    {
        let amount: String = rest[c.len_utf8()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
            .filter(|c| *c != ',')
            .collect();
        let amount = if amount.is_empty() {
            "260000".to_string()
        } else {
            amount
        };
        return Some(format!(
            "write amounts as plain numbers, without `{c}` or thousands separators: `{amount}`; \
             the project's `currency` says what they are in"
        ));
    }
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if digits.is_empty() {
        return None;
    }
    let after = &rest[digits.len()..];
    if after.trim_start_matches([' ', '\t']).starts_with('%') && after.starts_with([' ', '\t']) {
        return Some(format!(
            "write the `%` right after the number, with no space: `{digits}%`"
        ));
    }
    if let Some(per) = after.strip_prefix('/') {
        let word: String = per.chars().take_while(|c| c.is_alphabetic()).collect();
        if let Some(unit) = unit_for(&word).filter(|u| matches!(*u, "h" | "d")) {
            return Some(format!(
                "a rate is per `h` or per `d`: write `{digits}/{unit}`"
            ));
        }
        return None;
    }
    let word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
    let unit = unit_for(&word)?;
    if word == unit {
        return None;
    }
    Some(format!(
        "write the duration as a number and one of `min`, `h`, `d`, `w`: `{digits}{unit}`"
    ))
}

/// The number a text ends with (`effort 3` gives `3`).
fn trailing_number(before: &str) -> String {
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map_or(before.len(), |(i, _)| i);
    before[start..].to_string()
}

/// The planc unit for a unit word as people write it (`days`, `D`, `hrs`).
fn unit_for(word: &str) -> Option<&'static str> {
    let unit = match word.to_ascii_lowercase().as_str() {
        "min" | "mins" | "minute" | "minutes" => "min",
        "h" | "hr" | "hrs" | "hour" | "hours" => "h",
        "d" | "day" | "days" | "wd" | "workday" | "workdays" => "d",
        "w" | "wk" | "wks" | "week" | "weeks" => "w",
        _ => return None,
    };
    Some(unit)
}

/// Help for a character that looks like (or hides as) one the grammar
/// takes: invisible characters and typographic quotes.
fn lookalike_help(rest: &str) -> Option<String> {
    let c = rest.chars().next()?;
    if invisible_name(c).is_some() {
        return Some(
            "only spaces, tabs and line breaks separate words: delete this character (text \
             copied from web pages or word processors often carries it)"
                .to_string(),
        );
    }
    if matches!(
        c,
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2018}' | '\u{2019}'
    ) {
        return Some(format!(
            "`{c}` is a typographic quote: strings take straight double quotes, `\"like this\"`"
        ));
    }
    None
}

/// The name of a character that shows as blank or not at all (pasted
/// from web pages and word processors), so that the message can say what
/// stands there; `None` for characters that show as themselves.
pub(super) fn invisible_name(c: char) -> Option<&'static str> {
    let name = match c {
        ' ' | '\t' | '\n' | '\r' => return None,
        '\u{00A0}' => "no-break space",
        '\u{00AD}' => "soft hyphen",
        '\u{2000}'..='\u{200A}' => "typographic space",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            "text direction control"
        }
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{202F}' => "narrow no-break space",
        '\u{205F}' => "math space",
        '\u{2060}' => "word joiner",
        '\u{3000}' => "ideographic space",
        '\u{FEFF}' => "byte order mark",
        c if c.is_control() => "control character",
        c if c.is_whitespace() => "space character",
        _ => return None,
    };
    Some(name)
}

/// "did you mean `task`?" for a word that is close to a keyword allowed here.
fn misspelled_keyword(word: &str, in_block: bool) -> Option<String> {
    if word.is_empty() || word.len() > 20 {
        return None;
    }
    let candidates: Vec<&'static str> = if in_block {
        keywords::item_keywords().collect()
    } else {
        keywords::top_level_keywords().collect()
    };
    if candidates.contains(&word) {
        return None;
    }
    let best = closest_keyword(word, candidates)?;
    Some(format!("did you mean `{best}`?"))
}

/// The keyword of `candidates` that `word` is a typo of, if any.
fn closest_keyword(
    word: &str,
    candidates: impl IntoIterator<Item = &'static str>,
) -> Option<&'static str> {
    candidates
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(1))
        .min()
        .map(|(_, k)| k)
}

/// The attribute keyword `word` is a typo of (`efort`), if any.
pub(super) fn misspelled_attribute(word: &str) -> Option<&'static str> {
    if word.len() > 20 {
        return None;
    }
    closest_keyword(word, keywords::item_keywords())
}

/// Help for a string the grammar rejected: unclosed, or a bad escape.
fn string_help(rest: &str) -> Option<String> {
    if rest.starts_with("\"\"\"") {
        return Some("this text block is not closed: end it with `\"\"\"`".to_string());
    }
    let line = rest.lines().next().unwrap_or(rest);
    let mut chars = line.char_indices().skip(1);
    while let Some((_, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => match chars.next() {
                Some((_, '"' | '\\' | 'n' | 't' | 'u')) => {}
                Some((_, other)) => {
                    return Some(format!(
                        "`\\{other}` is not an escape: write a backslash as `\\\\`; strings know `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{{...}}`"
                    ))
                }
                None => {}
            },
            _ => {}
        }
    }
    Some("this string is not closed: add `\"` before the end of the line (use `\"\"\"` for text over several lines)".to_string())
}

/// A list that ended with a comma swallowed the next attribute's keyword.
fn trailing_comma_help(before: &str) -> Option<String> {
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    let ahead = before[..word_start].trim_end();
    if keywords::item_keyword(word).is_some() && ahead.ends_with(',') {
        return Some(format!("the `,` before `{word}` continues the list, so `{word}` was read as a name: remove that comma"));
    }
    None
}

/// Words from other planning tools and the planc keyword for them, with
/// how the planc form is written.
pub(super) fn foreign_keyword(word: &str) -> Option<(&'static str, &'static str)> {
    match word {
        "length" => Some(("duration", "duration 3d")),
        "depends" | "depends_on" | "predecessors" => Some(("after", "after design")),
        "allocate" | "resources" => Some(("assign", "assign alice")),
        "work" => Some(("effort", "effort 3d")),
        _ => None,
    }
}
