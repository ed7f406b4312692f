//! The engine behind every subscription: replay from PostgreSQL after the
//! client's cursor, then live events from the hub, with no gap and no
//! duplicate; access checked when the subscription starts and for every
//! event; and a one-log subscription ended with FORBIDDEN the moment its
//! subscriber loses access (an event that changes access, or a consent
//! expiring with no event at all).
//!
//! (This module must not import `diesel_async::RunQueryDsl`: its blanket
//! methods confuse the `#[Subscription]` macro.)

use crate::api::guard::LogAccess;
use crate::context::RequestContext;
use crate::db::enums::{EventKind, LogStatus, ObjectType};
use crate::error::{ApiError, ApiResult};
use crate::events::hub::{Hub, PAGE, StoredEvent};
use crate::policy::{Acting, Grant, ReadField, Role, read, relation};
use chrono::Utc;
use futures_util::Stream;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use uuid::Uuid;

/// How long a cached access decision is trusted when nothing says it changed.
const RECHECK: Duration = Duration::from_secs(60);

pub type Item = (Arc<StoredEvent>, Arc<LogAccess>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// one log: losing access ends the subscription with FORBIDDEN
    Log(Uuid),
    /// every log the subscriber may read: lost logs just fall silent
    AllMyLogs,
}

/// Whether a subscriber is an audience of an event, given their access to its log.
pub type Audience = Box<dyn Fn(&StoredEvent, &LogAccess) -> bool + Send + Sync>;

/// What a subscription listens to.
pub struct Feed {
    pub scope: Scope,
    /// the grant the subscriber needs in a log to receive its events
    pub needs: ReadField,
    /// the event kinds delivered
    pub kinds: fn(EventKind) -> bool,
    /// whether this subscriber is an audience of this event
    pub audience: Audience,
    /// recorded in the access log when a professional subscribes to one log,
    /// or first receives content of a log through a subscription to all
    pub object: ObjectType,
    /// what [`check_start`] found, so the feed need not look again
    pub checked: Option<Checked>,
}

/// The subscriber's access to a one-log feed, as checked when it started.
pub struct Checked(Arc<LogAccess>);

/// Events that may change who has access to a log. A write that changes
/// access emits one of these before its other events: a subscription checks
/// access again at it, so the write's other events reach only those who
/// still have access.
pub fn changes_access(kind: EventKind) -> bool {
    use EventKind::*;
    matches!(
        kind,
        ConsentGiven
            | ConsentWithdrawn
            | ConsentAgeChanged
            | StatusChanged
            | ParticipantJoined
            | ParticipantLeft
            | CoordinatorHandedOver
            | CoordinatorDeactivated
            | CoordinatorReassigned
            | YouthCameOfAge
            | GuardianAdded
            | GuardianRemoved
            | LogDeleted
    )
}

/// Checks that the subscriber may follow `log_id` now: NOT_FOUND when the
/// log is hidden (as if absent), FORBIDDEN when visible without the grant.
pub async fn check_start(rc: &RequestContext, log_id: Uuid, needs: ReadField) -> ApiResult<Checked> {
    match access(rc, log_id).await? {
        None => Err(ApiError::NotFound("Log")),
        Some(a) if grant(&a, needs) == Grant::Denied => {
            Err(ApiError::forbidden("your role in this log does not give access to this subscription"))
        }
        Some(a) => Ok(Checked(a)),
    }
}

/// Starts the feed; items arrive in seq order.
pub fn start(
    rc: Arc<RequestContext>,
    hub: Arc<Hub>,
    feed: Feed,
    after: Option<i64>,
) -> impl Stream<Item = ApiResult<Item>> {
    let (tx, rx) = mpsc::channel(64);
    // Subscribe before anything is read, so nothing falls between replay and live.
    let (live, now) = match feed.scope {
        Scope::Log(log_id) => hub.subscribe_log(log_id),
        Scope::AllMyLogs => hub.subscribe(),
    };
    tokio::spawn(async move {
        let mut run =
            Run { rc, hub, feed, tx, cache: HashMap::new(), last: after.unwrap_or(now), members: None, stale: false };
        if let Err(e) = run.go(live).await {
            let _ = run.tx.send(Err(e)).await;
        }
    });
    ReceiverStream::new(rx)
}

struct Cached {
    access: Option<Arc<LogAccess>>,
    until: chrono::DateTime<Utc>,
}

struct Run {
    rc: Arc<RequestContext>,
    hub: Arc<Hub>,
    feed: Feed,
    tx: mpsc::Sender<ApiResult<Item>>,
    cache: HashMap<Uuid, Cached>,
    /// the seq of the last event handled
    last: i64,
    /// for a subscription to all one's logs: the logs one has a personal
    /// relation to (see [`Run::load_members`]); events of other logs are
    /// skipped without a statement
    members: Option<HashSet<Uuid>>,
    /// an event may have made the subscriber a member of a log outside `members`
    stale: bool,
}

/// Whether to go on after an event.
enum Flow {
    Continue,
    Stop,
}

impl Run {
    async fn go(&mut self, mut live: broadcast::Receiver<Arc<StoredEvent>>) -> ApiResult<()> {
        if let Scope::Log(log_id) = self.feed.scope {
            if let Some(Checked(access)) = self.feed.checked.take() {
                self.remember(log_id, Some(access));
            }
            // Decide access and record a professional's read now, as the
            // subscription starts, rather than at its first event: when a
            // message goes to a log thousands follow, the first event would
            // otherwise cost each of them a relation query and an access-log
            // insert at the same moment.
            let Some(access) = self.readable(log_id).await? else {
                self.lost().await;
                return Ok(());
            };
            self.audit(&access).await?;
        } else {
            self.load_members().await?;
        }
        if let Flow::Stop = self.replay().await? {
            return Ok(());
        }
        loop {
            let recheck = self.next_recheck();
            tokio::select! {
                _ = self.tx.closed() => return Ok(()),
                _ = tokio::time::sleep(recheck) => {
                    if let Scope::Log(log_id) = self.feed.scope {
                        self.cache.remove(&log_id);
                        if let Flow::Stop = self.ensure_access(log_id).await? {
                            return Ok(());
                        }
                    }
                }
                received = live.recv() => match received {
                    Ok(event) => {
                        if event.seq <= self.last {
                            continue;
                        }
                        let seq = event.seq;
                        let flow = self.handle(event).await?;
                        self.last = seq;
                        if let Flow::Stop = flow {
                            return Ok(());
                        }
                    }
                    // Fell behind the hub's buffer: read what was missed from PostgreSQL.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        if let Flow::Stop = self.replay().await? {
                            return Ok(());
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                },
            }
        }
    }

    /// Delivers the stored events after `last`, page by page.
    async fn replay(&mut self) -> ApiResult<Flow> {
        loop {
            // Nothing is newer than what the hub has delivered, and whatever
            // it delivers next arrives live: no need to ask PostgreSQL. (A new
            // subscription without `after` always starts here.)
            if self.last >= self.hub.last_seq() {
                return Ok(Flow::Continue);
            }
            let batch = match self.feed.scope {
                Scope::Log(log_id) => self.hub.replay_log(self.last, log_id, PAGE).await?,
                Scope::AllMyLogs => self.hub.replay(self.last, None, PAGE).await?,
            };
            let done = (batch.len() as i64) < PAGE;
            for event in batch {
                let seq = event.seq;
                let flow = self.handle(Arc::new(event)).await?;
                self.last = seq;
                if let Flow::Stop = flow {
                    return Ok(Flow::Stop);
                }
            }
            if done {
                return Ok(Flow::Continue);
            }
        }
    }

    async fn handle(&mut self, event: Arc<StoredEvent>) -> ApiResult<Flow> {
        if let Scope::Log(log_id) = self.feed.scope
            && event.log_id != log_id
        {
            return Ok(Flow::Continue);
        }
        let access_event = changes_access(event.kind);
        if !self.is_member(&event).await? {
            return Ok(Flow::Continue);
        }
        if access_event {
            self.cache.remove(&event.log_id);
        }
        let wanted = (self.feed.kinds)(event.kind);
        // A one-log subscription checks every access change at once, to end promptly.
        let watch = access_event && matches!(self.feed.scope, Scope::Log(_));
        if !wanted && !watch {
            return Ok(Flow::Continue);
        }
        let Some(access) = self.readable(event.log_id).await? else {
            return Ok(match self.feed.scope {
                Scope::Log(_) => self.lost().await,
                Scope::AllMyLogs => Flow::Continue,
            });
        };
        if !wanted || !(self.feed.audience)(&event, &access) {
            return Ok(Flow::Continue);
        }
        self.audit(&access).await?;
        // Whatever this subscription's loaders cached was read before this
        // event was committed; resolving it must read anew.
        self.rc.loaders.clear();
        if self.tx.send(Ok((event, access))).await.is_err() {
            return Ok(Flow::Stop);
        }
        Ok(Flow::Continue)
    }

    /// For a subscription to all one's logs, loads the logs that can give
    /// the feed's grant: those the subscriber is a guardian, the youth, a
    /// participant or the coordinator of. Admin roles never give the grants
    /// these feeds need (content), so the logs of a whole unit or
    /// municipality are not held per subscription.
    ///
    /// Without this set, each event of a log the subscriber has no relation
    /// to cost every such subscription a relation query: 200 all-logs
    /// subscriptions of an outsider turned 15 posts into 3,454 statements
    /// instead of 546 (issue 14).
    async fn load_members(&mut self) -> ApiResult<()> {
        let admins_denied = [Role::UnitAdmin, Role::MunicipalAdmin]
            .into_iter()
            .all(|r| read::grant(r, self.feed.needs) == Grant::Denied);
        if !admins_denied {
            // A feed admins could read would need every log of their units; none exists today.
            self.members = None;
            return Ok(());
        }
        let mut conn = self.rc.conn().await?;
        let logs = relation::personal_candidates(&mut conn, self.rc.principal.person_id()).await?;
        self.members = Some(logs.into_iter().collect());
        self.stale = false;
        Ok(())
    }

    /// Whether an event's log may concern this subscription. Only a new log
    /// (a DRAFT is created) or joining a log as a participant makes someone
    /// a member of a log they were not; those events mark the set stale, and
    /// it is reloaded, once, when an event of a log outside it arrives.
    async fn is_member(&mut self, event: &StoredEvent) -> ApiResult<bool> {
        let Some(members) = &self.members else { return Ok(true) };
        if members.contains(&event.log_id) {
            return Ok(true);
        }
        let me = self.rc.principal.person_id();
        let may_add_me = match event.kind {
            EventKind::StatusChanged => event.payload.status == Some(LogStatus::Draft),
            EventKind::ParticipantJoined => event.payload.staff_id == Some(me),
            _ => false,
        };
        if may_add_me {
            self.stale = true;
            return Ok(false);
        }
        if !self.stale {
            return Ok(false);
        }
        self.load_members().await?;
        Ok(self.members.as_ref().is_none_or(|m| m.contains(&event.log_id)))
    }

    /// The subscriber's access to a log if it still gives the feed's grant.
    async fn readable(&mut self, log_id: Uuid) -> ApiResult<Option<Arc<LogAccess>>> {
        let now = Utc::now();
        if let Some(c) = self.cache.get(&log_id).filter(|c| c.until > now) {
            return Ok(c.access.clone());
        }
        let found = access(&self.rc, log_id).await?;
        Ok(self.remember(log_id, found))
    }

    /// Caches an access decision until it may change; returns the access if
    /// it gives the feed's grant.
    fn remember(&mut self, log_id: Uuid, found: Option<Arc<LogAccess>>) -> Option<Arc<LogAccess>> {
        let now = Utc::now();
        let until = found.as_ref().and_then(|a| a.rel.changes_at).map_or(now + RECHECK, |t| t.min(now + RECHECK));
        let access = found.filter(|a| grant(a, self.feed.needs) != Grant::Denied);
        self.cache.insert(log_id, Cached { access: access.clone(), until });
        access
    }

    async fn ensure_access(&mut self, log_id: Uuid) -> ApiResult<Flow> {
        match self.readable(log_id).await? {
            Some(_) => Ok(Flow::Continue),
            None => Ok(self.lost().await),
        }
    }

    async fn lost(&self) -> Flow {
        let _ = self.tx.send(Err(ApiError::forbidden("access to this log was lost; the subscription has ended"))).await;
        Flow::Stop
    }

    fn next_recheck(&self) -> Duration {
        let Scope::Log(log_id) = self.feed.scope else { return RECHECK };
        self.cache.get(&log_id).map(|c| (c.until - Utc::now()).to_std().unwrap_or(Duration::ZERO)).unwrap_or(RECHECK)
    }

    /// A professional following or receiving content is a read: one entry per
    /// subscription and log (the request's `ReadAudit` keeps it to one).
    async fn audit(&self, access: &LogAccess) -> ApiResult<()> {
        if access.roles.is_owner() {
            return Ok(());
        }
        let (_, role) = read::best(&access.roles, self.feed.needs);
        let Some(role) = role else { return Ok(()) };
        self.rc
            .audit
            .record_read(&self.rc, access.viewer, Acting::new(role, &access.rel), access.log_id(), self.feed.object)
            .await
    }
}

async fn access(rc: &RequestContext, log_id: Uuid) -> ApiResult<Option<Arc<LogAccess>>> {
    let mut conn = rc.conn().await?;
    let rel = relation::load(&mut conn, rc.principal.person_id(), &[log_id]).await?.into_iter().next();
    drop(conn);
    Ok(rel.map(|r| LogAccess::new(r, rc.principal.person_id())).filter(|a| !a.roles.is_outsider()))
}

fn grant(access: &LogAccess, needs: ReadField) -> Grant {
    read::best(&access.roles, needs).0
}
