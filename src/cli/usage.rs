//! Friendlier usage errors. clap already suggests a flag that is spelt
//! almost right; this adds what to type for flags people bring from other
//! tools (`--out`, `--json`, `--watch`, ...) and lists the flags a
//! subcommand does take when nothing better fits.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::CommandFactory;

/// Adds a `tip:` line to `error` when planc knows what the user meant.
/// `args` are the program's arguments without the program name.
pub fn improve(mut error: clap::Error, args: &[String]) -> clap::Error {
    let hint = match error.kind() {
        ErrorKind::UnknownArgument => unknown_flag_hint(&error, args),
        ErrorKind::InvalidSubcommand => unknown_subcommand_hint(&error),
        _ => None,
    };
    if let Some(hint) = hint {
        // This replaces clap's own tip for an unknown flag ("to pass it as a
        // value, use `-- --flag`"), which is never what a planc user meant.
        error.insert(
            ContextKind::Suggested,
            ContextValue::StyledStrs(vec![hint.into()]),
        );
    }
    error
}

fn context_string(error: &clap::Error, kind: ContextKind) -> Option<String> {
    match error.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The subcommand the user typed, if any.
fn subcommand(args: &[String]) -> Option<String> {
    let names: Vec<String> = super::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    args.iter().find(|a| names.contains(a)).cloned()
}

fn unknown_flag_hint(error: &clap::Error, args: &[String]) -> Option<String> {
    let flag = context_string(error, ContextKind::InvalidArg)?;
    // The flag as typed, without a `=value`.
    let flag = flag.split('=').next().unwrap_or(&flag).to_string();
    let sub = subcommand(args);
    if let Some(known) = known_mistake(&flag, sub.as_deref()) {
        return Some(known);
    }
    if error.get(ContextKind::SuggestedArg).is_some() {
        return None;
    }
    let sub = sub?;
    let command = super::Cli::command();
    let flags: Vec<String> = command
        .find_subcommand(&sub)?
        .get_arguments()
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    Some(format!(
        "`planc {sub}` takes {}; see `planc {sub} --help`",
        flags.join(", ")
    ))
}

/// Flags from other tools, and what planc calls them.
fn known_mistake(flag: &str, sub: Option<&str>) -> Option<String> {
    let format_flag = |f: &str| match sub {
        Some("check") => "to get diagnostics as JSON, type `--message-format json`".to_string(),
        _ => format!("to choose the output format, type `--format {f}`"),
    };
    let hint = match flag {
        "--out" | "--output-file" | "--outfile" | "--out-file" => {
            "to name the output file, type `-o FILE`".to_string()
        }
        "-f" | "--fmt" | "--type" | "--to" => {
            "to choose the output format, type `--format json` (or html, mermaid, markdown)"
                .to_string()
        }
        "--json" => format_flag("json"),
        "--html" => format_flag("html"),
        "--mermaid" | "--mmd" => format_flag("mermaid"),
        "--markdown" | "--md" => format_flag("markdown"),
        "--watch" | "-w" => "to rebuild on every save, type `planc watch FILE -o OUT`".to_string(),
        "--serve" | "--open" | "--preview" => {
            "to preview in a browser, type `planc watch FILE --serve`".to_string()
        }
        "--port" | "-p" => "to choose the address, type `--serve 127.0.0.1:PORT`".to_string(),
        "--version" | "-V" | "-v" => "to see the version, type `planc --version`".to_string(),
        "--force" if sub == Some("init") => {
            "`planc init` never overwrites a file; remove it first or choose another name"
                .to_string()
        }
        _ => return None,
    };
    Some(hint)
}

fn unknown_subcommand_hint(error: &clap::Error) -> Option<String> {
    if error.get(ContextKind::SuggestedSubcommand).is_some() {
        return None;
    }
    let typed = context_string(error, ContextKind::InvalidSubcommand)?;
    if typed.ends_with(".plan") || typed == "-" {
        return Some(format!(
            "name what to do first: `planc check {typed}`, `planc build {typed} -o plan.html` or `planc watch {typed} --serve`"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn error_text(args: &[&str]) -> String {
        let all: Vec<String> = std::iter::once("planc")
            .chain(args.iter().copied())
            .map(String::from)
            .collect();
        match super::super::Cli::try_parse_from(&all) {
            Ok(_) => panic!("{args:?} parsed"),
            Err(e) => improve(e, &all[1..]).to_string(),
        }
    }

    #[test]
    fn a_flag_from_another_tool_gets_what_to_type() {
        let text = error_text(&["build", "plan.plan", "--json"]);
        assert!(text.contains("--format json"), "{text}");
        let text = error_text(&["check", "plan.plan", "--json"]);
        assert!(text.contains("--message-format json"), "{text}");
    }

    #[test]
    fn an_unknown_flag_lists_the_flags_that_exist() {
        let text = error_text(&["build", "plan.plan", "--zzzz"]);
        assert!(text.contains("--output"), "{text}");
        assert!(text.contains("planc build --help"), "{text}");
    }

    #[test]
    fn a_plan_in_place_of_a_subcommand_gets_the_commands() {
        let text = error_text(&["my.plan"]);
        assert!(text.contains("planc check my.plan"), "{text}");
    }
}
