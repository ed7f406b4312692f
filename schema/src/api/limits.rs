//! Checks on a request before it runs, and the `extensions.code` every
//! error must carry. The transport calls these (HTTP and websockets alike)
//! instead of registering schema extensions, so that async-graphql keeps its
//! fast path for every field of every request.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Request, Response, ServerError};

/// Checks a request's document: bracket nesting before it is parsed (the
/// parser recurses on it), then fields, aliases and directives. The parsed
/// document stays in the request, so it is not parsed again.
pub fn check(request: &mut Request, limits: &DocumentLimits) -> Result<(), ServerError> {
    if let Err(message) = nesting(&request.query, MAX_NESTING) {
        return Err(coded(ServerError::new(message, None)));
    }
    let doc = request.parsed_query().map_err(coded)?;
    let mut tally = Tally::default();
    for (_, op) in doc.operations.iter() {
        if let Err(message) = limits.walk(doc, &op.node.selection_set.node, &mut tally, &mut Vec::new()) {
            return Err(coded(ServerError::new(message, Some(op.pos))));
        }
    }
    Ok(())
}

/// Gives every error of a response a code: errors from async-graphql itself
/// (parse, validation, argument coercion) are the client's input errors.
pub fn add_codes(response: &mut Response) {
    for e in &mut response.errors {
        with_code(e);
    }
}

fn coded(mut e: ServerError) -> ServerError {
    with_code(&mut e);
    e
}

/// Gives an error without a code the code BAD_USER_INPUT.
pub fn with_code(e: &mut ServerError) {
    let ext = e.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", "BAD_USER_INPUT");
    }
}

/// Limits on the shape of a document, checked right after parsing, before
/// validation does any work: how many fields it selects (duplicates
/// included, fragments expanded), how many aliases, and how many directives
/// any one selection carries. They stop alias overloading, field
/// duplication and directive overloading with one clear error.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    pub max_fields: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
}

#[derive(Default)]
struct Tally {
    fields: usize,
    aliases: usize,
    directives: usize,
    /// field names from the operation to here
    path: Vec<Name>,
}

/// Introspection fields that lead back into types: GraphiQL's own query
/// passes each at most once on a path, a circular query many times.
const CIRCULAR: [&str; 6] = ["types", "fields", "type", "inputFields", "interfaces", "possibleTypes"];

impl DocumentLimits {
    fn walk(
        &self,
        doc: &ExecutableDocument,
        set: &SelectionSet,
        tally: &mut Tally,
        fragments: &mut Vec<Name>,
    ) -> Result<(), String> {
        for item in &set.items {
            let directives = match &item.node {
                Selection::Field(f) => {
                    let name = &f.node.name.node;
                    if CIRCULAR.contains(&name.as_str()) {
                        let seen = tally.path.iter().filter(|n| *n == name).count();
                        if seen >= 2 {
                            return Err("the query runs in circles through the schema's introspection".into());
                        }
                    }
                    tally.fields += 1;
                    tally.aliases += usize::from(f.node.alias.is_some());
                    if tally.fields > self.max_fields {
                        return Err(format!("the query selects more than {} fields", self.max_fields));
                    }
                    if tally.aliases > self.max_aliases {
                        return Err(format!("the query uses more than {} aliases", self.max_aliases));
                    }
                    tally.path.push(name.clone());
                    let inner = self.walk(doc, &f.node.selection_set.node, tally, fragments);
                    tally.path.pop();
                    inner?;
                    f.node.directives.len()
                }
                Selection::InlineFragment(i) => {
                    self.walk(doc, &i.node.selection_set.node, tally, fragments)?;
                    i.node.directives.len()
                }
                Selection::FragmentSpread(s) => {
                    let name = &s.node.fragment_name.node;
                    // A cycle is a validation error; here it only must not loop.
                    if !fragments.contains(name) {
                        if let Some(fragment) = doc.fragments.get(name) {
                            fragments.push(name.clone());
                            self.walk(doc, &fragment.node.selection_set.node, tally, fragments)?;
                            fragments.pop();
                        }
                    }
                    s.node.directives.len()
                }
            };
            tally.directives = tally.directives.max(directives);
            if directives > self.max_directives {
                return Err(format!("a selection carries more than {} directives", self.max_directives));
            }
        }
        Ok(())
    }
}

/// The deepest `{`, `[` or `(` nesting any real document needs is far below this.
const MAX_NESTING: usize = 64;

/// Checks how deeply brackets nest in a document, outside strings and comments.
fn nesting(query: &str, max: usize) -> Result<(), String> {
    let bytes = query.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max {
                    return Err(format!("the query nests brackets more than {max} deep"));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::nesting;

    #[test]
    fn nesting_is_measured_outside_strings_and_comments() {
        assert!(nesting("{ a { b { c } } }", 3).is_ok());
        assert!(nesting("{ a { b { c { d } } } }", 3).is_err());
        assert!(nesting(r#"{ a(x: "[[[[[[") }"#, 3).is_ok());
        assert!(nesting("{ a # [[[[[[\n }", 3).is_ok());
        assert!(nesting(r#"{ a(x: """ [[[[ \""" [[[ """) }"#, 3).is_ok());
        assert!(nesting(&format!("{{ a(x: {}1{}) }}", "[".repeat(5000), "]".repeat(5000)), 64).is_err());
    }
}
