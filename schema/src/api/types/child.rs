//! The child (or young person) the log is about.

use crate::api::guard::LogAccess;
use crate::api::ids::id;
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

#[Object]
impl Child {
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// Readable by everyone who may see the log (read table row "child
    /// name"); it is not guarded because the `Person` interface needs it non-null.
    pub async fn name(&self) -> String {
        debug_assert!(
            self.access
                .roles
                .iter()
                .all(|r| crate::policy::read::grant(r, ReadField::ChildName) == crate::policy::Grant::Full)
        );
        self.row.name.clone()
    }

    /// Null for an unborn child without a known date.
    async fn birth_date(&self, ctx: &Context<'_>) -> ApiResult<Option<NaiveDate>> {
        if !self.access.allows(ctx, ReadField::ChildBirthDate).await? {
            return Ok(None);
        }
        Ok(self.row.birth_date)
    }

    /// Age in whole years today; null when the date of birth is unknown.
    async fn age(&self, ctx: &Context<'_>) -> ApiResult<Option<i32>> {
        if !self.access.allows(ctx, ReadField::ChildBirthDate).await? {
            return Ok(None);
        }
        Ok(self.row.birth_date.map(|b| age_on(b, Utc::now().date_naive())))
    }

    /// fødselsnummer; null for an unborn child.
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
