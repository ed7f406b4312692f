//! Cross-cutting behaviour of execution.
//!
//! [`NullableFieldErrors`]: async-graphql leaves a field whose resolver
//! failed out of the response entirely, even when the field is nullable. The
//! GraphQL specification (and every client cache) wants the key present with
//! `null`, plus the error. This extension turns a failed nullable field into
//! `null` and carries its error into the response — which is how a denied
//! field reads "null plus FORBIDDEN" while its parent survives.
//!
//! It also gives every error an `extensions.code`: errors raised by
//! async-graphql itself (parse, validation, argument coercion) are the
//! client's input errors and get BAD_USER_INPUT; ours already carry theirs.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextResolve, NextSubscribe, ResolveInfo,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Response, ServerError, ServerResult, Value, Variables};
use futures_util::stream::{BoxStream, StreamExt};
use std::sync::{Arc, Mutex};

pub struct NullableFieldErrors;

impl ExtensionFactory for NullableFieldErrors {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Collector::default())
    }
}

#[derive(Default)]
struct Collector {
    errors: Arc<Mutex<Vec<ServerError>>>,
}

fn drain(errors: &Mutex<Vec<ServerError>>, response: &mut Response) {
    let mut errors = errors.lock().unwrap_or_else(|p| p.into_inner());
    response.errors.append(&mut errors);
    for e in &mut response.errors {
        with_code(e);
    }
}

/// Gives an error without a code the code BAD_USER_INPUT.
pub fn with_code(e: &mut ServerError) {
    let ext = e.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", "BAD_USER_INPUT");
    }
}

#[async_trait::async_trait]
impl Extension for Collector {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let nullable = !info.return_type.ends_with('!');
        match next.run(ctx, info).await {
            Err(e) if nullable => {
                self.errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                Ok(Some(Value::Null))
            }
            other => other,
        }
    }

    /// Wraps the whole request, parse and validation included, so that
    /// their errors get a code too.
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        drain(&self.errors, &mut response);
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let errors = self.errors.clone();
        next.run(ctx, stream)
            .map(move |mut response| {
                drain(&errors, &mut response);
                response
            })
            .boxed()
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

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
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

#[async_trait::async_trait]
impl Extension for DocumentLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // The parser recurses on nesting; a document nested thousands deep
        // must be refused before it can exhaust the stack.
        if let Err(message) = nesting(query, MAX_NESTING) {
            let mut e = ServerError::new(message, None);
            with_code(&mut e);
            return Err(e);
        }
        let doc = next.run(ctx, query, variables).await?;
        let mut tally = Tally::default();
        for (_, op) in doc.operations.iter() {
            if let Err(message) = self.walk(&doc, &op.node.selection_set.node, &mut tally, &mut Vec::new()) {
                let mut e = ServerError::new(message, Some(op.pos));
                with_code(&mut e);
                return Err(e);
            }
        }
        Ok(doc)
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
