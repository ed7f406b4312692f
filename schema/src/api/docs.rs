//! The schema documents itself (issue 17, point 6): every element the API
//! defines has a description, read from the SDL a frontend developer reads,
//! and every guarded field says who may read it in words made from the
//! read table, so the two cannot drift apart.

use crate::policy::read::{self, Grant};
use crate::policy::{ReadField, ReadField::*, Role};
use async_graphql::Positioned;
use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{FieldDefinition, InputValueDefinition, TypeKind, TypeSystemDefinition};
use std::collections::HashMap;

/// Every type, field, argument, input field and enum value of the schema,
/// named `Type`, `Type.field`, `Type.field(argument)` or `Type.VALUE`, with
/// its description. Built-in scalars and directives are not in the SDL.
fn elements() -> Vec<(String, Option<String>)> {
    let sdl = super::sdl();
    let doc = parse_schema(&sdl).expect("the generated SDL parses");
    let text = |d: Option<Positioned<String>>| d.map(|d| d.node).filter(|d| !d.trim().is_empty());
    let mut out = Vec::new();
    let fields = |ty: &str, fields: Vec<Positioned<FieldDefinition>>, out: &mut Vec<_>| {
        for f in fields {
            let f = f.node;
            let path = format!("{ty}.{}", f.name.node);
            for a in f.arguments {
                out.push((format!("{path}({})", a.node.name.node), text(a.node.description)));
            }
            out.push((path, text(f.description)));
        }
    };
    let inputs = |ty: &str, values: Vec<Positioned<InputValueDefinition>>, out: &mut Vec<_>| {
        for v in values {
            out.push((format!("{ty}.{}", v.node.name.node), text(v.node.description)));
        }
    };
    for def in doc.definitions {
        // The schema definition and the built-in directives document themselves.
        let TypeSystemDefinition::Type(t) = def else { continue };
        let t = t.node;
        let name = t.name.node.to_string();
        out.push((name.clone(), text(t.description)));
        match t.kind {
            TypeKind::Object(o) => fields(&name, o.fields, &mut out),
            TypeKind::Interface(i) => fields(&name, i.fields, &mut out),
            TypeKind::InputObject(i) => inputs(&name, i.fields, &mut out),
            TypeKind::Enum(e) => {
                for v in e.values {
                    out.push((format!("{name}.{}", v.node.value.node), text(v.node.description)));
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
    }
    out
}

#[test]
fn every_type_field_argument_and_enum_value_has_a_description() {
    let all = elements();
    let missing: Vec<&str> = all.iter().filter(|(_, d)| d.is_none()).map(|(p, _)| p.as_str()).collect();
    println!("{} of {} schema elements have a description", all.len() - missing.len(), all.len());
    assert!(missing.is_empty(), "{} schema elements have no description:\n{}", missing.len(), missing.join("\n"));
}

/// Each guarded element of the schema and the row of the read table
/// (`policy/read.rs`) that guards it: a field whose resolver asks
/// `LogAccess` for that row, or a type every field of which but `id` asks
/// `LogAccess::content` for it.
const GUARDED: &[(&str, ReadField)] = &[
    ("Log", LogMetadata),
    ("Log.coordinator", LogMetadata),
    ("Log.pendingReopenRequest", LogMetadata),
    ("Log.openDeletionRequest", LogMetadata),
    ("Log.participants", ParticipantBasics),
    ("Log.pendingHandover", ParticipantBasics),
    ("Log.coordinatorHistory", ParticipantBasics),
    ("Log.guardians", GuardianName),
    ("Log.consents", Consents),
    ("Log.unitProposals", Consents),
    ("Log.presentation", LogText),
    ("Log.aboutMe", LogText),
    ("Log.childVoice", LogText),
    ("Log.initiative", LogText),
    ("Log.goals", Goals),
    ("Log.meetings", Meetings),
    ("Log.messages", Messages),
    ("Log.accessLog", AccessLog),
    ("Log.snapshots", Snapshots),
    ("Child.name", ChildName),
    ("Child.birthDate", ChildBirthDate),
    ("Child.age", ChildBirthDate),
    ("Child.nationalId", ChildNationalId),
    ("Participant.phone", ParticipantContact),
    ("Participant.email", ParticipantContact),
    ("Guardian.nationalId", GuardianPrivate),
    ("Guardian.phone", GuardianPrivate),
    ("Guardian.email", GuardianPrivate),
    ("Guardian.address", GuardianPrivate),
    ("Goal", Goals),
    ("Measure", Goals),
    ("Evaluation", Goals),
    ("Comment", Goals),
    ("Meeting", Meetings),
    ("AgendaItem", Meetings),
    ("Message", Messages),
    ("Consent", Consents),
    ("UnitProposal", Consents),
    ("ArchiveSnapshot.content", SnapshotContent),
    ("DeletionRequest.reason", DeletionReason),
    ("Log.closedReason", ClosedReason),
    ("Log.closedReasonDetails", ClosedReason),
    ("LogEvent.goal", Goals),
    ("LogEvent.measure", Goals),
    ("LogEvent.meeting", Meetings),
    ("LogEvent.consent", Consents),
    ("LogEvent.comment", Goals),
    ("LogEvent.evaluation", Goals),
    ("LogEvent.textChange", LogText),
    ("DeadlineEvent.measure", Goals),
    ("Query.snapshot", Snapshots),
    ("Query.myDeadlines", Goals),
    ("Subscription.messageAdded", Messages),
    ("Subscription.messageRead", Messages),
    ("Subscription.logActivity", Goals),
    ("Subscription.deadlineChanges", Goals),
];

/// Entries of [`GUARDED`] whose guard the source scan cannot see: the log
/// itself (its row filter), and fields guarded inside a helper they call.
const GUARDED_IN_HELPERS: &[&str] = &[
    "Log",
    "Guardian.nationalId",
    "Guardian.phone",
    "Guardian.email",
    "Guardian.address",
    // the event's objects are read by `…_of` helpers shared with `subject`
    "LogEvent.goal",
    "LogEvent.measure",
    "LogEvent.meeting",
    "LogEvent.consent",
    "LogEvent.comment",
    "LogEvent.evaluation",
    "LogEvent.textChange",
    "DeadlineEvent.measure",
    "Query.snapshot",
    // both message subscriptions are built by `message_feed`
    "Subscription.messageAdded",
    "Subscription.messageRead",
];

/// The sentence a guarded element's description carries, made from the
/// read table. The coordinator without content access ([`Role::CoordinatorMetadata`])
/// is not named apart: it reads a subset of what the coordinator reads, as
/// `Log`'s description says.
fn readable_by(field: ReadField) -> String {
    use Role::*;
    assert!(
        read::grant(CoordinatorMetadata, field) <= read::grant(Coordinator, field),
        "{field:?}: the metadata-only coordinator reads more than the coordinator; name it apart"
    );
    let roles = [
        (Guardian, "guardians"),
        (Youth, "the youth"),
        (Coordinator, "the coordinator"),
        (Participant, "participants"),
        (UnitAdmin, "the home unit's admins and leaders"),
        (MunicipalAdmin, "the municipal admin"),
    ];
    let who: Vec<String> = roles
        .iter()
        .filter_map(|(role, name)| match read::grant(*role, field) {
            Grant::Denied => None,
            Grant::Full => Some(name.to_string()),
            Grant::OwnRecord => Some(format!("{name} (their own only)")),
            Grant::OwnUnit => Some(format!("{name} (their own unit's only)")),
            Grant::Unrestricted => Some(format!("{name} (unrestricted snapshots only)")),
        })
        .collect();
    format!("Readable by: {}.", who.join(", "))
}

/// The "Readable by: …." sentences of a description, whitespace collapsed.
fn readable_by_sentences(description: &str) -> Vec<String> {
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    text.match_indices("Readable by:")
        .map(|(at, _)| {
            let rest = &text[at..];
            rest[..rest.find('.').map_or(rest.len(), |end| end + 1)].to_owned()
        })
        .collect()
}

/// Guarded fields in the resolvers' source (every `#[Object]` and
/// `#[SubscriptionMacro]` impl under `src/api`): (`Type.field`, row) for a
/// resolver that names a row, (`Type`, row) for one that asks `content`.
/// A guard inside a helper the resolver calls is not seen.
fn guards_in_source() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src/api"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).expect("read src/api") {
            let path = entry.expect("read src/api").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(std::fs::read_to_string(path).expect("read a source file"));
            }
        }
    }
    let mut out = Vec::new();
    for file in &files {
        let (mut ty, mut field, mut resolvers) = (String::new(), String::new(), false);
        let mut previous = "";
        for line in file.lines() {
            if let Some(name) = line.strip_prefix("impl ").and_then(|l| l.strip_suffix(" {")) {
                resolvers = previous == "#[Object]" || previous == "#[SubscriptionMacro]";
                ty = name.to_owned();
            } else if line == "}" {
                resolvers = false;
            } else if let Some(name) = line.trim_start().trim_start_matches("pub ").strip_prefix("async fn ") {
                field = camel(name.split('(').next().unwrap_or_default());
            }
            if let Some(at) = line.find("ReadField::").filter(|_| resolvers) {
                let row: String = line[at + 11..].chars().take_while(|c| c.is_alphanumeric()).collect();
                let path = if line.contains(".content(") { ty.clone() } else { format!("{ty}.{field}") };
                out.push((path, row));
            }
            previous = line;
        }
    }
    out
}

fn camel(snake: &str) -> String {
    let mut parts = snake.split('_');
    let first = parts.next().unwrap_or_default().to_owned();
    parts.fold(first, |mut out, p| {
        let mut chars = p.chars();
        out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        out.push_str(chars.as_str());
        out
    })
}

#[test]
fn guarded_fields_say_exactly_who_may_read_them() {
    let descriptions: HashMap<String, String> =
        elements().into_iter().map(|(path, d)| (path, d.unwrap_or_default())).collect();
    let mut wrong = Vec::new();
    for (path, field) in GUARDED {
        let expected = readable_by(*field);
        let Some(description) = descriptions.get(*path) else {
            wrong.push(format!("{path}: not in the schema"));
            continue;
        };
        let found = readable_by_sentences(description);
        if found != [expected.clone()] {
            wrong.push(format!("{path} ({field:?}): expected \"{expected}\", found {found:?}"));
        }
    }
    // No sentence without a row to check it against.
    for (path, description) in &descriptions {
        let listed = GUARDED.iter().any(|(p, _)| p == path);
        if !listed && !readable_by_sentences(description).is_empty() {
            wrong.push(format!("{path}: says who may read it but is not in GUARDED"));
        }
    }
    // No guarded resolver missing from the table, nor listed with another row.
    let in_source = guards_in_source();
    for (path, row) in &in_source {
        if !GUARDED.iter().any(|(p, f)| p == path && format!("{f:?}") == *row) {
            wrong.push(format!("{path}: its resolver asks for ReadField::{row}; add it to GUARDED"));
        }
    }
    // And no entry of the table the source does not bear out.
    for (path, field) in GUARDED.iter().filter(|(p, _)| !GUARDED_IN_HELPERS.contains(p)) {
        if !in_source.iter().any(|(p, row)| p == path && format!("{field:?}") == *row) {
            wrong.push(format!(
                "{path}: no resolver asks for ReadField::{field:?} (guarded in a helper? see GUARDED_IN_HELPERS)"
            ));
        }
    }
    println!("{} guarded elements say who may read them", GUARDED.len());
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "guarded fields whose description does not match the read table:\n{}", wrong.join("\n"));
}
