//! Checks on a request before it runs, and the `extensions.code` every
//! error must carry. The transport calls these (HTTP and websockets alike)
//! instead of registering schema extensions, so that async-graphql keeps its
//! fast path for every field of every request.
//!
//! Why a checker of our own, and why it summarizes each fragment once: the
//! pre-execution checks of async-graphql (recursion depth, directives,
//! complexity, overlapping fields) walk the document with every fragment
//! spread expanded where it stands. A ~1 KB document whose fragments each
//! spread the next twice expands to 2^25 selections: 23 s of one of the
//! runtime's two workers, for any signed-in user (issue 14). This checker
//! runs first and does work proportional to the document's size: each
//! fragment is summarized once (what it selects once expanded) and its
//! summary reused at every spread; unknown, unused and cyclic fragments are
//! refused before anything is expanded (the GraphQL spec's "Fragment spread
//! target defined", "Fragments must be used" and "Fragment spreads must not
//! form cycles"). Only a document whose expansion is within the limits
//! reaches async-graphql, so its own walks are bounded by them too.

use async_graphql::parser::types::{
    Directive, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Pos, Request, Response, ServerError, Value as ConstValue, Variables};
use std::collections::HashMap;

/// Checks a request's document: bracket nesting before it is parsed (the
/// parser recurses on it), then its shape once parsed. The parsed document
/// stays in the request, so it is not parsed again.
pub fn check(request: &mut Request, limits: &DocumentLimits) -> Result<(), ServerError> {
    pre_parse(&request.query)?;
    let variables = request.variables.clone();
    let doc = request.parsed_query().map_err(coded)?;
    limits.check_document(doc, &variables).map_err(|r| coded(ServerError::new(r.message, r.pos)))
}

/// What must hold before a document is handed to the parser at all: its
/// brackets nest at most 64 deep and its strings are ones GraphQL's lexer
/// accepts. Anything that parses a document — [`check`], or the transport
/// asking whether a GET request is a mutation — calls this first.
pub fn pre_parse(query: &str) -> Result<(), ServerError> {
    nesting(query, MAX_NESTING).map_err(|message| coded(ServerError::new(message, None)))
}

/// The most errors one response carries. Validation can find an error per
/// selection; past this the client learns nothing more but the response
/// grows (8,000 misplaced directives once made a 2 MB answer).
pub const MAX_ERRORS: usize = 50;

/// Gives every error of a response a code (errors from async-graphql itself
/// — parse, validation, argument coercion — are the client's input errors)
/// and keeps the list to [`MAX_ERRORS`], the last one saying how many more
/// there were.
pub fn add_codes(response: &mut Response) {
    if response.errors.len() > MAX_ERRORS {
        let left_out = response.errors.len() - (MAX_ERRORS - 1);
        response.errors.truncate(MAX_ERRORS - 1);
        response.errors.push(ServerError::new(format!("{left_out} more errors were left out of this response"), None));
    }
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
/// included, fragments expanded), how many aliases, how many fragment
/// spreads once expanded, and how many directives any one selection or
/// definition carries. They stop alias overloading, field duplication,
/// fragment bombs and directive overloading with one clear error.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    pub max_fields: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    /// fragment spreads, counted where each is expanded
    pub max_spreads: usize,
    /// the most items a response may hold (see [`Summary::cost`])
    pub max_cost: u64,
    /// the page a connection gives when `first` is omitted
    pub default_page: u64,
    /// the largest page a connection gives
    pub max_page: u64,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        DocumentLimits {
            max_fields: 250,
            max_aliases: 30,
            max_directives: 4,
            max_spreads: 100,
            max_cost: 20_000,
            default_page: 20,
            max_page: 100,
        }
    }
}

/// Why a document was refused, and where.
#[derive(Debug)]
pub struct Refusal {
    pub message: String,
    pub pos: Option<Pos>,
}

fn refuse(message: impl Into<String>, pos: Option<Pos>) -> Refusal {
    Refusal { message: message.into(), pos }
}

/// Introspection fields that lead back into types: GraphiQL's own query
/// passes each at most twice on a path, a circular query many times.
const CIRCULAR: [&str; 6] = ["types", "fields", "type", "inputFields", "interfaces", "possibleTypes"];
const MAX_CIRCULAR: u32 = 2;

/// How many times one path may enter a log. An object's `log` leads back
/// to a log, whose unpaged lists lead to objects with a `log` again
/// (`log { goals { measures { log { goals … } } } }`): each round multiplies
/// the answer by the log's own size, which no page bounds (the second
/// attack on issue 17 got 8.4 MB from four such rounds, growing with the
/// fourth power of the measures). Once per path is all a client needs: the
/// log a page shows, or the log of an object in a list.
pub const MAX_LOG_ENTRIES: u32 = 1;

/// Whether a field enters a log: `log` (the root field, an object's log, a
/// payload's log), `logs`, and the root `node`/`nodes` when they select a
/// log's fields (`selects_log`: a fragment on `Log` in their selection, the
/// only way to reach a log's fields through them). A `node` that names a
/// message and asks for its `log { child { name } }` enters the log once.
fn enters_log(field: &Field, selects_log: bool) -> bool {
    match field.name.node.as_str() {
        "log" | "logs" => true,
        "node" | "nodes" => !field.arguments.is_empty() && selects_log,
        _ => false,
    }
}

/// Fields that page (take `first`): with `first` omitted they give the
/// default page.
const PAGED: [&str; 10] = [
    "logs",
    "messages",
    "accessLog",
    "meetings",
    "snapshots",
    "comments",
    "myDeadlines",
    "unitStaff",
    "staff",
    "adminLog",
];

/// Lists that do not page but can be long, each counted as this many
/// items: a municipality's units (the attack on issue 18 asked 30 aliases
/// of `units { staff(first: 100) }` over 40 units, 120,000 staff, where
/// `units` counted once). `Me.units`, a person's memberships, shares the
/// name and is over-counted, harmlessly.
const LONG_LISTS: [(&str, u64); 1] = [("units", 100)];

/// The most arguments one field or directive takes: the schema's widest
/// field takes three. Validation compares the arguments of every two fields
/// of the same name pairwise: 19,000 arguments on each of two fragments'
/// `me` held a worker for 27 s and 515 MB (issue 14's follow-up attack).
pub const MAX_ARGUMENTS: usize = 10;

/// How deeply selections (fields, spreads, inline fragments) may nest once
/// fragments are expanded: async-graphql's recursion limit, which the
/// schema sets to the same number. It also bounds this checker's recursion.
pub const MAX_RECURSION: usize = 32;

/// What a selection set amounts to once its fragments are expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Summary {
    fields: usize,
    aliases: usize,
    /// arguments of fields and directives
    arguments: usize,
    spreads: usize,
    /// the deepest nesting of selections below this set
    depth: usize,
    /// per name of [`CIRCULAR`], the most times it occurs on one path
    circular: [u32; 6],
    /// How many values the response can hold: each field counts once per
    /// item of every list above it, a list counting as many items as its
    /// page (`first`, the default page when omitted) or the ids it is given
    /// (`nodes`). Fields and depth are bounded, but lists multiply: three
    /// nested `messages(first: 100) { edges { node { log { … } } } }` ask
    /// for a million messages in 400 bytes (the attack on issue 17 took
    /// 16 s and 55 MB). Lists without a page (a log's goals) count once:
    /// their size is the data's, not the request's — which is why a path
    /// may enter a log only once ([`MAX_LOG_ENTRIES`]).
    cost: u64,
    /// the most fields that enter a log on one path (see [`enters_log`])
    log_entries: u32,
    /// whether a fragment on `Log` is in this set, or in a fragment in it
    /// (not below a field: a field's own selection is of its own type)
    selects_log: bool,
}

impl Summary {
    /// Adds a sibling's summary (saturating: a fragment bomb's counts are
    /// astronomically large, and only their being over a limit matters).
    fn add(&mut self, other: &Summary) {
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.arguments = self.arguments.saturating_add(other.arguments);
        self.spreads = self.spreads.saturating_add(other.spreads);
        self.depth = self.depth.max(other.depth);
        self.cost = self.cost.saturating_add(other.cost);
        self.log_entries = self.log_entries.max(other.log_entries);
        self.selects_log |= other.selects_log;
        for (mine, theirs) in self.circular.iter_mut().zip(other.circular) {
            *mine = (*mine).max(theirs);
        }
    }
}

enum Fragment {
    /// being summarized: meeting it again is a cycle
    Visiting,
    Done(Summary),
}

/// One pass over a document; each fragment is summarized once.
struct Walk<'a> {
    limits: &'a DocumentLimits,
    variables: &'a Variables,
    doc: &'a ExecutableDocument,
    fragments: HashMap<&'a Name, Fragment>,
    /// selections visited, for the test that the work is bounded by the document's size
    steps: usize,
}

impl DocumentLimits {
    /// Checks a parsed document with its variables (which give the page
    /// sizes); the work is proportional to its size.
    pub fn check_document(&self, doc: &ExecutableDocument, variables: &Variables) -> Result<(), Refusal> {
        self.walk(doc, variables).map(drop)
    }

    /// Like [`check_document`](Self::check_document), returning the number of selections visited.
    fn walk(&self, doc: &ExecutableDocument, variables: &Variables) -> Result<usize, Refusal> {
        let mut walk = Walk { limits: self, variables, doc, fragments: HashMap::new(), steps: 0 };
        let mut total = Summary::default();
        for (_, op) in doc.operations.iter() {
            self.definition_directives(&op.node, op.pos)?;
            let summary = walk.set(&op.node.selection_set.node, 0)?;
            total.add(&summary);
            self.within(&total, Some(op.pos))?;
        }
        if let Some((name, f)) = doc.fragments.iter().find(|(name, _)| !walk.fragments.contains_key(name)) {
            return Err(refuse(format!("fragment {name} is never used"), Some(f.pos)));
        }
        Ok(walk.steps)
    }

    /// Directives on an operation and on its variables (a selection's are counted where it is).
    fn definition_directives(&self, op: &OperationDefinition, pos: Pos) -> Result<(), Refusal> {
        let on_variables = op.variable_definitions.iter().map(|v| v.node.directives.len());
        if std::iter::once(op.directives.len()).chain(on_variables).any(|n| n > self.max_directives) {
            return Err(self.too_many_directives(pos));
        }
        directive_arguments(&op.directives, pos)?;
        for v in &op.variable_definitions {
            directive_arguments(&v.node.directives, v.pos)?;
        }
        Ok(())
    }

    fn too_many_directives(&self, pos: Pos) -> Refusal {
        refuse(format!("a selection or definition carries more than {} directives", self.max_directives), Some(pos))
    }

    fn within(&self, s: &Summary, pos: Option<Pos>) -> Result<(), Refusal> {
        if s.fields > self.max_fields {
            return Err(refuse(format!("the query selects more than {} fields", self.max_fields), pos));
        }
        if s.aliases > self.max_aliases {
            return Err(refuse(format!("the query uses more than {} aliases", self.max_aliases), pos));
        }
        // As many arguments, fragments expanded, as fields may be selected.
        if s.arguments > self.max_fields {
            return Err(refuse(format!("the query passes more than {} arguments", self.max_fields), pos));
        }
        if s.spreads > self.max_spreads {
            return Err(refuse(format!("the query expands more than {} fragment spreads", self.max_spreads), pos));
        }
        if s.depth > MAX_RECURSION {
            return Err(refuse(format!("selections nest more than {MAX_RECURSION} deep"), pos));
        }
        if s.circular.iter().any(|n| *n > MAX_CIRCULAR) {
            return Err(refuse("the query runs in circles through the schema's introspection", pos));
        }
        if s.log_entries > MAX_LOG_ENTRIES {
            return Err(refuse(
                "a path of the query enters a log more than once (an object's `log` inside a log): \
                 ask for the log once and its lists inside it",
                pos,
            ));
        }
        if s.cost > self.max_cost {
            return Err(refuse(
                format!(
                    "the query may return more than {} values: each list's page (`first`) multiplies what is \
                     selected inside it; ask for smaller pages or fewer nested lists",
                    self.max_cost
                ),
                pos,
            ));
        }
        Ok(())
    }
}

impl<'a> Walk<'a> {
    /// Summarizes a selection set at nesting `depth`.
    fn set(&mut self, set: &'a SelectionSet, depth: usize) -> Result<Summary, Refusal> {
        if depth > MAX_RECURSION {
            return Err(refuse(format!("selections nest more than {MAX_RECURSION} deep"), None));
        }
        let mut summary = Summary::default();
        for item in &set.items {
            self.steps += 1;
            let (directives, mut inner) = match &item.node {
                Selection::Field(f) => {
                    if f.node.arguments.len() > MAX_ARGUMENTS {
                        return Err(refuse(format!("a field takes at most {MAX_ARGUMENTS} arguments"), Some(item.pos)));
                    }
                    let mut inner = self.set(&f.node.selection_set.node, depth + 1)?;
                    inner.cost = inner.cost.saturating_mul(self.items(&f.node)).saturating_add(1);
                    inner.log_entries += u32::from(enters_log(&f.node, inner.selects_log));
                    inner.selects_log = false;
                    inner.fields = inner.fields.saturating_add(1);
                    inner.arguments = inner.arguments.saturating_add(f.node.arguments.len());
                    inner.aliases = inner.aliases.saturating_add(usize::from(f.node.alias.is_some()));
                    if let Some(i) = CIRCULAR.iter().position(|c| *c == f.node.name.node.as_str()) {
                        inner.circular[i] += 1;
                    }
                    (f.node.directives.len(), inner)
                }
                Selection::InlineFragment(i) => {
                    let mut inner = self.set(&i.node.selection_set.node, depth + 1)?;
                    inner.selects_log |= i.node.type_condition.as_ref().is_some_and(|t| t.node.on.node == "Log");
                    (i.node.directives.len(), inner)
                }
                Selection::FragmentSpread(s) => {
                    let mut inner = self.fragment(&s.node.fragment_name.node, s.pos, depth + 1)?;
                    inner.spreads = inner.spreads.saturating_add(1);
                    (s.node.directives.len(), inner)
                }
            };
            if directives > self.limits.max_directives {
                return Err(self.limits.too_many_directives(item.pos));
            }
            let directive_arguments = directive_arguments(item.node.directives(), item.pos)?;
            inner.arguments = inner.arguments.saturating_add(directive_arguments);
            inner.depth += 1;
            summary.add(&inner);
            // Refuse as soon as a part is over, before summarizing the rest.
            self.limits.within(&summary, Some(item.pos))?;
        }
        Ok(summary)
    }

    /// How many items a field gives per item above it: its page (`first`,
    /// within the largest page; the default page when omitted) for a field
    /// that pages, the number of `ids` for one that takes a list of ids,
    /// else 1. A value that is not a number is refused later, by validation.
    fn items(&self, field: &Field) -> u64 {
        let argument = |name: &str| {
            field.arguments.iter().find(|(n, _)| n.node.as_str() == name).map(|(_, v)| {
                let variable = |var: Name| Ok::<_, ()>(self.variables.get(&var).cloned().unwrap_or(ConstValue::Null));
                v.node.clone().into_const_with(variable).unwrap_or(ConstValue::Null)
            })
        };
        let limits = self.limits;
        if let Some(first) = argument("first") {
            return match first {
                ConstValue::Number(n) => n.as_u64().unwrap_or(0).min(limits.max_page),
                _ => limits.default_page,
            };
        }
        match argument("ids") {
            Some(ConstValue::List(ids)) => (ids.len() as u64).max(1),
            _ if PAGED.contains(&field.name.node.as_str()) => limits.default_page,
            _ if let Some((_, n)) = LONG_LISTS.iter().find(|(name, _)| *name == field.name.node.as_str()) => *n,
            _ => 1,
        }
    }

    /// A fragment's summary, computed at its first spread and reused at the others.
    fn fragment(&mut self, name: &'a Name, pos: Pos, depth: usize) -> Result<Summary, Refusal> {
        match self.fragments.get(name) {
            Some(Fragment::Done(summary)) => return Ok(*summary),
            Some(Fragment::Visiting) => {
                return Err(refuse(
                    format!("fragment {name} spreads itself (fragments must not form cycles)"),
                    Some(pos),
                ));
            }
            None => {}
        }
        let Some(definition) = self.doc.fragments.get(name) else {
            return Err(refuse(format!("unknown fragment {name}"), Some(pos)));
        };
        if definition.node.directives.len() > self.limits.max_directives {
            return Err(self.limits.too_many_directives(definition.pos));
        }
        directive_arguments(&definition.node.directives, definition.pos)?;
        self.fragments.insert(name, Fragment::Visiting);
        let mut summary = self.set(&definition.node.selection_set.node, depth)?;
        summary.selects_log |= definition.node.type_condition.node.on.node == "Log";
        self.fragments.insert(name, Fragment::Done(summary));
        Ok(summary)
    }
}

/// The arguments of a list of directives, each within [`MAX_ARGUMENTS`].
fn directive_arguments(directives: &[async_graphql::Positioned<Directive>], pos: Pos) -> Result<usize, Refusal> {
    let mut total = 0usize;
    for d in directives {
        if d.node.arguments.len() > MAX_ARGUMENTS {
            return Err(refuse(format!("a directive takes at most {MAX_ARGUMENTS} arguments"), Some(pos)));
        }
        total += d.node.arguments.len();
    }
    Ok(total)
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
            // A comment ends at any GraphQL line terminator: \n, \r or \r\n.
            // (Ending it only at \n let `#\r` hide 1,800 brackets from this
            // check, and the parser's recursion on them overflowed a
            // worker's stack and aborted the process.)
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            // Strings as GraphQL's lexer reads them, so that no bracket the
            // parser will recurse on is taken for text: in a block string only
            // \""" is an escape; a plain string ends at its quote or, unterminated,
            // at a line end (the parser then fails on it before any value).
            //
            // A string the lexer would not accept is refused here, before the
            // parser sees it: its grammar reads an unterminated `"""` as `""`
            // and a new string, which hid brackets from this check (a crash)
            // and made it rescan to the end for every `"""` (27 s for 253 KB).
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                if i >= bytes.len() {
                    return Err("the query has a block string (\"\"\") that is never closed".into());
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if i >= bytes.len() || bytes[i] != b'"' {
                    return Err("the query has a string that is not closed on its line".into());
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
    use super::{DocumentLimits, nesting};
    use async_graphql::Variables;

    fn walk(query: &str) -> Result<usize, String> {
        let doc = async_graphql::parser::parse_query(query).expect("parses");
        DocumentLimits::default().walk(&doc, &Variables::default()).map_err(|r| r.message)
    }

    /// `query{...F0} fragment F0 on Query{...F1 ...F1} … fragment F{n-1}{...F{n} ...F{n}} fragment F{n} on Query{last}`
    fn doubling(levels: usize, last: &str) -> String {
        let mut q = String::from("query{...F0}");
        for i in 0..levels {
            q += &format!(" fragment F{i} on Query{{...F{} ...F{}}}", i + 1, i + 1);
        }
        q + &format!(" fragment F{levels} on Query{{{last}}}")
    }

    #[test]
    fn fragment_bombs_are_refused_after_reading_each_fragment_once() {
        for levels in [22, 25, 30] {
            let q = doubling(levels, "...Nope");
            assert!(walk(&q).unwrap_err().contains("unknown fragment Nope"));
            // Defined all the way down, the expansion is over the limits; the work is not.
            let err = walk(&doubling(levels, "__typename")).unwrap_err();
            assert!(err.contains("more than"), "{err}");
        }
        let cyclic = doubling(24, "...F0");
        assert!(walk(&cyclic).unwrap_err().contains("cycles"));
        assert!(walk("{ ...A } fragment A on Query { ...A }").unwrap_err().contains("cycles"));
    }

    #[test]
    fn the_work_is_bounded_by_the_document_size() {
        // Sharing fragments is fine as long as the expansion is within the
        // limits; the checker visits each written selection once.
        let q = "query{ ...A ...A ...A } fragment A on Query { me { id ...B } } fragment B on Me { name }";
        let steps = walk(q).unwrap();
        assert_eq!(steps, 7, "each written selection once");
        for levels in [10, 20, 25, 30] {
            let q = doubling(levels, "__typename");
            let doc = async_graphql::parser::parse_query(&q).unwrap();
            let limits = DocumentLimits {
                max_fields: usize::MAX,
                max_aliases: usize::MAX,
                max_spreads: usize::MAX,
                max_cost: u64::MAX,
                ..DocumentLimits::default()
            };
            let steps = limits.walk(&doc, &Variables::default()).map_err(|r| r.message);
            // Past 32 levels the nesting limit refuses it; below, every written selection is visited once.
            match steps {
                Ok(steps) => assert!(steps <= 2 * levels + 2, "{levels} levels: {steps} steps"),
                Err(e) => assert!(e.contains("nest"), "{e}"),
            }
        }
    }

    #[test]
    fn arguments_are_limited_per_field_and_per_document() {
        let args = |n: usize| (0..n).map(|i| format!("a{i}: 1")).collect::<Vec<_>>().join(" ");
        assert!(walk(&format!("{{ me({}) {{ id }} }}", args(10))).is_ok());
        assert!(walk(&format!("{{ me({}) {{ id }} }}", args(11))).unwrap_err().contains("at most 10 arguments"));
        assert!(walk(&format!("{{ me @include({}) {{ id }} }}", args(11))).unwrap_err().contains("directive"));
        // Through fragments, arguments count where they are expanded.
        let spread = format!(
            "{{ ...X ...X ...X }} fragment X on Query {{ {} }}",
            vec![format!("me({}) {{ id }}", args(10)); 9].join(" ")
        );
        assert!(walk(&spread).unwrap_err().contains("arguments"), "270 arguments expanded");
    }

    #[test]
    fn unused_fragments_and_definition_directives_are_refused() {
        assert!(walk("{ me { id } } fragment U on Query { me { id } }").unwrap_err().contains("never used"));
        let skips = format!("query Q {} {{ me {{ id }} }}", "@skip(if: false) ".repeat(8000));
        assert!(walk(&skips).unwrap_err().contains("directives"));
        let on_variable = "query Q($a: Int @x @x @x @x @x) { me { id } }";
        assert!(walk(on_variable).unwrap_err().contains("directives"));
        let on_fragment = "{ ...F } fragment F on Query @x @x @x @x @x { me { id } }";
        assert!(walk(on_fragment).unwrap_err().contains("directives"));
        assert!(walk("query Q @x @x @x @x { me { id } }").is_ok());
    }

    #[test]
    fn nested_pages_multiply_up_to_the_cost_limit() {
        let nest = |first: u32| {
            format!(
                "{{ logs(first: {first}) {{ edges {{ node {{ id messages(first: {first}) {{ edges {{ node {{ id body }} }} }} }} }} }} }}"
            )
        };
        // 100 logs × 100 messages: refused before it runs; 50 × 50 is answered.
        assert!(walk(&nest(100)).unwrap_err().contains("more than 20000 values"));
        assert!(walk(&nest(50)).is_ok(), "1 + 50 × (3 + 1 + 50 × 4) = 10,201 values");
        // At the edge: 1 (log) + 19,999 values is the most a response may hold.
        let flat = |first: u64| format!("{{ logs(first: {first}) {{ edges {{ node {{ id }} }} }} }}");
        let limits = |max_cost| DocumentLimits { max_cost, max_page: 1_000, ..DocumentLimits::default() };
        let doc = async_graphql::parser::parse_query(flat(333)).unwrap();
        // logs: 1 + 333 × (edges 1 + node 1 + id 1) = 1,000
        assert!(limits(1_000).walk(&doc, &Variables::default()).is_ok());
        assert!(limits(999).walk(&doc, &Variables::default()).is_err());
        // A page from a variable counts as given; an omitted one as the default page.
        let q = "query($n: Int) { logs(first: $n) { edges { node { id } } } }";
        let doc = async_graphql::parser::parse_query(q).unwrap();
        let vars = |n: u64| Variables::from_json(serde_json::json!({ "n": n }));
        assert!(limits(1_000).walk(&doc, &vars(333)).is_ok());
        assert!(limits(1_000).walk(&doc, &vars(334)).is_err());
        assert!(limits(61).walk(&doc, &Variables::default()).is_ok(), "1 + 20 × 3");
        assert!(limits(60).walk(&doc, &Variables::default()).is_err());
        // A log's lists that page count their page too: 1 (log) + 1 + 20 × 3.
        for list in ["meetings", "snapshots"] {
            let doc = async_graphql::parser::parse_query(format!(
                "{{ log(id: 1) {{ {list} {{ edges {{ node {{ id }} }} }} }} }}"
            ))
            .unwrap();
            assert!(limits(62).walk(&doc, &Variables::default()).is_ok(), "{list}");
            assert!(limits(61).walk(&doc, &Variables::default()).is_err(), "{list}");
        }
        let comments = "{ log(id: 1) { goals { measures { comments(first: 100) { edges { node { id } } } } } } }";
        let doc = async_graphql::parser::parse_query(comments).unwrap();
        assert!(limits(304).walk(&doc, &Variables::default()).is_ok(), "1 + 1 + 1 + 1 + 100 × 3");
        assert!(limits(303).walk(&doc, &Variables::default()).is_err());
        // `units` counts as 100: its staff pages multiply.
        let units = "{ units { staff(first: 100) { edges { node { id } } } } }";
        let doc = async_graphql::parser::parse_query(units).unwrap();
        assert!(limits(30_101).walk(&doc, &Variables::default()).is_ok(), "1 + 100 × (1 + 100 × 3)");
        assert!(limits(30_100).walk(&doc, &Variables::default()).is_err());
        for root in ["myDeadlines", "unitStaff(unitId: 1)"] {
            let doc =
                async_graphql::parser::parse_query(format!("{{ {root} {{ edges {{ node {{ id }} }} }} }}")).unwrap();
            assert!(limits(61).walk(&doc, &Variables::default()).is_ok(), "{root}: 1 + 20 × 3");
            assert!(limits(60).walk(&doc, &Variables::default()).is_err(), "{root}");
        }
        // `nodes` counts its ids.
        let nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
        let doc = async_graphql::parser::parse_query(nodes).unwrap();
        let ids = Variables::from_json(serde_json::json!({ "ids": vec!["x"; 99] }));
        assert!(limits(100).walk(&doc, &ids).is_ok(), "1 + 99 × 1");
        assert!(limits(99).walk(&doc, &ids).is_err());
    }

    #[test]
    fn a_path_enters_a_log_once() {
        assert!(walk("{ log(id: 1) { goals { measures { id } } } }").is_ok());
        assert!(walk("{ myDeadlines { edges { node { log { child { name } } } } } }").is_ok());
        assert!(walk("{ a: log(id: 1) { id } b: log(id: 2) { id } }").is_ok(), "siblings");
        let again = "{ log(id: 1) { goals { measures { log { goals { id } } } } } }";
        assert!(walk(again).unwrap_err().contains("more than once"));
        let through_node = "{ node(id: 1) { ... on Log { messages { edges { node { log { id } } } } } } }";
        assert!(walk(through_node).unwrap_err().contains("more than once"));
        let nested = "{ nodes(ids: [1]) { ... on Node { ... on Log { goals { measures { log { id } } } } } } }";
        assert!(walk(nested).unwrap_err().contains("more than once"), "a fragment on Log inside another");
        let spread = "{ node(id: 1) { ...L } } fragment L on Log { goals { measures { log { id } } } }";
        assert!(walk(spread).unwrap_err().contains("more than once"));
        // A node that is not a log enters a log through its own `log` once.
        assert!(walk("{ node(id: 1) { id ... on Message { log { child { name } } } } }").is_ok());
        let inside = "{ node(id: 1) { ... on Measure { log { ... on Log { goals { id } } } } } }";
        assert!(walk(inside).is_ok(), "a fragment on Log below a field is that field's");
        let through_logs = "{ logs { edges { node { goals { measures { log { id } } } } } } }";
        assert!(walk(through_logs).unwrap_err().contains("more than once"));
        let fragment = "{ log(id: 1) { ...G } } fragment G on Log { goals { measures { log { id } } } }";
        assert!(walk(fragment).unwrap_err().contains("more than once"));
        assert!(walk("mutation { postMessage(input: {}) { log { id } message { id } } }").is_ok());
    }

    #[test]
    fn introspection_may_pass_each_circular_field_twice_on_a_path() {
        assert!(walk("{ __schema { types { fields { type { fields { type { name } } } } } } }").is_ok());
        let thrice = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
        assert!(walk(thrice).unwrap_err().contains("circles"));
        let through_fragments = "{ __schema { types { ...T } } } fragment T on __Type { fields { type { fields { type { ...U } } } } } fragment U on __Type { fields { name } }";
        assert!(walk(through_fragments).unwrap_err().contains("circles"));
    }

    #[test]
    fn nesting_is_measured_outside_strings_and_comments() {
        assert!(nesting("{ a { b { c } } }", 3).is_ok());
        assert!(nesting("{ a { b { c { d } } } }", 3).is_err());
        assert!(nesting(r#"{ a(x: "[[[[[[") }"#, 3).is_ok());
        assert!(nesting("{ a # [[[[[[\n }", 3).is_ok());
        assert!(nesting("{ a # [[[[[[\r }", 3).is_ok());
        // Lexed as GraphQL does: in a block string `\\\"\"\"` is an escaped quote whatever
        // stands before it, and a plain string ends at a line end.
        assert!(nesting("{ a(x: \"\"\"\\\\\"\"\" [[[[[[[ \"\"\") }", 3).is_ok());
        assert!(nesting("{ a(x: \"open\n[[[[[[[ \") }", 3).unwrap_err().contains("not closed"));
        // An unterminated block string is refused, not read as `""` and a new string.
        let hidden = format!("{{me(x:[\"\"\"x\" {}1{}){{__typename}}}}", "[".repeat(2000), "]".repeat(2000));
        assert!(nesting(&hidden, 64).unwrap_err().contains("never closed"));
        let rescans = format!("{{me(x:[{}]){{__typename}}}}", "\"\\\\\"\"\"\"X\" ".repeat(14_400));
        assert!(nesting(&rescans, 64).unwrap_err().contains("never closed"));
        assert!(nesting("{ a(x: \"\"\"closed\"\"\", y: \"\") }", 3).is_ok());
        assert!(nesting(&format!("#\r{{me(x:{}1{}){{id}}}}", "[".repeat(1800), "]".repeat(1800)), 64).is_err());
        assert!(nesting(&format!("#\r\n{{me(x:{}1{}){{id}}}}", "[".repeat(100), "]".repeat(100)), 64).is_err());
        assert!(nesting(r#"{ a(x: """ [[[[ \""" [[[ """) }"#, 3).is_ok());
        assert!(nesting(&format!("{{ a(x: {}1{}) }}", "[".repeat(5000), "]".repeat(5000)), 64).is_err());
    }
}
