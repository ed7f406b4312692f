//! Randomized requests generated from `schema/schema.graphql`: random root
//! fields (queries and mutations), arguments of the right type or of any
//! other, random selections, as random personas. Whatever comes in, the
//! answer is a 4xx or a GraphQL response — never a 5xx, never a panic,
//! never a leak.
//!
//! Cases: 300 by default; set `STAFETT_FUZZ_CASES` for more. A count of 0,
//! or one that does not parse, fails the test instead of checking nothing.

use async_graphql::parser::types::{BaseType, ServiceDocument, Type, TypeKind, TypeSystemDefinition};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use stafett_server::demo::{self, PERSONAS};
use stafett_tests::TestApp;
use std::collections::HashMap;

struct Field {
    name: String,
    args: Vec<(String, Type)>,
    ty: Type,
}

#[derive(Default)]
struct Schema {
    objects: HashMap<String, Vec<Field>>,
    /// interface → its implementations
    interfaces: HashMap<String, Vec<String>>,
    inputs: HashMap<String, Vec<(String, Type)>>,
    enums: HashMap<String, Vec<String>>,
}

fn load() -> Schema {
    let sdl = include_str!("../../schema/schema.graphql");
    let doc: ServiceDocument = async_graphql::parser::parse_schema(sdl).expect("the checked-in schema parses");
    let mut s = Schema::default();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else { continue };
        let name = t.node.name.node.to_string();
        match t.node.kind {
            TypeKind::Object(o) => {
                for i in &o.implements {
                    s.interfaces.entry(i.node.to_string()).or_default().push(name.clone());
                }
                let fields = o
                    .fields
                    .iter()
                    .map(|f| Field {
                        name: f.node.name.node.to_string(),
                        args: f
                            .node
                            .arguments
                            .iter()
                            .map(|a| (a.node.name.node.to_string(), a.node.ty.node.clone()))
                            .collect(),
                        ty: f.node.ty.node.clone(),
                    })
                    .collect();
                s.objects.insert(name, fields);
            }
            TypeKind::InputObject(i) => {
                let fields = i.fields.iter().map(|f| (f.node.name.node.to_string(), f.node.ty.node.clone())).collect();
                s.inputs.insert(name, fields);
            }
            TypeKind::Enum(e) => {
                s.enums.insert(name, e.values.iter().map(|v| v.node.value.node.to_string()).collect());
            }
            TypeKind::Interface(_) => {
                s.interfaces.entry(name).or_default();
            }
            _ => {}
        }
    }
    s
}

/// A small deterministic generator seeded by proptest, so failures shrink to a seed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn base(ty: &Type) -> String {
    match &ty.base {
        BaseType::Named(n) => n.to_string(),
        BaseType::List(inner) => base(inner),
    }
}

/// Ids that exist in the demo, so some requests reach deep into resolvers.
fn known_ids() -> Vec<String> {
    [100u128, 101, 102, 103, 110, 200, 201, 300, 301, 400, 410, 600, 601, 602, 700, 701, 710, 720, 900, 901, 1000, 1002]
        .iter()
        .map(|n| demo::id(*n).to_string())
        .collect()
}

/// Any JSON value, sometimes hostile.
fn junk(g: &mut Gen) -> Value {
    match g.below(9) {
        0 => json!(null),
        1 => json!(g.next() as i64),
        2 => json!(-(g.below(1000) as i64)),
        3 => json!("x".repeat(g.below(30_000))),
        4 => json!("\u{0}\u{ffff}💥'; DROP TABLE log; --"),
        5 => json!([1, "a", null, { "b": [] }]),
        6 => json!({ "unexpected": true }),
        7 => json!(1.5e300),
        _ => json!(true),
    }
}

fn value(s: &Schema, g: &mut Gen, ty: &Type, depth: usize) -> Value {
    if g.chance(12) || depth > 4 {
        return junk(g);
    }
    if ty.nullable && g.chance(10) {
        return Value::Null;
    }
    match &ty.base {
        BaseType::List(inner) => Value::Array((0..g.below(4)).map(|_| value(s, g, inner, depth + 1)).collect()),
        BaseType::Named(name) => match name.as_str() {
            "ID" => json!(if g.chance(70) { g.pick(&known_ids()).clone() } else { uuid::Uuid::new_v4().to_string() }),
            "String" => json!(*g.pick(&["hei", "", "   ", "a longer text with æøå", "bTE6MTIz"])),
            "Int" => json!(*g.pick(&[0, 1, 2, 3, 20, 100, 101, -1, i32::MAX])),
            "Boolean" => json!(g.chance(50)),
            "Date" => json!(*g.pick(&["2027-01-01", "2001-01-01", "2026-02-30", "today"])),
            "DateTime" => json!(*g.pick(&["2027-01-01T10:00:00Z", "1999-01-01T00:00:00Z", "soon"])),
            "JSON" => json!({ "presentation": "Skriv om barnet" }),
            other if s.enums.contains_key(other) => json!(g.pick(&s.enums[other]).clone()),
            other if s.inputs.contains_key(other) => {
                let mut obj = serde_json::Map::new();
                for (name, fty) in &s.inputs[other] {
                    if !fty.nullable || g.chance(60) {
                        obj.insert(name.clone(), value(s, g, fty, depth + 1));
                    }
                }
                Value::Object(obj)
            }
            _ => junk(g),
        },
    }
}

fn selection(s: &Schema, g: &mut Gen, type_name: &str, depth: usize) -> String {
    if let Some(impls) = s.interfaces.get(type_name) {
        let mut out = String::from("__typename ");
        for i in impls {
            out += &format!("... on {i} {{ {} }} ", selection(s, g, i, depth + 1));
        }
        return out;
    }
    let Some(fields) = s.objects.get(type_name) else { return String::new() };
    let mut out = String::new();
    for _ in 0..1 + g.below(4) {
        let f = g.pick(fields);
        let inner = base(&f.ty);
        let composite = s.objects.contains_key(&inner) || s.interfaces.contains_key(&inner);
        if composite && depth >= 4 {
            continue;
        }
        let mut args = Vec::new();
        for (name, t) in &f.args {
            if !t.nullable || g.chance(30) {
                args.push(format!("{name}: {}", literal(&value(s, g, t, 0))));
            }
        }
        out += &f.name;
        if !args.is_empty() {
            out += &format!("({})", args.join(", "));
        }
        if composite {
            out += &format!(" {{ {} }}", selection(s, g, &inner, depth + 1));
        }
        out += " ";
    }
    if out.is_empty() { "__typename".into() } else { out }
}

/// A GraphQL literal for a JSON value (enums as bare names when they look like one).
fn literal(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_uppercase() || c == '_') => s.clone(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Array(a) => format!("[{}]", a.iter().map(literal).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => {
            format!("{{{}}}", o.iter().map(|(k, v)| format!("{k}: {}", literal(v))).collect::<Vec<_>>().join(", "))
        }
    }
}

/// One request: (persona, query, variables).
fn request(s: &Schema, seed: u64) -> (String, String, Value) {
    let mut g = Gen(seed | 1);
    let persona = g.pick(PERSONAS).handle.to_owned();
    let root = if g.chance(65) { "Query" } else { "Mutation" };
    let keyword = if root == "Query" { "query" } else { "mutation" };
    let field = g.pick(&s.objects[root]);
    let inner = base(&field.ty);
    // Arguments go as variables half the time, as literals otherwise.
    let use_vars = g.chance(50);
    let mut defs = Vec::new();
    let mut vars = serde_json::Map::new();
    let mut args = Vec::new();
    for (name, ty) in &field.args {
        if ty.nullable && g.chance(40) {
            continue;
        }
        let v = value(s, &mut g, ty, 0);
        if use_vars {
            defs.push(format!("${name}: {ty}"));
            vars.insert(name.clone(), v);
            args.push(format!("{name}: ${name}"));
        } else {
            args.push(format!("{name}: {}", literal(&v)));
        }
    }
    let mut q = format!(
        "{keyword}{} {{ {}",
        if defs.is_empty() { String::new() } else { format!("({})", defs.join(", ")) },
        field.name
    );
    if !args.is_empty() {
        q += &format!("({})", args.join(", "));
    }
    if s.objects.contains_key(&inner) || s.interfaces.contains_key(&inner) {
        q += &format!(" {{ {} }}", selection(s, &mut g, &inner, 1));
    }
    q += " }";
    if g.chance(5) {
        // A broken document now and then.
        // Cut at a character boundary: descriptions and values may hold non-ASCII text.
        let mut cut = g.below(q.len());
        while !q.is_char_boundary(cut) {
            cut -= 1;
        }
        q.truncate(cut);
    }
    (persona, q, Value::Object(vars))
}

#[test]
fn generated_requests_never_get_a_5xx_or_a_panic() {
    let schema = load();
    let cases = crate::authz_random::case_count("STAFETT_FUZZ_CASES", 300);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let app = rt.block_on(TestApp::with(stafett_tests::Fixture::Demo, |c| {
        c.limits.rate_burst = 1_000_000;
    }));
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let result = runner.run(&any::<u64>(), |seed| {
        let (persona, query, variables) = request(&schema, seed);
        let r = rt.block_on(app.gql(&persona, &query, variables.clone()));
        let text = r.body.to_string();
        if std::env::var_os("STAFETT_FUZZ_DEBUG").is_some() {
            eprintln!("{persona}: {query} {variables} → {} {}", r.status, &text[..text.len().min(160)]);
        }
        let ctx = || format!("as {persona}: {query}\nvariables: {variables}\n→ {} {text}", r.status);
        prop_assert!(r.status.as_u16() < 500, "{}", ctx());
        prop_assert!(r.body.get("raw").is_none(), "not JSON: {}", ctx());
        for leak in ["diesel", "panicked", "/src/", ".rs:", "stafett_", "constraint", "SELECT "] {
            prop_assert!(!text.contains(leak), "leaks {leak:?}: {}", ctx());
        }
        for e in r.errors() {
            let code = e["extensions"]["code"].as_str().unwrap_or("");
            prop_assert!(
                ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "RATE_LIMITED"]
                    .contains(&code),
                "unexpected error code {code:?}: {}",
                ctx()
            );
        }
        Ok::<(), TestCaseError>(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Still serving.
    rt.block_on(app.gql("guardian", "{ me { name } }", json!({}))).ok();
}
