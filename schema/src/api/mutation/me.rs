//! What you change about yourself: the language the service writes to you
//! in, and how it tells you of things outside the app.

use super::payload::{answer, payload};
use crate::api::types::notification::NotificationSetting;
use crate::context::rc;
use crate::db::enums::{Language, NotificationChannel, NotificationKind, NotificationTiming};
use crate::db::languages;
use crate::db::notifications::{self, Chosen};
use crate::error::{ApiError, ApiResult};
use crate::words;
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

/// How to be told of one kind of thing.
#[derive(InputObject)]
pub struct NotificationSettingInput {
    /// what it is about
    pub kind: NotificationKind,
    /// by e-mail, SMS, both, or not outside the app
    pub channel: NotificationChannel,
    /// as it happens, or in the daily digest
    pub timing: NotificationTiming,
}

/// Your choices; kinds not given stay as they are.
#[derive(InputObject)]
pub struct UpdateNotificationSettingsInput {
    /// one setting per kind, each kind at most once
    pub settings: Vec<NotificationSettingInput>,
}

payload! {
    /// The answer of `updateNotificationSettings`.
    UpdateNotificationSettingsPayload {
        /// every kind's setting now (`Me.notificationSettings`)
        settings: Vec<NotificationSetting>,
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

    /// Chooses how you are told of each kind of thing outside the app: by
    /// e-mail, SMS, both or not at all, at once or in the daily digest.
    /// Anyone signed in may, for themselves only. Kinds not given stay as
    /// they are; a kind given twice is refused (BAD_USER_INPUT).
    async fn update_notification_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Your choices.")] input: UpdateNotificationSettingsInput,
    ) -> ApiResult<UpdateNotificationSettingsPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            if input.settings.is_empty() {
                return Err(ApiError::bad_field("settings", words!("error-nothing-to-change")));
            }
            let mut settings: Vec<Chosen> = Vec::with_capacity(input.settings.len());
            for (i, s) in input.settings.iter().enumerate() {
                // At most one per kind, so the list is bounded by the kinds.
                if settings.iter().any(|c| c.kind == s.kind) {
                    return Err(ApiError::bad_field(
                        format!("settings[{i}].kind"),
                        words!("error-kind-twice", kind = s.kind.as_str()),
                    ));
                }
                settings.push(Chosen { kind: s.kind, channel: s.channel, timing: s.timing });
            }
            let mut conn = rc.conn().await?;
            let person = rc.principal.person_id();
            notifications::choose(&mut conn, person, &settings).await?;
            let now = notifications::chosen(&mut conn, person).await?;
            Ok(UpdateNotificationSettingsPayload {
                settings: Some(NotificationSetting::all(&now)),
                ..Default::default()
            })
        })
        .await
    }
}
