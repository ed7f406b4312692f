//! The life of a log (DESIGN.md §2), and the only writer of `log.status`,
//! `closed_at`, `closed_reason` and `deleted_at`, and of `log_closure` (why
//! and by whom a closed log was closed).
//!
//! A log is created DRAFT (`logs::insert`); from then on every change of
//! its status is a [`Transition`] applied here, allowed only from the
//! statuses [`TABLE`] lists. Each is one conditional `UPDATE`, so a
//! transition that does not apply to the stored status changes nothing
//! and says so (`Ok(None)`). A deleted log takes no transition at all.
//!
//! Readers see the *effective* status (`effective_status_sql!`): an ACTIVE log
//! whose consents have lapsed (an expiry, which writes nothing) reads PASSIVE.

use super::enums::{ClosingReason, LogStatus};
use super::schema::{log, log_closure};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// A change of a log's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// every owner has consented (first time, or again after a withdrawal)
    Activate,
    /// an owner withdrew their consent
    Passivate,
    /// an owner demanded it, the goals are met, or a deletion is processed
    Close,
    /// every owner approved a reopening request
    Reopen,
    /// a processed deletion request: the live content is gone; the status
    /// stays CLOSED and the log is marked deleted for good
    Delete,
}

use LogStatus::{Active, Closed, Draft, Passive};
use Transition::*;

/// Every allowed transition: (from, transition, to). Anything not listed is
/// refused. The unit test below checks the table against [`target`] and
/// that it is the whole story.
pub const TABLE: &[(LogStatus, Transition, LogStatus)] = &[
    (Draft, Activate, Active),
    (Passive, Activate, Active),
    (Active, Passivate, Passive),
    (Draft, Close, Closed),
    (Active, Close, Closed),
    (Passive, Close, Closed),
    (Closed, Reopen, Active),
    (Closed, Delete, Closed),
];

/// The status a transition leads to (whatever it starts from).
pub const fn target(t: Transition) -> LogStatus {
    match t {
        Activate | Reopen => Active,
        Passivate => Passive,
        Close | Delete => Closed,
    }
}

/// The statuses a transition may start from.
pub fn sources(t: Transition) -> Vec<LogStatus> {
    TABLE.iter().filter(|(_, tt, _)| *tt == t).map(|(from, _, _)| *from).collect()
}

/// Why and by whom a log is closed, for [`Transition::Close`].
#[derive(Debug, Clone, Copy)]
pub struct Closing<'a> {
    pub reason: ClosingReason,
    /// the coordinator's words (required for OTHER by the mutation)
    pub details: Option<&'a str>,
    /// who closed it; None for data made before it was recorded
    pub by: Option<Uuid>,
}

/// Why each closed log among `log_ids` was closed (the words are the log
/// row's `closed_reason`, which the reader has already).
#[derive(Debug, Clone, Queryable)]
pub struct ClosureRow {
    pub log_id: Uuid,
    pub reason: ClosingReason,
}

pub async fn closures_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<ClosureRow>> {
    log_closure::table
        .filter(log_closure::log_id.eq_any(log_ids))
        .select((log_closure::log_id, log_closure::reason))
        .load(conn)
        .await
}

/// Applies `t` to the (locked) log at `at`, with why and by whom for
/// [`Transition::Close`]. Returns the new status, or `None` when the stored
/// status does not allow `t` (nothing is written then).
pub async fn apply(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    t: Transition,
    closing: Option<Closing<'_>>,
    at: DateTime<Utc>,
) -> QueryResult<Option<LogStatus>> {
    let allowed =
        log::table.filter(log::id.eq(log_id)).filter(log::deleted_at.is_null()).filter(log::status.eq_any(sources(t)));
    let to = target(t);
    let changed = match t {
        Activate | Passivate => {
            diesel::update(allowed).set((log::status.eq(to), log::updated_at.eq(at))).execute(conn).await?
        }
        Close => {
            let closing = closing.unwrap_or(Closing { reason: ClosingReason::Other, details: None, by: None });
            let n = diesel::update(allowed)
                .set((
                    log::status.eq(to),
                    log::closed_at.eq(at),
                    log::closed_reason.eq(closing.details),
                    log::updated_at.eq(at),
                ))
                .execute(conn)
                .await?;
            if n == 1 {
                diesel::insert_into(log_closure::table)
                    .values((
                        log_closure::log_id.eq(log_id),
                        log_closure::reason.eq(closing.reason),
                        log_closure::closed_by.eq(closing.by),
                    ))
                    .on_conflict(log_closure::log_id)
                    .do_update()
                    .set((log_closure::reason.eq(closing.reason), log_closure::closed_by.eq(closing.by)))
                    .execute(conn)
                    .await?;
            }
            n
        }
        Reopen => {
            let n = diesel::update(allowed)
                .set((
                    log::status.eq(to),
                    log::closed_at.eq(None::<DateTime<Utc>>),
                    log::closed_reason.eq(None::<String>),
                    log::updated_at.eq(at),
                ))
                .execute(conn)
                .await?;
            if n == 1 {
                diesel::delete(log_closure::table.find(log_id)).execute(conn).await?;
            }
            n
        }
        Delete => diesel::update(allowed).set((log::deleted_at.eq(at), log::updated_at.eq(at))).execute(conn).await?,
    };
    Ok((changed == 1).then_some(to))
}

/// The effective status in SQL, over a log `l` and a lateral `f` holding
/// `log_consent_complete(l.id) AS consent_complete` (the policy relation's
/// query): an ACTIVE log whose consents lapsed reads PASSIVE. The database
/// function `log_effective_status()` says the same. A macro, so that the
/// policy relation's query stays one `concat!`ed constant.
macro_rules! effective_status_sql {
    () => {
        "CASE WHEN l.status = 'ACTIVE' AND NOT f.consent_complete THEN 'PASSIVE' ELSE l.status END"
    };
}
pub(crate) use effective_status_sql;

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Transition; 5] = [Activate, Passivate, Close, Reopen, Delete];

    /// The life of a log as DESIGN.md §2 tells it, written out in full:
    /// every (status, transition) pair and where it leads, `None` where it
    /// is refused.
    #[test]
    fn the_transitions_are_exactly_the_designed_ones() {
        let expected: [(LogStatus, [Option<LogStatus>; 5]); 4] = [
            //           Activate      Passivate      Close         Reopen        Delete
            (Draft, [Some(Active), None, Some(Closed), None, None]),
            (Active, [None, Some(Passive), Some(Closed), None, None]),
            (Passive, [Some(Active), None, Some(Closed), None, None]),
            (Closed, [None, None, None, Some(Active), Some(Closed)]),
        ];
        for (from, row) in expected {
            for (t, want) in ALL.into_iter().zip(row) {
                let got = TABLE.iter().find(|(f, tt, _)| *f == from && *tt == t).map(|(_, _, to)| *to);
                assert_eq!(got, want, "{from:?} --{t:?}-->");
            }
        }
        for (from, t, to) in TABLE {
            assert_eq!(*to, target(*t), "{from:?} --{t:?}--> leads where `apply` writes");
        }
    }

    #[test]
    fn nothing_leads_back_to_draft() {
        assert!(TABLE.iter().all(|(_, _, to)| *to != Draft));
    }
}
