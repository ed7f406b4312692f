//! Bulk staff import for one unit (issue 18, point 3): what `stafett
//! import-staff` does once the CSV is read. Each row is checked as
//! `registerStaff` and `updateStaff` check their input, and by the same
//! policy for the admin the import runs as (`--by`); the plan says, row by
//! row, what would change, and applying it writes exactly that in one
//! transaction, each change in the admin log.
//!
//! Decided where the issue is silent:
//! - the import adds and updates; it removes no one (staff of the unit not
//!   in the file keep their roles: `deactivateStaff` is a decision, not a
//!   file's omission), and it reactivates no one;
//! - a row's roles become the person's roles in the unit (several separated
//!   by `;`), with the row's title; name, e-mail and phone are the person's
//!   (an empty cell clears e-mail and phone);
//! - an external id may appear once per file; one registered in another
//!   municipality, or a system owner's, is an invalid row.

use crate::api::input::{self, limits};
use crate::db::enums::{AccessAction, ActorRole, OrgObjectType, PersonKind, UnitRoleKind};
use crate::db::org::{self, PersonRow};
use crate::db::organization::{self as orgdb, Change};
use crate::db::staff as staffdb;
use crate::error::{ApiError, ApiResult};
use crate::policy::organization::NewToUnit;
use crate::policy::{admin, organization as orgpolicy};
use crate::principal::Principal;
use chrono::Utc;
use diesel_async::AsyncPgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// One data row of the file, as read: `line` is its line number in the file.
#[derive(Debug, Clone, Default)]
pub struct RawRow {
    pub line: u64,
    pub external_id: String,
    pub name: String,
    pub title: String,
    pub email: String,
    pub phone: String,
    pub role: String,
}

/// A row that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub external_id: String,
    pub name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub roles: Vec<UnitRoleKind>,
}

/// What applying a row does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// a new staff member of the municipality, with these roles in the unit
    Create,
    /// an existing one: what differs
    Update { existing: Uuid, changes: Vec<String>, roles_change: bool, contact_change: bool },
    /// nothing differs
    Unchanged { existing: Uuid },
}

/// The plan of an import: each valid row with its action, each invalid one with why.
#[derive(Debug, Default)]
pub struct Plan {
    pub rows: Vec<(Row, Action)>,
    /// (line, field, message)
    pub invalid: Vec<(u64, String, String)>,
}

impl Plan {
    pub fn count(&self, f: impl Fn(&Action) -> bool) -> usize {
        self.rows.iter().filter(|(_, a)| f(a)).count()
    }
}

/// Checks one row's values (not yet against the database).
pub fn check(raw: &RawRow) -> Result<Row, (String, String)> {
    let field = |f: &str, e: ApiError| (f.to_owned(), e.to_string());
    let external_id =
        input::required(raw.external_id.trim(), "externalId", limits::SHORT).map_err(|e| field("externalId", e))?;
    let name = input::required(&raw.name, "name", limits::NAME).map_err(|e| field("name", e))?;
    let optional = |v: &str, f: &str, max: usize| {
        input::optional(Some(v).filter(|v| !v.trim().is_empty()), f, max).map_err(|e| field(f, e))
    };
    let title = optional(&raw.title, "title", limits::SHORT)?;
    let email = optional(&raw.email, "email", limits::SHORT)?;
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(("email".into(), "email must be an e-mail address".into()));
    }
    let phone = optional(&raw.phone, "phone", 40)?;
    let mut roles = Vec::new();
    for part in raw.role.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let role = match part.to_ascii_uppercase().replace([' ', '-'], "_").as_str() {
            "EMPLOYEE" => UnitRoleKind::Employee,
            "UNIT_LEADER" => UnitRoleKind::UnitLeader,
            "UNIT_ADMIN" => UnitRoleKind::UnitAdmin,
            _ => {
                return Err(("role".into(), format!("role {part:?} is none of EMPLOYEE, UNIT_LEADER, UNIT_ADMIN")));
            }
        };
        if roles.contains(&role) {
            return Err(("role".into(), format!("role {role} is given twice")));
        }
        roles.push(role);
    }
    if roles.is_empty() {
        return Err(("role".into(), "a role is required (EMPLOYEE, UNIT_LEADER or UNIT_ADMIN; several with ;)".into()));
    }
    roles.sort_by_key(|r| r.to_string());
    Ok(Row { line: raw.line, external_id, name, title, email, phone, roles })
}

/// The plan for the rows, as `by` importing into `unit_id`: each row checked,
/// then compared with what is stored. Reads only.
pub async fn plan(conn: &mut AsyncPgConnection, by: &Principal, unit_id: Uuid, raw: &[RawRow]) -> ApiResult<Plan> {
    let unit = orgdb::unit_by_id(conn, unit_id).await?.ok_or(ApiError::NotFound("Unit"))?;
    crate::policy::organization::unit_takes(unit.deactivated_at.is_some(), NewToUnit::Staff, "unitId")?;
    let mut plan = Plan::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for r in raw {
        let row = match check(r) {
            Ok(row) => row,
            Err((field, message)) => {
                plan.invalid.push((r.line, field, message));
                continue;
            }
        };
        if let Some(first) = seen.insert(row.external_id.clone(), row.line) {
            let message = format!("externalId {} is on line {first} too", row.external_id);
            plan.invalid.push((row.line, "externalId".into(), message));
            continue;
        }
        // The admin may register every role of the row in this unit.
        if let Some(role) =
            row.roles.iter().find(|role| admin::register_staff(by, unit_id, unit.municipality_id, **role).is_err())
        {
            plan.invalid.push((row.line, "role".into(), format!("you may not give the role {role} in this unit")));
            continue;
        }
        match action(conn, &row, unit_id, unit.municipality_id).await? {
            Ok(action) => plan.rows.push((row, action)),
            Err(message) => plan.invalid.push((row.line, "externalId".into(), message)),
        }
    }
    Ok(plan)
}

async fn action(
    conn: &mut AsyncPgConnection,
    row: &Row,
    unit_id: Uuid,
    municipality_id: Uuid,
) -> ApiResult<Result<Action, String>> {
    let Some((existing, home)) = org::staff_by_external_id(conn, &row.external_id).await? else {
        return Ok(Ok(Action::Create));
    };
    if home != municipality_id {
        return Ok(Err("this externalId is registered in another municipality".into()));
    }
    if orgpolicy::may_be_given_role_reading_personal_data(orgdb::is_system_owner(conn, existing).await?).is_err() {
        return Ok(Err("a system owner holds no role that reads personal data".into()));
    }
    let account = staffdb::account(conn, existing).await?;
    let held: Vec<(UnitRoleKind, Option<String>)> = staffdb::account_roles(conn, existing)
        .await?
        .into_iter()
        .filter(|r| r.unit_id == unit_id)
        .map(|r| (r.role, r.title))
        .collect();
    let mut changes = Vec::new();
    let mut contact_change = false;
    if let Some(a) = &account {
        for (what, stored, given) in [
            ("name", Some(&a.name), Some(&row.name)),
            ("email", a.email.as_ref(), row.email.as_ref()),
            ("phone", a.phone.as_ref(), row.phone.as_ref()),
        ] {
            if stored != given {
                changes.push(what.to_owned());
                contact_change = true;
            }
        }
    }
    let mut held_roles: Vec<UnitRoleKind> = held.iter().map(|(r, _)| *r).collect();
    held_roles.sort_by_key(|r| r.to_string());
    let roles_change = held_roles != row.roles;
    if roles_change {
        let list = |r: &[UnitRoleKind]| r.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        changes.push(format!("roles [{}] -> [{}]", list(&held_roles), list(&row.roles)));
    }
    if held.iter().any(|(_, t)| *t != row.title) {
        changes.push("title".into());
    }
    Ok(Ok(if changes.is_empty() {
        Action::Unchanged { existing }
    } else {
        Action::Update { existing, changes, roles_change, contact_change }
    }))
}

/// Writes the plan's changes as `by`, each in the admin log; returns the
/// staff whose access changed (for the caller to announce). The caller
/// holds the transaction.
pub async fn apply(conn: &mut AsyncPgConnection, by: &Principal, unit_id: Uuid, plan: &Plan) -> ApiResult<Vec<Uuid>> {
    let unit = orgdb::unit_by_id_for_update(conn, unit_id).await?.ok_or(ApiError::NotFound("Unit"))?;
    let mut changed = Vec::new();
    for (row, action) in &plan.rows {
        let role = row
            .roles
            .iter()
            .map(|r| admin::register_staff(by, unit_id, unit.municipality_id, *r))
            .collect::<ApiResult<Vec<ActorRole>>>()?
            .into_iter()
            .next()
            .unwrap_or(ActorRole::MunicipalAdmin);
        let (id, what) = match action {
            Action::Unchanged { .. } => continue,
            Action::Create => {
                let id = Uuid::new_v4();
                let person = PersonRow {
                    id,
                    kind: PersonKind::Staff,
                    name: row.name.clone(),
                    phone: row.phone.clone(),
                    email: row.email.clone(),
                    created_at: Utc::now(),
                };
                org::insert_person(conn, &person).await?;
                org::insert_staff(conn, id, unit.municipality_id, &row.external_id).await?;
                (id, AccessAction::Create)
            }
            Action::Update { existing, contact_change, roles_change, .. } => {
                if *contact_change {
                    let contact = staffdb::ContactChanges {
                        name: Some(row.name.clone()),
                        email: Some(row.email.clone()),
                        phone: Some(row.phone.clone()),
                    };
                    staffdb::update_contact(conn, *existing, &contact).await?;
                }
                if *roles_change {
                    changed.push(*existing);
                }
                (*existing, AccessAction::Update)
            }
        };
        staffdb::set_unit_roles(conn, id, unit_id, &row.roles, row.title.as_deref()).await?;
        if changed.contains(&id) {
            staffdb::touch_access(conn, id).await?;
        }
        let roles = row.roles.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        let detail = format!("import: roles [{roles}] in unit {unit_id}");
        let change = Change::new(by.person_id(), role, unit.municipality_id, OrgObjectType::Staff, id, what);
        orgdb::record(conn, &Change { detail: Some(&detail), ..change }).await?;
    }
    Ok(changed)
}
