//! Where resolvers meet the policy. Every object inside a log carries the
//! viewer's [`LogAccess`]; every guarded field calls [`LogAccess::read`]
//! before it loads anything. Nothing here decides access: it asks
//! [`crate::policy`] and records content reads in the access log.

use crate::context::{RequestContext, rc};
use crate::db::consents;
use crate::db::enums::ObjectType;
use crate::error::{ApiError, ApiResult};
use crate::policy::relation::{self, ObjectRef};
use crate::policy::{Acting, Grant, LogRelation, ReadField, Role, Roles, read};
use async_graphql::Context;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use uuid::Uuid;

/// The log of an object the principal may see, or NOT_FOUND named after the
/// object — the same answer, after the same single statement, whether the
/// object does not exist or lies in a log the principal has no relation to.
/// An object in a log the principal may see, but of a kind their role may
/// not read (a unit admin and a goal), is just as absent. Every mutation
/// that names an object (not a log) finds its log here first.
pub async fn locate(rc: &RequestContext, object: ObjectRef) -> ApiResult<Uuid> {
    let not_found = || ApiError::NotFound(object.name());
    let mut conn = rc.conn().await?;
    let rel = relation::load_for_object(&mut conn, rc.principal.person_id(), object).await?.ok_or_else(not_found)?;
    let grant = read::best(&Roles::of(&rel), object.read_field()).0;
    let unit_item = matches!(object, ObjectRef::Consent(_));
    // A participant knows only her own unit's consents: the consent's unit
    // is read only when the grant depends on it.
    let item_unit = match grant {
        Grant::OwnUnit if unit_item => consents::by_id(&mut conn, object.id()).await?.ok_or_else(not_found)?.unit_id,
        _ => None,
    };
    if read::knows_object(grant, unit_item, rel.participant_unit_id, item_unit) {
        Ok(rel.log_id)
    } else {
        Err(not_found())
    }
}

/// The objects of `ids` the principal may know of, each with its access:
/// like [`locate`], for ids of any type (`Query.node`). A log needs a
/// relation to it (as `Query.log`); an object, the read of its kind. The
/// rest are left out, after the same single statement whether they are
/// absent or hidden — a participant's consent of another unit too.
pub async fn locate_nodes(
    rc: &RequestContext,
    ids: &[Uuid],
) -> ApiResult<Vec<(relation::NodeRelation, Arc<LogAccess>)>> {
    let mut conn = rc.conn().await?;
    let found = relation::load_for_nodes(&mut conn, rc.principal.person_id(), ids).await?;
    let mut out = Vec::with_capacity(found.len());
    for node in found {
        let access = LogAccess::new(node.rel.clone(), rc.principal.person_id());
        let grant = match node.object() {
            None if access.roles.is_outsider() => Grant::Denied,
            None => read::best(&access.roles, ReadField::LogMetadata).0,
            Some(object) => read::best(&access.roles, object.read_field()).0,
        };
        // A participant knows only her own unit's consents: another unit's
        // is left out here, after the one statement, as an absent id is.
        let unit_item = matches!(node.object(), Some(ObjectRef::Consent(_)));
        if read::knows_object(grant, unit_item, node.rel.participant_unit_id, node.of_unit) {
            out.push((node, access));
        }
    }
    Ok(out)
}

#[derive(Debug)]
pub struct LogAccess {
    pub rel: LogRelation,
    pub roles: Roles,
    /// the viewer's person id
    pub viewer: Uuid,
    /// fields (one bit per [`ReadField`]) fully granted and, for a
    /// professional, recorded through this access: [`content`](Self::content)'s fast path
    passed: AtomicU32,
}

impl LogAccess {
    /// The rows a list loader returned (none: an empty list), each as an
    /// object that carries this access, so its own fields are guarded too.
    pub fn objects<R: Clone, T>(
        self: &Arc<Self>,
        rows: Option<Arc<[R]>>,
        object: impl Fn(R, Arc<LogAccess>) -> T,
    ) -> Vec<T> {
        rows.iter().flat_map(|rows| rows.iter().cloned()).map(|row| object(row, self.clone())).collect()
    }

    pub fn new(rel: LogRelation, viewer: Uuid) -> Arc<LogAccess> {
        let roles = Roles::of(&rel);
        Arc::new(LogAccess { rel, roles, viewer, passed: AtomicU32::new(0) })
    }

    /// The viewer's access to a log, or `None` when the log does not exist
    /// or the viewer has no relation to it (indistinguishable on purpose).
    pub async fn load(ctx: &Context<'_>, log_id: Uuid) -> ApiResult<Option<Arc<LogAccess>>> {
        let rc = rc(ctx);
        Self::load_rc(rc, log_id).await
    }

    pub async fn load_rc(rc: &RequestContext, log_id: Uuid) -> ApiResult<Option<Arc<LogAccess>>> {
        let Some(rel) = rc.loaders.relation().load_one(log_id).await? else {
            return Ok(None);
        };
        let access = LogAccess::new(rel, rc.principal.person_id());
        Ok((!access.roles.is_outsider()).then_some(access))
    }

    pub fn log_id(&self) -> Uuid {
        self.rel.log_id
    }

    /// The grant for a field; FORBIDDEN when denied. A professional's first
    /// content read in a request is written to the access log first.
    pub async fn read(&self, ctx: &Context<'_>, field: ReadField) -> ApiResult<Grant> {
        let (grant, role) = read::best(&self.roles, field);
        let Some(role) = role.filter(|_| grant != Grant::Denied) else {
            return Err(ApiError::forbidden(format!("your role in this log may not read {}", describe(field))));
        };
        if read::is_content(field) && !self.roles.is_owner() && role.is_professional() {
            let rc = rc(ctx);
            let object = if field == ReadField::AccessLog { ObjectType::AccessLog } else { ObjectType::Log };
            rc.audit.record_read(rc, self.viewer, Acting::new(role, &self.rel), self.rel.log_id, object).await?;
        }
        if grant == Grant::Full {
            self.passed.fetch_or(bit(field), Ordering::Release);
        }
        Ok(grant)
    }

    /// For every field of an object inside a log (a message's body, a
    /// measure's deadline): the viewer must be able to read the object's kind,
    /// and a professional's read must be in the access log. An object reached
    /// through a guarded field of its log has passed that guard (one atomic
    /// load here); an object a mutation answers with has not, and its first
    /// field asks the policy and records the read. A mutation's answer is a
    /// read like any other (issue 14: `markMessageRead { body }` returned
    /// the body with no read entry).
    pub async fn content(&self, ctx: &Context<'_>, field: ReadField) -> ApiResult<()> {
        if self.passed.load(Ordering::Acquire) & bit(field) != 0 {
            return Ok(());
        }
        self.require(ctx, field).await
    }

    /// Like [`read`](Self::read) for fields that have no partial grants.
    pub async fn require(&self, ctx: &Context<'_>, field: ReadField) -> ApiResult<()> {
        self.read(ctx, field).await.map(drop)
    }

    /// For a guarded (nullable) field: the grant, or `None` after putting
    /// the FORBIDDEN error on this field, which then resolves to null while
    /// its parent survives.
    pub async fn grant(&self, ctx: &Context<'_>, field: ReadField) -> ApiResult<Option<Grant>> {
        match self.read(ctx, field).await {
            Ok(g) => Ok(Some(g)),
            Err(e @ ApiError::Forbidden(_)) => deny(ctx, e),
            Err(e) => Err(e),
        }
    }

    /// [`grant`](Self::grant) for fields that have no partial grants.
    pub async fn allows(&self, ctx: &Context<'_>, field: ReadField) -> ApiResult<bool> {
        Ok(self.grant(ctx, field).await?.is_some())
    }

    /// Whether the viewer may read a snapshot's content, asked without
    /// reading it (`ArchiveSnapshot.viewerCanReadContent`).
    pub fn may_read_snapshot(&self, restricted: bool) -> bool {
        read::sees_snapshot(read::best(&self.roles, ReadField::SnapshotContent).0, restricted)
    }

    /// Whether the viewer's roles grant any of `field`, asked without reading
    /// it (nothing is recorded): for what an answer may mention.
    pub fn may_read(&self, field: ReadField) -> bool {
        read::best(&self.roles, field).0 != Grant::Denied
    }

    /// Whether an answer may mention the family's consent dates (a refused
    /// paper consent's message): the viewer's roles read consents.
    pub fn may_mention_consents(&self) -> bool {
        self.may_read(ReadField::Consents)
    }

    /// The participant's unit, for grants limited to it.
    pub fn own_unit(&self) -> Option<Uuid> {
        self.roles.contains(Role::Participant).then_some(self.rel.participant_unit_id).flatten()
    }
}

/// Resolves a nullable field to null with `error` on it. (Returning the
/// error instead would make async-graphql leave the field out altogether.)
pub fn deny<T>(ctx: &Context<'_>, error: ApiError) -> ApiResult<Option<T>> {
    let error: async_graphql::Error = error.into();
    ctx.add_error(ctx.set_error_path(error.into_server_error(ctx.item.pos)));
    Ok(None)
}

fn bit(field: ReadField) -> u32 {
    1 << (field as u32)
}

fn describe(field: ReadField) -> &'static str {
    match field {
        ReadField::LogMetadata => "the log",
        ReadField::ChildName => "the child's name",
        ReadField::ChildBirthDate => "the child's date of birth",
        ReadField::ChildNationalId => "the child's national id",
        ReadField::LogText => "the log's texts",
        ReadField::Goals => "goals and measures",
        ReadField::Meetings => "meetings",
        ReadField::Messages => "messages",
        ReadField::ParticipantBasics => "participants",
        ReadField::ParticipantContact => "participants' contact details",
        ReadField::GuardianName => "guardians",
        ReadField::GuardianPrivate => "this guardian's personal details",
        ReadField::Consents => "consents",
        ReadField::AccessLog => "the access log",
        ReadField::Snapshots => "archive snapshots",
        ReadField::SnapshotContent => "this snapshot's content",
        ReadField::DeletionReason => "the family's reason for the deletion request",
        ReadField::ClosedReason => "why the log was closed",
    }
}
