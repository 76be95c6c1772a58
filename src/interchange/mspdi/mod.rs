//! MS Project XML (MSPDI) to plan text.
//!
//! `xml.rs` reads the file into a small element tree with `quick-xml`
//! (located errors, no entity expansion); `model.rs` picks out the project,
//! calendars, resources, tasks and assignments MSPDI keeps in child
//! elements; `write.rs` writes them as plan text with `emit::PlanText`,
//! a `# import:` note wherever MSPDI says more than a plan can.
//! docs/interchange.md ("Importing MS Project XML") has the mapping.

mod model;
mod write;
mod xml;

use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};

/// Reads an MS Project XML file into plan text.
pub fn read(file: FileId, text: &str) -> (Option<String>, Vec<Diagnostic>) {
    let mut diags = Diagnostics {
        file,
        list: Vec::new(),
    };
    let (root, remarks) = match xml::parse(text) {
        Ok(tree) => tree,
        Err(broken) => {
            let span = diags.span_at(broken.at, text.len());
            let mut error = Diagnostic::error(
                codes::MSPDI_MALFORMED,
                format!("this is not well-formed XML: {}", broken.message),
            )
            .at(span, "here");
            if let Some(opened) = broken.opened {
                error = error.also(diags.span_at(opened, text.len()), "opened here");
            }
            diags.list.push(error.with_help(
                "the file may be truncated or damaged; export it from MS Project again",
            ));
            return (None, diags.list);
        }
    };
    for remark in remarks {
        let span = diags.span_at(remark.at, text.len());
        diags.list.push(
            Diagnostic::warning(codes::MSPDI_ENTITY, remark.message).at(span, "not expanded"),
        );
    }
    if root.name != "Project" {
        let span = diags.span_at(root.at, text.len());
        diags.list.push(
            Diagnostic::error(
                codes::MSPDI_NOT_PROJECT,
                format!(
                    "expected an MS Project XML file (a `<Project>` element), found `<{}>`",
                    root.name
                ),
            )
            .at(span, "not `<Project>`")
            .with_help("in MS Project, save as \"XML Format (*.xml)\""),
        );
        return (None, diags.list);
    }
    let project = model::read_project(&root, &mut diags, text.len());
    match project {
        Some(project) => {
            let plan = write::plan_text(&project, &mut diags);
            // In file order, as a reader goes through them.
            diags
                .list
                .sort_by_key(|d| d.primary.as_ref().map(|l| l.span.start));
            (Some(plan), diags.list)
        }
        None => (None, diags.list),
    }
}

/// The diagnostics of one import, all in the one foreign file.
pub(crate) struct Diagnostics {
    file: FileId,
    pub(crate) list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// A one-character span at `at` (clamped into the file).
    fn span_at(&self, at: usize, len: usize) -> Span {
        let start = at.min(len);
        Span::new(self.file, start, (start + 1).min(len))
    }

    /// Something in the file planc cannot carry over, at element offset `at`.
    fn not_carried(&mut self, at: usize, len: usize, message: impl Into<String>) {
        let span = self.span_at(at, len);
        self.list.push(
            Diagnostic::warning(codes::MSPDI_NOT_CARRIED, message)
                .at(span, "written as an `# import:` comment"),
        );
    }

    /// A value planc cannot read, at element offset `at`.
    fn bad_value(&mut self, at: usize, len: usize, message: impl Into<String>) {
        let span = self.span_at(at, len);
        self.list
            .push(Diagnostic::warning(codes::MSPDI_BAD_VALUE, message).at(span, "left out"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(text: &str) -> (Option<String>, Vec<Diagnostic>) {
        read(FileId(0), text)
    }

    #[test]
    fn a_small_project_becomes_a_plan() {
        let text = r#"<?xml version="1.0"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <Title>Small</Title>
  <StartDate>2027-01-04T08:00:00</StartDate>
  <Tasks>
    <Task><UID>1</UID><ID>1</ID><Name>Phase</Name><OutlineLevel>1</OutlineLevel><Summary>1</Summary></Task>
    <Task><UID>2</UID><ID>2</ID><Name>Dig</Name><OutlineLevel>2</OutlineLevel><Duration>PT16H0M0S</Duration></Task>
    <Task><UID>3</UID><ID>3</ID><Name>Pour</Name><OutlineLevel>2</OutlineLevel><Duration>PT8H0M0S</Duration>
      <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>3</Type><LinkLag>4800</LinkLag><LagFormat>7</LagFormat></PredecessorLink>
    </Task>
  </Tasks>
</Project>"#;
        let (plan, diags) = import(text);
        let plan = plan.expect("a plan");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(plan.contains("task phase \"Phase\""), "{plan}");
        assert!(plan.contains("duration 2d"), "{plan}");
        assert!(plan.contains("after start of phase.dig + 1d"), "{plan}");
    }

    #[test]
    fn broken_xml_is_an_error_not_a_plan() {
        let (plan, diags) = import("<Project><Tasks><Task></Tasks></Project>");
        assert!(plan.is_none());
        assert_eq!(diags[0].code, codes::MSPDI_MALFORMED);
    }

    #[test]
    fn another_root_is_refused() {
        let (plan, diags) = import("<html></html>");
        assert!(plan.is_none());
        assert_eq!(diags[0].code, codes::MSPDI_NOT_PROJECT);
    }
}
