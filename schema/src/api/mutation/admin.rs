//! Structure, never content: registering staff and maintaining templates.

use super::organization;
use super::payload::{answer, payload};
use super::tx::{ScopedFutureExt, in_transaction};
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::context::rc;
use crate::db::enums::{AccessAction, EventKind, GoalArea, OrgObjectType, UnitRoleKind};
use crate::db::org::{self, NewTemplate};
use crate::db::organization::Change;
use crate::error::{ApiError, ApiResult};
use crate::events::{self, EventPayload};
use crate::policy::admin;
use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use uuid::Uuid;

/// A staff member to register in a unit.
#[derive(InputObject)]
pub struct RegisterStaffInput {
    /// the unit
    pub unit_id: ID,
    /// the staff member's name, at most 200 characters
    pub name: String,
    /// at most 200 characters
    pub email: Option<String>,
    /// at most 40 characters
    pub phone: Option<String>,
    /// the id the municipality's identity provider puts in tokens (`sub`, or
    /// `oid` in Entra ID), at most 200 characters. An id already registered
    /// is the same person: they get a role in this unit too
    pub external_id: String,
    /// their role in the unit
    pub role: UnitRoleKind,
    /// their job title in the unit, at most 200 characters
    pub title: Option<String>,
}

/// A staff member as registered.
#[derive(SimpleObject)]
pub struct RegisteredStaff {
    /// their person id
    pub id: ID,
    /// the name given in the request
    pub name: String,
    /// their role in the unit
    pub role: UnitRoleKind,
}

/// A plan template for the municipality's logs.
#[derive(InputObject)]
pub struct CreateTemplateInput {
    /// the template's name, at most 200 characters
    pub name: String,
    /// guidance per section, e.g. {"presentation": "Skriv om barnet …"}: at
    /// most 20 sections, names of at most 200 characters, texts of at most 10,000
    pub section_prompts: Json<serde_json::Map<String, serde_json::Value>>,
    /// goal areas stored with the template; none when omitted
    #[graphql(default)]
    pub default_goal_areas: Vec<GoalArea>,
}

/// A plan template as created.
#[derive(SimpleObject)]
pub struct Template {
    /// the template's id (`templateId` of `createLog`)
    pub id: ID,
    /// its name
    pub name: String,
}

/// A municipality's consent age.
#[derive(InputObject)]
pub struct SetConsentAgeInput {
    /// 15 or 16
    pub consent_age: i32,
}

payload! {
    /// The answer of `registerStaff`.
    RegisterStaffPayload {
        /// the staff member as registered
        staff: RegisteredStaff,
    }
}

payload! {
    /// The answer of `setConsentAge`.
    SetConsentAgePayload {
        /// your municipality
        municipality_id: ID,
        /// its consent age now
        consent_age: i32,
        /// how many of its logs changed owners: children at the new age
        /// became owners (role YOUTH), or stopped being owners
        changed_log_count: i32,
    }
}

payload! {
    /// The answer of `createTemplate`.
    CreateTemplatePayload {
        /// the new template
        template: Template,
    }
}

#[derive(Default)]
pub struct AdminMutations;

#[Object]
impl AdminMutations {
    /// Registers a staff member in a unit (unit admin of the unit, or municipal admin).
    async fn register_staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The staff member and their role.")] input: RegisterStaffInput,
    ) -> ApiResult<RegisterStaffPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let unit_id = ids::parse(&input.unit_id, "unitId")?;
            let name = input::required(&input.name, "name", limits::NAME)?;
            let email = input::optional(input.email.as_deref(), "email", limits::SHORT)?;
            let phone = input::optional(input.phone.as_deref(), "phone", 40)?;
            let external_id = input::required(input.external_id.trim(), "externalId", limits::SHORT)?;
            let title = input::optional(input.title.as_deref(), "title", limits::SHORT)?;
            let role = input.role;
            let principal = rc.principal.clone();
            let id = in_transaction(rc, move |conn| {
                async move {
                    let unit = crate::db::organization::unit_by_id(conn, unit_id).await?;
                    let municipality = unit.as_ref().map(|u| u.municipality_id).ok_or(ApiError::NotFound("Unit"))?;
                    let actor_role = admin::register_staff(&principal, unit_id, municipality, role)?;
                    if unit.is_some_and(|u| u.deactivated_at.is_some()) {
                        return Err(ApiError::bad_field("unitId", "the unit is deactivated: it takes no new staff"));
                    }
                    // An external id already registered is the same person (one
                    // identity at the identity provider), wherever they work:
                    // registering it here adds a role in this unit. Refusing it
                    // told the caller that the id exists in a unit they cannot
                    // see (issue 14); only a role in this very unit, which the
                    // caller can see, is a conflict.
                    let id = match organization::known_staff(conn, &external_id, municipality).await? {
                        Some(id) => {
                            if org::has_unit_role(conn, id, unit_id).await? {
                                return Err(ApiError::conflict("this person is already registered in this unit"));
                            }
                            id
                        }
                        None => organization::register(conn, municipality, &external_id, name, phone, email).await?,
                    };
                    org::insert_unit_role(conn, id, unit_id, role, title.as_deref()).await?;
                    let detail = format!("role {role} in unit {unit_id}");
                    let actor = principal.person_id();
                    let change =
                        Change::new(actor, actor_role, municipality, OrgObjectType::Staff, id, AccessAction::Create);
                    crate::db::organization::record(conn, &Change { detail: Some(&detail), ..change }).await?;
                    Ok(id)
                }
                .scope_boxed()
            })
            .await?;
            Ok(RegisterStaffPayload {
                staff: Some(RegisteredStaff { id: ids::id(id), name: input.name, role }),
                ..Default::default()
            })
        })
        .await
    }

    /// Sets the municipality's consent age (samtykkealder: 15 or 16), at which
    /// a child becomes an owner of their log (municipal admin).
    async fn set_consent_age(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new consent age.")] input: SetConsentAgeInput,
    ) -> ApiResult<SetConsentAgePayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let consent_age = input.consent_age;
            if !matches!(consent_age, 15 | 16) {
                return Err(ApiError::bad_field("consentAge", "consentAge must be 15 or 16"));
            }
            let municipality_id = admin::set_consent_age(&rc.principal)?;
            let actor = rc.principal.person_id();
            let changed = in_transaction(rc, move |conn| {
                async move {
                    // Access to these logs changed with no event of its own: the
                    // event tells open subscriptions to check it again.
                    let changed = org::set_consent_age(conn, municipality_id, consent_age).await?;
                    for log_id in &changed {
                        let payload = EventPayload { actor_id: Some(actor), ..Default::default() };
                        events::emit(conn, *log_id, EventKind::ConsentAgeChanged, payload).await?;
                    }
                    Ok(i32::try_from(changed.len()).unwrap_or(i32::MAX))
                }
                .scope_boxed()
            })
            .await?;
            Ok(SetConsentAgePayload {
                municipality_id: Some(ids::id(municipality_id)),
                consent_age: Some(consent_age),
                changed_log_count: Some(changed),
                ..Default::default()
            })
        })
        .await
    }

    /// Creates a plan template for the municipality (municipal admin).
    async fn create_template(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The template.")] input: CreateTemplateInput,
    ) -> ApiResult<CreateTemplatePayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let name = input::required(&input.name, "name", limits::NAME)?;
            let given = input.section_prompts.0;
            let malformed = || {
                ApiError::bad_field(
                    "sectionPrompts",
                    "sectionPrompts: at most 20 sections, each a text of at most 10000 characters",
                )
            };
            if given.len() > 20 {
                return Err(malformed());
            }
            // Keys and texts are text inputs like any other (no NUL, bounded,
            // bidirectional controls handled): the attack on issue 15 stored a NUL
            // here and got INTERNAL.
            let mut prompts = serde_json::Map::new();
            for (key, value) in given {
                let section = input::required(&key, "sectionPrompts", limits::SHORT)?;
                let text = value.as_str().ok_or_else(malformed)?;
                let text = input::required(text, &format!("sectionPrompts.{section}"), limits::BODY)?;
                prompts.insert(section, serde_json::Value::String(text));
            }
            let municipality_id = admin::manage_templates(&rc.principal)?;
            let row = NewTemplate {
                id: Uuid::new_v4(),
                municipality_id,
                name: &name,
                section_prompts: serde_json::Value::Object(prompts),
                default_goal_areas: input.default_goal_areas.iter().map(|a| a.as_str().to_owned()).collect(),
                created_by: rc.principal.person_id(),
            };
            let mut conn = rc.conn().await?;
            org::insert_template(&mut conn, &row).await?;
            let id = row.id;
            Ok(CreateTemplatePayload { template: Some(Template { id: ids::id(id), name }), ..Default::default() })
        })
        .await
    }
}
