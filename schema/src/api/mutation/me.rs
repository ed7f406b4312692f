//! What you change about yourself: the language the service writes to you in.

use super::payload::{answer, payload};
use crate::context::rc;
use crate::db::enums::Language;
use crate::db::languages;
use crate::error::ApiResult;
use async_graphql::{Context, InputObject, Object};

/// Your language.
#[derive(InputObject)]
pub struct SetLanguageInput {
    /// NB (bokmål), NN (nynorsk) or EN (English)
    pub language: Language,
}

payload! {
    /// The answer of `setLanguage`.
    SetLanguagePayload {
        /// your language now (`Me.language`)
        language: Language,
    }
}

#[derive(Default)]
pub struct MeMutations;

#[Object]
impl MeMutations {
    /// Chooses the language the service writes to you in: the messages it
    /// writes (invitations, meeting changes, minutes headers, notices, also
    /// those sent before: each is kept in every language), calendar files
    /// and the refusals in `userErrors`. Anyone signed in may, for
    /// themselves only. Messages people write are read as written.
    async fn set_language(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Your language.")] input: SetLanguageInput,
    ) -> ApiResult<SetLanguagePayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let mut conn = rc.conn().await?;
            languages::set(&mut conn, rc.principal.person_id(), input.language).await?;
            Ok(SetLanguagePayload { language: Some(input.language), ..Default::default() })
        })
        .await
    }
}
