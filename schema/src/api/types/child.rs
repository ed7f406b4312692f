//! The child (or young person) the log is about.

use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::api::scalars::Date;
use crate::db::logs;
use crate::error::ApiResult;
use crate::policy::ReadField;
use async_graphql::{Context, ID, Object};
use chrono::{Datelike, NaiveDate, Utc};
use std::sync::Arc;

pub struct Child {
    row: logs::ChildRow,
    access: Arc<LogAccess>,
}

impl Child {
    pub fn new(row: logs::ChildRow, access: Arc<LogAccess>) -> Child {
        Child { row, access }
    }
}

/// Whole years between `birth` and `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// The child or young person the log is about (possibly unborn). At the
/// municipality's consent age the child becomes an owner of the log (role YOUTH).
#[Object]
impl Child {
    /// The child's id: use it as `responsibleId`, `ownerId` or a recipient
    /// once the child is an owner of the log. It names her everywhere in the
    /// log, also once she signs in herself (role YOUTH), where her `Me.id`
    /// is her citizen id: the record is older than her login.
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// The child's name; never null, since the `Person` interface needs it.
    /// Readable by: guardians, the youth, the coordinator, participants, the
    /// home unit's admins and leaders, the municipal admin.
    pub async fn name(&self) -> String {
        debug_assert!(
            self.access
                .roles
                .iter()
                .all(|r| crate::policy::read::grant(r, ReadField::ChildName) == crate::policy::Grant::Full)
        );
        self.row.name.clone()
    }

    /// Date of birth, or an unborn child's due date; null when neither is
    /// known. Readable by: guardians, the youth, the coordinator, participants.
    async fn birth_date(&self, ctx: &Context<'_>) -> ApiResult<Option<Date>> {
        if !self.access.allows(ctx, ReadField::ChildBirthDate).await? {
            return Ok(None);
        }
        Ok(self.row.birth_date.map(Date))
    }

    /// Age in whole years today (-1 for an unborn child); null when the date
    /// of birth is unknown. Readable by: guardians, the youth, the
    /// coordinator, participants.
    async fn age(&self, ctx: &Context<'_>) -> ApiResult<Option<i32>> {
        if !self.access.allows(ctx, ReadField::ChildBirthDate).await? {
            return Ok(None);
        }
        Ok(self.row.birth_date.map(|b| age_on(b, Utc::now().date_naive())))
    }

    /// Fødselsnummer or D-nummer (11 digits); null for a child without one
    /// (unborn). Readable by: guardians, the youth, the coordinator.
    async fn national_id(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        if !self.access.allows(ctx, ReadField::ChildNationalId).await? {
            return Ok(None);
        }
        Ok(self.row.national_id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::age_on;
    use chrono::NaiveDate;

    #[test]
    fn age_counts_whole_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(age_on(d(2010, 5, 10), d(2026, 5, 9)), 15);
        assert_eq!(age_on(d(2010, 5, 10), d(2026, 5, 10)), 16);
    }
}
