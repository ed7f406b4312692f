//! Turning the ids clients send for people in a log (participant ids,
//! guardian ids, the child's id) into person ids, refusing anyone who has no
//! place in the log.

use crate::db::{logs, org, people};
use crate::error::{ApiError, ApiResult};
use crate::words;
use diesel_async::AsyncPgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// Person ids for `ids`, in order, without duplicates. Participants must
/// still take part; the child counts only once they are an owner (youth).
pub async fn resolve(conn: &mut AsyncPgConnection, log_id: Uuid, ids: &[Uuid], field: &str) -> ApiResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: HashMap<Uuid, Uuid> = HashMap::new();
    found.extend(people::active_participants_among(conn, log_id, ids).await?.into_iter().map(|p| (p, p)));
    found.extend(people::guardians_among(conn, log_id, ids).await?.into_iter().map(|g| (g, g)));
    let (child_id, child_name, child_nid) = logs::child_of(conn, log_id).await?;
    if ids.contains(&child_id)
        && let Some(youth) = youth(conn, log_id, &child_name, child_nid.as_deref()).await?
    {
        found.insert(child_id, youth);
    }
    let mut out = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let person = found.get(id).ok_or_else(|| {
            // In a list (`recipientIds`), the index says which id it is.
            let at = if field.ends_with("Ids") { format!("{field}[{i}]") } else { field.to_owned() };
            ApiError::bad_field(at, words!("error-not-in-log", field, id))
        })?;
        if !out.contains(person) {
            out.push(*person);
        }
    }
    Ok(out)
}

/// Those of `person_ids` (as stored: participants', guardians' and the
/// youth owner's person ids) who are still in the log: a participant who
/// left, or a guardian removed, is told nothing more of it.
pub async fn still_in_log(conn: &mut AsyncPgConnection, log_id: Uuid, person_ids: &[Uuid]) -> ApiResult<Vec<Uuid>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut present: Vec<Uuid> = people::active_participants_among(conn, log_id, person_ids).await?;
    present.extend(people::guardians_among(conn, log_id, person_ids).await?);
    let (_, child_name, child_nid) = logs::child_of(conn, log_id).await?;
    if let Some(youth) = youth(conn, log_id, &child_name, child_nid.as_deref()).await?
        && person_ids.contains(&youth)
    {
        present.push(youth);
    }
    Ok(person_ids.iter().copied().filter(|p| present.contains(p)).collect())
}

/// One person id for `id`.
pub async fn resolve_one(conn: &mut AsyncPgConnection, log_id: Uuid, id: Uuid, field: &str) -> ApiResult<Uuid> {
    Ok(resolve(conn, log_id, &[id], field).await?[0])
}

/// The youth owner's person id, creating their citizen record from the
/// child's national id if they have never logged in; `None` below consent age.
pub async fn youth(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    child_name: &str,
    child_national_id: Option<&str>,
) -> ApiResult<Option<Uuid>> {
    let Some(nid) = child_national_id else {
        return Ok(None);
    };
    if !logs::child_at_consent_age(conn, log_id).await? {
        return Ok(None);
    }
    Ok(Some(org::ensure_citizen(conn, nid, child_name, None, None).await?))
}
