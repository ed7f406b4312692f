//! `me`: who the token says you are.

use super::notification::NotificationSetting;
use super::people::Unit;
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::{MunicipalRoleKind, PersonKind, UnitRoleKind};
use crate::error::ApiResult;
use crate::principal::Principal;
use async_graphql::{Context, ID, Object, SimpleObject};

pub struct Me;

/// One of your roles in a unit.
#[derive(SimpleObject)]
pub struct UnitMembership {
    /// the unit
    pub unit: Unit,
    /// your role in it
    pub role: UnitRoleKind,
}

/// You, as the token that signed you in says.
#[Object]
impl Me {
    /// Your person id (as a guardian, also your `Guardian.id`).
    async fn id(&self, ctx: &Context<'_>) -> ID {
        id(rc(ctx).principal.person_id())
    }

    /// STAFF (signed in through the municipality's identity provider) or
    /// CITIZEN (through ID-porten).
    async fn kind(&self, ctx: &Context<'_>) -> PersonKind {
        rc(ctx).principal.kind()
    }

    /// The language the service writes to you in (messages it sends,
    /// calendar files): bokmål until you choose with `setLanguage`.
    async fn language(&self, ctx: &Context<'_>) -> ApiResult<crate::db::enums::Language> {
        rc(ctx).language().await
    }

    /// Your name as registered; empty when none is registered.
    async fn name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let rc = rc(ctx);
        let person = rc.loaders.person().load_one(rc.principal.person_id()).await?;
        Ok(person.map(|p| p.name).unwrap_or_default())
    }

    /// Your e-mail address, where the service tells you of things outside
    /// the app (`notificationSettings`): staff's from their registration,
    /// a citizen's as entered. Null when none is registered.
    async fn email(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        let rc = rc(ctx);
        let person = rc.loaders.person().load_one(rc.principal.person_id()).await?;
        Ok(person.and_then(|p| p.email))
    }

    /// Your mobile number, for SMS (`notificationSettings`); null when none
    /// is registered.
    async fn phone(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        let rc = rc(ctx);
        let person = rc.loaders.person().load_one(rc.principal.person_id()).await?;
        Ok(person.and_then(|p| p.phone))
    }

    /// How you are told of things outside the app, one setting per kind:
    /// your choice (`updateNotificationSettings`), else the default,
    /// immediate e-mail with SMS off.
    async fn notification_settings(&self, ctx: &Context<'_>) -> ApiResult<Vec<NotificationSetting>> {
        let rc = rc(ctx);
        let mut conn = rc.conn().await?;
        let chosen = crate::db::notifications::chosen(&mut conn, rc.principal.person_id()).await?;
        Ok(NotificationSetting::all(&chosen))
    }

    /// Your own fødselsnummer (11 digits); null for staff.
    async fn national_id(&self, ctx: &Context<'_>) -> Option<String> {
        match &rc(ctx).principal {
            Principal::Citizen { national_id, .. } => Some(national_id.clone()),
            Principal::Staff { .. } => None,
        }
    }

    /// Your roles in units; empty for citizens.
    async fn units(&self, ctx: &Context<'_>) -> ApiResult<Vec<UnitMembership>> {
        let rc = rc(ctx);
        let roles = rc.principal.unit_roles();
        let units = rc.loaders.unit().load_many(roles.iter().map(|r| r.unit_id)).await?;
        Ok(roles
            .iter()
            .filter_map(|r| Some(UnitMembership { unit: Unit(units.get(&r.unit_id)?.clone()), role: r.role }))
            .collect())
    }

    /// Your roles in your whole municipality; empty for citizens and most staff.
    async fn municipal_roles(&self, ctx: &Context<'_>) -> Vec<MunicipalRoleKind> {
        rc(ctx).principal.municipal_roles().iter().map(|r| r.role).collect()
    }
}
