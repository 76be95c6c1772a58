//! A small element tree of an MSPDI file, read with `quick-xml`: element
//! names, their text and where each starts, which is all MSPDI needs (it
//! keeps every value in child elements, never in attributes).
//!
//! Only the five predefined entities and character references are
//! resolved. A document type declaration is read past, never applied: its
//! entities are not expanded (so an "XML bomb" stays a few bytes), and a
//! reference to one is reported and left out.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Deeper than any MSPDI file nests (about six levels); the limit keeps a
/// hostile file from growing the tree, and dropping it, without bound.
pub const MAX_DEPTH: usize = 64;

/// One element: its local name, its text (the concatenated text of its
/// own content) and its children.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
    /// Byte offset of its `<`.
    pub at: usize,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`, if not empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
}

/// Why a file is not a tree: what went wrong, and the byte offset.
#[derive(Debug)]
pub struct Broken {
    pub message: String,
    pub at: usize,
    /// Where the element left open starts, when the file ends inside one.
    pub opened: Option<usize>,
}

/// Something read past that the reader should hear about.
#[derive(Debug)]
pub struct Remark {
    pub message: String,
    pub at: usize,
}

/// Reads `text` into its root element.
pub fn parse(text: &str) -> Result<(Element, Vec<Remark>), Broken> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut remarks = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let before = offset(reader.buffer_position());
        let event = reader.read_event().map_err(|e| Broken {
            message: e.to_string(),
            at: offset(reader.error_position()),
            opened: None,
        })?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(after_root(before));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(Broken {
                        message: format!("elements nest deeper than {MAX_DEPTH} levels"),
                        at: before,
                        opened: None,
                    });
                }
                stack.push(element(&start, before));
            }
            Event::Empty(start) => {
                let element = element(&start, before);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None if root.is_none() => root = Some(element),
                    None => return Err(after_root(before)),
                }
            }
            Event::End(_) => {
                // quick-xml has checked that the names match.
                let Some(done) = stack.pop() else {
                    return Err(Broken {
                        message: "a closing tag without an opening one".to_string(),
                        at: before,
                        opened: None,
                    });
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, t.as_ref()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content().into_owned();
                match resolve_reference(&r, &name) {
                    Some(c) => push_text(&mut stack, c.encode_utf8(&mut [0; 4])),
                    None => remarks.push(Remark {
                        message: format!("the entity `&{name};` is not expanded: planc reads no document type declarations"),
                        at: before,
                    }),
                }
            }
            Event::DocType(_) => remarks.push(Remark {
                message: "the document type declaration is ignored: its entities are not expanded"
                    .to_string(),
                at: before,
            }),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(Broken {
            message: format!(
                "the file ends inside `<{}>`: expected `</{}>`",
                open.name, open.name
            ),
            at: text.len(),
            opened: Some(open.at),
        });
    }
    root.map(|r| (r, remarks)).ok_or(Broken {
        message: "expected an XML document with a `<Project>` element, found no element"
            .to_string(),
        at: text.len(),
        opened: None,
    })
}

fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

fn after_root(at: usize) -> Broken {
    Broken {
        message: "a second top-level element: expected the end of the document after `</Project>`"
            .to_string(),
        at,
        opened: None,
    }
}

fn element(start: &quick_xml::events::BytesStart<'_>, at: usize) -> Element {
    let name = start.local_name().as_ref().to_string();
    Element {
        name,
        at,
        ..Element::default()
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(open) = stack.last_mut() {
        open.text.push_str(text);
    }
}

/// A character reference or one of XML's five predefined entities.
fn resolve_reference(r: &quick_xml::events::BytesRef<'_>, name: &str) -> Option<char> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c);
    }
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_text_and_entities() {
        let (root, remarks) =
            parse("<?xml version=\"1.0\"?><P><N>a &amp; b&#x21;</N><E/></P>").expect("parses");
        assert_eq!(root.name, "P");
        assert_eq!(root.text_of("N"), Some("a & b!"));
        assert!(root.child("E").is_some());
        assert!(remarks.is_empty());
    }

    #[test]
    fn declared_entities_are_never_expanded() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE P [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><P><N>&b;</N></P>";
        let (root, remarks) = parse(bomb).expect("parses");
        assert_eq!(root.text_of("N"), None);
        assert_eq!(remarks.len(), 2);
    }

    #[test]
    fn truncation_is_located() {
        let broken = parse("<P><N>text</N><T>").expect_err("truncated");
        assert!(broken.message.contains("</T>"), "{}", broken.message);
        let broken = parse("<P><N>text</M></P>").expect_err("mismatched");
        assert!(broken.at > 0);
    }

    #[test]
    fn depth_is_limited() {
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        let broken = parse(&deep).expect_err("too deep");
        assert!(broken.message.contains("deeper"));
    }
}
