//! Plan templates (issue 19, point 2): a municipal admin creates, updates
//! (a new version each time) and retires her municipality's templates. A
//! log made from one records the version (`createLog`), so a change here
//! changes no log.

use super::payload::{answer, payload};
use super::tx::{ScopedFutureExt, in_transaction};
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::types::template::Template;
use crate::context::rc;
use crate::db::enums::GoalArea;
use crate::db::enums::{AccessAction, ActorRole, OrgObjectType};
use crate::db::organization::{self, Change};
use crate::db::templates::{self, Words};
use crate::error::{ApiError, ApiResult};
use crate::policy::admin;
use crate::words;
use async_graphql::{Context, ID, InputObject, Json, Object};
use uuid::Uuid;

/// A plan template for the municipality's logs.
#[derive(InputObject)]
pub struct CreateTemplateInput {
    /// the template's name, at most 200 characters
    pub name: String,
    /// guidance per section of a new log, e.g. {"presentation": "Skriv om
    /// barnet …"}: the sections are `presentation`, `aboutMe`, `childVoice`
    /// and `initiative`, each text at most 10,000 characters
    pub section_prompts: Json<serde_json::Map<String, serde_json::Value>>,
    /// the goal areas a new log starts with (an empty goal each), each once;
    /// none when omitted
    #[graphql(default)]
    pub default_goal_areas: Vec<GoalArea>,
}

/// A change of a template: what is given replaces what it had, in a new
/// version; at least one field.
#[derive(InputObject)]
pub struct UpdateTemplateInput {
    /// the new name, at most 200 characters
    pub name: Option<String>,
    /// the new guidance, replacing all of it (as in `CreateTemplateInput`)
    pub section_prompts: Option<Json<serde_json::Map<String, serde_json::Value>>>,
    /// the new goal areas, each once
    pub default_goal_areas: Option<Vec<GoalArea>>,
}

payload! {
    /// The answer of `createTemplate`.
    CreateTemplatePayload {
        /// the new template, version 1
        template: Template,
    }
}

payload! {
    /// The answer of `updateTemplate`.
    UpdateTemplatePayload {
        /// the template in its new version
        template: Template,
    }
}

payload! {
    /// The answer of `retireTemplate`.
    RetireTemplatePayload {
        /// the template, no longer active
        template: Template,
    }
}

#[derive(Default)]
pub struct TemplateMutations;

#[Object]
impl TemplateMutations {
    /// Creates a plan template for the municipality (municipal admin).
    async fn create_template(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The template.")] input: CreateTemplateInput,
    ) -> ApiResult<CreateTemplatePayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let words = Words {
                name: input::required(&input.name, "name", limits::NAME)?,
                section_prompts: prompts(input.section_prompts.0)?,
                default_goal_areas: areas(&input.default_goal_areas)?,
            };
            let municipality_id = admin::manage_templates(&rc.principal)?;
            let actor = rc.principal.person_id();
            let row = in_transaction(rc, move |conn| {
                async move {
                    let row = templates::insert(conn, Uuid::new_v4(), municipality_id, &words, actor).await?;
                    logged(conn, actor, &row, AccessAction::Create, "version 1").await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            Ok(CreateTemplatePayload { template: Some(Template(row)), ..Default::default() })
        })
        .await
    }

    /// Changes a template (municipal admin of its municipality): what is
    /// given replaces what it had, as its next version. Logs made from an
    /// earlier version keep theirs. A retired template is not changed
    /// (CONFLICT).
    async fn update_template(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The template.")] template_id: ID,
        #[graphql(desc = "What changes; at least one field.")] input: UpdateTemplateInput,
    ) -> ApiResult<UpdateTemplatePayload> {
        answer(&["templateId"], async move {
            let rc = rc(ctx);
            let template_id = ids::parse(&template_id, "templateId")?;
            let name = input.name.as_deref().map(|n| input::required(n, "name", limits::NAME)).transpose()?;
            let prompts = input.section_prompts.map(|p| prompts(p.0)).transpose()?;
            let areas = input.default_goal_areas.as_deref().map(areas).transpose()?;
            if name.is_none() && prompts.is_none() && areas.is_none() {
                return Err(ApiError::bad_input(words!("error-template-nothing")));
            }
            let municipality_id = admin::manage_templates(&rc.principal)?;
            let actor = rc.principal.person_id();
            let row = in_transaction(rc, move |conn| {
                async move {
                    let now = active(conn, template_id, municipality_id).await?;
                    let words = Words {
                        name: name.unwrap_or(now.name),
                        section_prompts: prompts.unwrap_or(now.section_prompts),
                        default_goal_areas: areas.unwrap_or(now.default_goal_areas),
                    };
                    let row = templates::update(conn, template_id, &words, actor).await?;
                    logged(conn, actor, &row, AccessAction::Update, &format!("version {}", row.version)).await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            Ok(UpdateTemplatePayload { template: Some(Template(row)), ..Default::default() })
        })
        .await
    }

    /// Retires a template (municipal admin of its municipality): it is
    /// offered for no new log (`createLog` refuses it); the logs made from
    /// it keep it. Once (CONFLICT after).
    async fn retire_template(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The template.")] template_id: ID,
    ) -> ApiResult<RetireTemplatePayload> {
        answer(&["templateId"], async move {
            let rc = rc(ctx);
            let template_id = ids::parse(&template_id, "templateId")?;
            let municipality_id = admin::manage_templates(&rc.principal)?;
            let actor = rc.principal.person_id();
            let row = in_transaction(rc, move |conn| {
                async move {
                    active(conn, template_id, municipality_id).await?;
                    let row = templates::retire(conn, template_id).await?;
                    logged(conn, actor, &row, AccessAction::Update, "retired").await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            Ok(RetireTemplatePayload { template: Some(Template(row)), ..Default::default() })
        })
        .await
    }
}

/// Records a change of a template in the admin log (`Query.adminLog`), in
/// the change's transaction, as changes of units and staff are.
async fn logged(
    conn: &mut diesel_async::AsyncPgConnection,
    actor: Uuid,
    row: &templates::TemplateRow,
    action: AccessAction,
    detail: &str,
) -> ApiResult<()> {
    let change =
        Change::new(actor, ActorRole::MunicipalAdmin, row.municipality_id, OrgObjectType::Template, row.id, action);
    Ok(organization::record(conn, &Change { detail: Some(detail), ..change }).await?)
}

/// The template to change, locked: NOT_FOUND when it is not this
/// municipality's (as for one that does not exist), CONFLICT when retired.
async fn active(
    conn: &mut diesel_async::AsyncPgConnection,
    template_id: Uuid,
    municipality_id: Uuid,
) -> ApiResult<templates::TemplateRow> {
    let now = templates::of_municipality(conn, template_id, municipality_id, true)
        .await?
        .ok_or(ApiError::NotFound("Template"))?;
    if now.retired_at.is_some() {
        return Err(ApiError::conflict(words!("error-template-retired")));
    }
    Ok(now)
}

/// The sections of a log that guidance is for (`Log.presentation`,
/// `aboutMe`, `childVoice`, `initiative`). Any other name would guide
/// nothing, and the attack on issue 19 stored `__proto__` as one, a name
/// that trips frontends which copy the object into theirs.
const SECTIONS: [&str; 4] = ["presentation", "aboutMe", "childVoice", "initiative"];

/// Section guidance as given: a text for some of [`SECTIONS`], each a
/// checked text input (no NUL, bounded: the attack on issue 15 stored a NUL
/// here and got INTERNAL).
fn prompts(given: serde_json::Map<String, serde_json::Value>) -> ApiResult<serde_json::Value> {
    let mut prompts = serde_json::Map::new();
    for (key, value) in given {
        let Some(section) = SECTIONS.iter().find(|s| **s == key) else {
            return Err(ApiError::bad_field("sectionPrompts", words!("error-template-section-unknown")));
        };
        let text = value.as_str().ok_or_else(|| {
            ApiError::bad_field(format!("sectionPrompts.{section}"), words!("error-template-section-text"))
        })?;
        let text = input::required(text, &format!("sectionPrompts.{section}"), limits::BODY)?;
        prompts.insert((*section).to_owned(), serde_json::Value::String(text));
    }
    Ok(serde_json::Value::Object(prompts))
}

/// Goal areas, each once (a second empty goal in the same area says nothing more).
fn areas(given: &[GoalArea]) -> ApiResult<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(given.len());
    for area in given {
        if out.iter().any(|a| a == area.as_str()) {
            return Err(ApiError::bad_field("defaultGoalAreas", words!("error-area-twice", area = area.as_str())));
        }
        out.push(area.as_str().to_owned());
    }
    Ok(out)
}
