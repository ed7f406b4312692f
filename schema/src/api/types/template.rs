//! Plan templates (maler): what a municipal admin maintains, and the
//! version a log was made from. Templates hold no personal data: guidance
//! texts and goal areas.

use crate::api::ids::id;
use crate::db::enums::GoalArea;
use crate::db::templates::{TemplateRow, VersionRow};
use async_graphql::{ID, Json, Object};
use chrono::{DateTime, Utc};

pub struct Template(pub TemplateRow);

/// A plan template of the municipality: guidance for each section of a new
/// log and the goal areas it starts with. Changing it makes a new version;
/// the logs made from an earlier one keep theirs.
#[Object]
impl Template {
    /// The template's id (`templateId` of `createLog`).
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// Its name, at most 200 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Its version: 1 as created, one more at each `updateTemplate`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Guidance per section of a new log (`presentation`, `aboutMe`,
    /// `childVoice`, `initiative`, …), as `{"section": "text"}`.
    async fn section_prompts(&self) -> Json<serde_json::Value> {
        Json(self.0.section_prompts.clone())
    }

    /// The goal areas a new log made from it starts with, one empty goal each.
    async fn default_goal_areas(&self) -> Vec<GoalArea> {
        areas(&self.0.default_goal_areas)
    }

    /// Whether it is offered for new logs: false once retired.
    async fn active(&self) -> bool {
        self.0.retired_at.is_none()
    }

    /// When it was retired; null while it is active.
    async fn retired_at(&self) -> Option<DateTime<Utc>> {
        self.0.retired_at
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed (a new version, or retired).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The version of a template a log was made from, word for word as it was
/// then (a later change of the template changes no log).
pub struct TemplateVersion {
    pub row: VersionRow,
    /// the template's version now
    pub current: i32,
}

/// The version of a template a log was made from, as it was then.
#[Object]
impl TemplateVersion {
    /// The template's id.
    async fn template_id(&self) -> ID {
        id(self.row.template_id)
    }

    /// The version the log was made from.
    async fn version(&self) -> i32 {
        self.row.version
    }

    /// The template's version now; more than `version` when it has changed since.
    async fn current_version(&self) -> i32 {
        self.current
    }

    /// The template's name in that version.
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// The guidance per section in that version: what to write in the
    /// log's presentation, aboutMe, childVoice and initiative.
    async fn section_prompts(&self) -> Json<serde_json::Value> {
        Json(self.row.section_prompts.clone())
    }

    /// The goal areas that version started a log with.
    async fn default_goal_areas(&self) -> Vec<GoalArea> {
        areas(&self.row.default_goal_areas)
    }

    /// When that version was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

/// The stored areas (checked by the database) as the enum.
fn areas(stored: &[String]) -> Vec<GoalArea> {
    stored.iter().filter_map(|a| a.parse().ok()).collect()
}
