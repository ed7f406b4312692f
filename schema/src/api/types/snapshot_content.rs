//! The content of an archive snapshot, typed. The snapshot is stored as one
//! JSON document (`db::snapshots::build_content` writes it, and it never
//! changes); these types read it, so a frontend gets a schema it can
//! generate types from instead of `JSON`. Every key the writer puts is a
//! field here: `tests/e2e/snapshots.rs` reads every demo snapshot through
//! these types and back and compares it with what is stored, so the two
//! cannot drift apart. The municipal admin's archive copy has the fields
//! its view leaves out set to null ([`SnapshotContent::archive_view`]).

use crate::api::scalars::Date;
use crate::db::enums::{GoalArea, GoalStatus, LogStatus, MeasureStatus, MeetingStatus};
use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The log as it was when the snapshot was taken. Messages are not
/// archived: each is addressed to its own readers.
#[derive(SimpleObject, Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotContent {
    /// the log the snapshot is of (the snapshot's log: `ArchiveSnapshot` is
    /// reached through it)
    #[graphql(skip)]
    pub log_id: Uuid,
    /// the log's status then
    pub status: LogStatus,
    /// the child then; null only if the child's record was gone
    pub child: Option<SnapshotChild>,
    /// the presentation (presentasjon) then
    pub presentation: Option<String>,
    /// the "about me" section (om meg) then
    pub about_me: Option<String>,
    /// the child's voice (barnets stemme) then
    pub child_voice: Option<String>,
    /// what started the log (initiativ) then
    pub initiative: Option<String>,
    /// the staff taking part then, the coordinator among them
    pub participants: Vec<SnapshotParticipant>,
    /// the guardians then, by the names the log records; null in the
    /// municipal admin's archive copy
    pub guardians: Option<Vec<SnapshotGuardian>>,
    /// the goals then, oldest first, with their measures and evaluations
    pub goals: Vec<SnapshotGoal>,
    /// the meetings then, earliest first, with their minutes
    pub meetings: Vec<SnapshotMeeting>,
}

/// The child as the snapshot recorded them.
#[derive(SimpleObject, Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotChild {
    /// the child's name
    pub name: String,
    /// the child's date of birth; null when not recorded, and in the
    /// municipal admin's archive copy
    pub birth_date: Option<Date>,
}

/// A staff member taking part when the snapshot was taken.
#[derive(SimpleObject, Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotParticipant {
    /// their name
    pub name: String,
    /// the name of the unit they took part for
    pub unit: String,
    /// their role in the log (e.g. "helsesykepleier"); null when not given
    pub title: Option<String>,
    /// whether they held the baton (stafettholder)
    pub coordinator: bool,
}

/// A guardian when the snapshot was taken.
#[derive(SimpleObject, Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotGuardian {
    /// the guardian's name as the log records it
    pub name: String,
}

/// A goal when the snapshot was taken.
#[derive(SimpleObject, Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotGoal {
    /// the BTI area the goal belongs to
    pub area: GoalArea,
    /// the BTI level (1–4) then
    pub bti_level: i32,
    /// what the goal is
    pub description: String,
    /// the goal's status then
    pub status: GoalStatus,
    /// evaluations of the goal itself, oldest first
    pub evaluations: Vec<SnapshotEvaluation>,
    /// the goal's measures
    pub measures: Vec<SnapshotMeasure>,
}

/// A measure when the snapshot was taken.
#[derive(SimpleObject, Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotMeasure {
    /// what is to be done
    pub description: String,
    /// the name of the person responsible; null in the municipal admin's
    /// archive copy
    pub responsible: Option<String>,
    /// the deadline then; null when it had none
    pub deadline: Option<Date>,
    /// the measure's status then
    pub status: MeasureStatus,
    /// evaluations of the measure, oldest first
    pub evaluations: Vec<SnapshotEvaluation>,
}

/// An evaluation of a goal or a measure.
#[derive(SimpleObject, Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotEvaluation {
    /// the day it evaluates
    pub evaluated_on: Date,
    /// the evaluation
    pub body: String,
    /// the author's name; null in the municipal admin's archive copy
    pub author: Option<String>,
}

/// A meeting when the snapshot was taken.
#[derive(SimpleObject, Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotMeeting {
    /// the meeting's title
    pub title: String,
    /// when it starts
    pub starts_at: DateTime<Utc>,
    /// where it is held; null when not given
    pub location: Option<String>,
    /// the agenda; null when not given
    pub agenda: Option<String>,
    /// PLANNED, HELD or CANCELLED then
    pub status: MeetingStatus,
    /// the minutes; null until recorded
    pub minutes: Option<String>,
}

impl SnapshotContent {
    /// The municipal admin's archive copy ([`crate::policy::read::SnapshotView::Archive`]):
    /// no date of birth, no guardians, no names of the people responsible
    /// for measures or of evaluations' authors.
    pub fn archive_view(mut self) -> SnapshotContent {
        if let Some(child) = &mut self.child {
            child.birth_date = None;
        }
        self.guardians = None;
        for goal in &mut self.goals {
            goal.evaluations.iter_mut().for_each(|e| e.author = None);
            for measure in &mut goal.measures {
                measure.responsible = None;
                measure.evaluations.iter_mut().for_each(|e| e.author = None);
            }
        }
        self
    }
}
