//! GraphQL `ID`s are UUIDs. A malformed id is the client's mistake and says
//! so; a well-formed id of something the caller may not see is NOT_FOUND.

use crate::error::{ApiError, ApiResult};
use async_graphql::ID;
use uuid::Uuid;

pub fn parse(id: &ID, what: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id.as_str()).map_err(|_| ApiError::bad_field(what, format!("{what} is not a valid id")))
}

/// Each id of a list; a malformed one is refused at its index (`what[2]`).
pub fn parse_all(ids: &[ID], what: &str) -> ApiResult<Vec<Uuid>> {
    ids.iter().enumerate().map(|(i, id)| parse(id, &format!("{what}[{i}]"))).collect()
}

pub fn id(uuid: Uuid) -> ID {
    ID(uuid.to_string())
}
