//! `me`: who the token says you are.

use super::people::Unit;
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::{MunicipalRoleKind, PersonKind, UnitRoleKind};
use crate::error::ApiResult;
use crate::principal::Principal;
use async_graphql::{Context, ID, Object, SimpleObject};

pub struct Me;

#[derive(SimpleObject)]
pub struct UnitMembership {
    pub unit: Unit,
    pub role: UnitRoleKind,
}

#[Object]
impl Me {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        id(rc(ctx).principal.person_id())
    }

    async fn kind(&self, ctx: &Context<'_>) -> PersonKind {
        rc(ctx).principal.kind()
    }

    async fn name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let rc = rc(ctx);
        let person = rc.loaders.person().load_one(rc.principal.person_id()).await?;
        Ok(person.map(|p| p.name).unwrap_or_default())
    }

    /// Your own fødselsnummer (citizens only).
    async fn national_id(&self, ctx: &Context<'_>) -> Option<String> {
        match &rc(ctx).principal {
            Principal::Citizen { national_id, .. } => Some(national_id.clone()),
            Principal::Staff { .. } => None,
        }
    }

    /// Your roles in units (staff only).
    async fn units(&self, ctx: &Context<'_>) -> ApiResult<Vec<UnitMembership>> {
        let rc = rc(ctx);
        let roles = rc.principal.unit_roles();
        let units = rc.loaders.unit().load_many(roles.iter().map(|r| r.unit_id)).await?;
        Ok(roles
            .iter()
            .filter_map(|r| Some(UnitMembership { unit: Unit(units.get(&r.unit_id)?.clone()), role: r.role }))
            .collect())
    }

    async fn municipal_roles(&self, ctx: &Context<'_>) -> Vec<MunicipalRoleKind> {
        rc(ctx).principal.municipal_roles().iter().map(|r| r.role).collect()
    }
}
