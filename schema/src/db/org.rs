//! Municipalities, units, persons, staff roles and templates.

use super::enums::{PersonKind, ServiceKind, UnitRoleKind};
use super::schema::{municipality, person, template, unit};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = municipality, check_for_backend(diesel::pg::Pg))]
pub struct Municipality {
    pub id: Uuid,
    pub name: String,
    pub consent_age: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = unit, check_for_backend(diesel::pg::Pg))]
pub struct Unit {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    pub service_kind: ServiceKind,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = person, check_for_backend(diesel::pg::Pg))]
pub struct Person {
    pub id: Uuid,
    pub kind: PersonKind,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = template, check_for_backend(diesel::pg::Pg))]
pub struct Template {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    pub section_prompts: serde_json::Value,
    pub default_goal_areas: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A staff member's role in a unit, joined with the unit.
#[derive(Debug, Clone)]
pub struct UnitMembership {
    pub unit: Unit,
    pub role: UnitRoleKind,
    pub title: Option<String>,
}
