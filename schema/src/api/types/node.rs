//! Global object identification (issue 17, point 3; the Relay server
//! specification): every object a client may want to refetch by id is a
//! `Node`, and `Query.node(id)` / `Query.nodes(ids)` find it by its id
//! alone.
//!
//! Ids are UUIDs, unique across every table, so the id a type answers is
//! already global: no type prefix is needed to find the object, and the ids
//! a client holds stay valid. Clients treat them as opaque strings.
//!
//! An id the viewer may not read answers `null`, exactly as a random id,
//! after the same single statement ([`guard::locate_nodes`]): an object of a
//! log the viewer has no relation to, of a kind their role may not read (a
//! unit admin and a goal), or a message not addressed to them.

use super::consent::Consent;
use super::goal::{Goal, Measure};
use super::log::Log;
use super::meeting::Meeting;
use super::message::Message;
use super::requests::{DeletionRequest, Handover};
use super::snapshot::ArchiveSnapshot;
use crate::api::guard::{self, LogAccess};
use crate::context::rc;
use crate::db::{participants, requests};
use crate::error::{ApiError, ApiResult};
use crate::policy::ReadField;
use crate::policy::relation::{NodeRelation, ObjectRef};
use async_graphql::{Context, ID, Interface};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// An object with a global id: fetch it again with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's global id: unique across every type."))]
pub enum Node {
    Log(Log),
    Goal(Goal),
    Measure(Measure),
    Meeting(Meeting),
    Message(Message),
    Consent(Consent),
    Handover(Handover),
    ArchiveSnapshot(ArchiveSnapshot),
    DeletionRequest(DeletionRequest),
}

/// The objects of `ids` the viewer may read, in the order asked; `None`
/// where an id names nothing the viewer may know of.
pub async fn load(ctx: &Context<'_>, ids: &[Uuid]) -> ApiResult<Vec<Option<Node>>> {
    let rc = rc(ctx);
    let found = guard::locate_nodes(rc, ids).await?;
    // Built together, so the loaders batch the rows of every id into one
    // statement per kind instead of one per id.
    let built = futures_util::future::try_join_all(found.iter().map(|(node, access)| async move {
        Ok::<_, ApiError>((node.node_id, build(ctx, node, access.clone()).await?))
    }))
    .await?;
    let mut by_id: HashMap<Uuid, Node> = built.into_iter().filter_map(|(id, object)| object.map(|o| (id, o))).collect();
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}

/// The object a found id names, read with the viewer's access.
async fn build(ctx: &Context<'_>, node: &NodeRelation, access: Arc<LogAccess>) -> ApiResult<Option<Node>> {
    let loaders = &rc(ctx).loaders;
    let log_id = access.log_id();
    let Some(object) = node.object() else {
        return Ok(Log::with_access(ctx, access).await?.map(Node::Log));
    };
    Ok(match object {
        ObjectRef::Goal(id) => {
            let rows = loaders.goals().load_one(log_id).await?.unwrap_or_default();
            rows.iter().find(|r| r.id == id).cloned().map(|row| Node::Goal(Goal { row, access }))
        }
        ObjectRef::Measure(id) => {
            loaders.measure().load_one(id).await?.map(|row| Node::Measure(Measure { row, access }))
        }
        ObjectRef::Meeting(id) => {
            let rows = loaders.meetings().load_one(log_id).await?.unwrap_or_default();
            rows.iter().find(|r| r.id == id).cloned().map(|row| Node::Meeting(Meeting { row, access }))
        }
        ObjectRef::Message(id) => {
            loaders.message().load_one(id).await?.map(|row| Node::Message(Message { row, access }))
        }
        ObjectRef::Consent(id) => {
            let rows = loaders.consents().load_one(log_id).await?.unwrap_or_default();
            // (Another unit's consent was left out by `locate_nodes`.)
            rows.iter().find(|r| r.id == id).cloned().map(|row| Node::Consent(Consent { row, access }))
        }
        ObjectRef::Handover(id) => {
            let mut conn = rc(ctx).conn().await?;
            participants::handover_by_id(&mut conn, id).await?.map(|row| Node::Handover(Handover { row, access }))
        }
        ObjectRef::Snapshot(id) => {
            // Read as `Query.snapshot` reads it: a professional's read is logged.
            access.read(ctx, ReadField::Snapshots).await?;
            let rows = loaders.snapshots().load_one(log_id).await?.unwrap_or_default();
            rows.iter().find(|r| r.id == id).cloned().map(|row| Node::ArchiveSnapshot(ArchiveSnapshot { row, access }))
        }
        ObjectRef::DeletionRequest(id) => {
            let mut conn = rc(ctx).conn().await?;
            requests::deletion_by_id(&mut conn, id)
                .await?
                .map(|row| Node::DeletionRequest(DeletionRequest::in_log(row, access)))
        }
        // Participations are not nodes (a participant's id is per log).
        ObjectRef::Participant(_) => None,
    })
}
