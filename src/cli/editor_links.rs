//! `planc watch --serve --editor`: each task's name in the served report
//! becomes a link that opens the task in an editor, at its name in the
//! plan's text. The link is a URL template with `{path}` (the absolute
//! path, `/`-separated and percent-encoded), `{line}` and `{column}`
//! (1-based, in characters); `vscode` stands for VS Code's
//! `vscode://file{path}:{line}:{column}`.

use std::path::Path;

use crate::source::{SourceMap, Span};

/// VS Code's URL that opens a file at a line and column.
const VSCODE: &str = "vscode://file{path}:{line}:{column}";

/// The URL template of `--editor`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorLinks {
    template: String,
}

/// Reads `--editor`: `vscode`, or a template that names `{path}`.
pub fn parse(arg: &str) -> Result<EditorLinks, String> {
    let template = match arg {
        "vscode" => VSCODE.to_string(),
        _ if arg.contains("{path}") => arg.to_string(),
        _ => {
            return Err(format!(
                "`{arg}` is neither `vscode` nor a URL template with `{{path}}` (and `{{line}}`, `{{column}}`), such as `{VSCODE}`"
            ))
        }
    };
    Ok(EditorLinks { template })
}

impl EditorLinks {
    /// The link to the place `span` starts at; `None` for text that has no
    /// file (standard input).
    pub fn link(&self, sources: &SourceMap, span: Span) -> Option<String> {
        let file = sources.get(span.file)?;
        let path = file.path.as_deref()?;
        let absolute = std::path::absolute(path).ok()?;
        let (line, column) = file.line_col(span.start as usize);
        Some(
            self.template
                .replace("{path}", &url_path(&absolute))
                .replace("{line}", &line.to_string())
                .replace("{column}", &column.to_string()),
        )
    }
}

/// `path` as the path of a URL: `/`-separated, starting with `/`, every
/// byte but the unreserved ones and `/` percent-encoded.
fn url_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len() + 1);
    if !text.starts_with('/') {
        out.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, SourceFile};
    use std::path::PathBuf;

    fn sources(path: &str, text: &str) -> SourceMap {
        let mut map = SourceMap::new();
        map.add(SourceFile::new(
            path,
            Some(PathBuf::from(path)),
            text.to_string(),
        ));
        map
    }

    #[test]
    fn vscode_links_name_the_absolute_path_line_and_column() {
        let map = sources("/plans/my plan.plan", "project \"P\"\ntask büild\n");
        let links = parse("vscode").unwrap();
        let at = "project \"P\"\ntask ".len();
        assert_eq!(
            links.link(&map, Span::new(FileId(0), at, at + 6)),
            Some("vscode://file/plans/my%20plan.plan:2:6".to_string())
        );
    }

    #[test]
    fn a_template_gets_the_place_and_other_words_are_refused() {
        let map = sources("/p.plan", "task a\n");
        let links = parse("idea://open?file={path}&line={line}").unwrap();
        assert_eq!(
            links.link(&map, Span::new(FileId(0), 5, 6)),
            Some("idea://open?file=/p.plan&line=1".to_string())
        );
        assert!(parse("emacs").is_err());
    }
}
