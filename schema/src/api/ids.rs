//! GraphQL `ID`s are UUIDs. A malformed id is the client's mistake and says
//! so; a well-formed id of something the caller may not see is NOT_FOUND.

use crate::error::{ApiError, ApiResult};
use crate::words;
use async_graphql::ID;
use uuid::Uuid;

/// An id as this API writes it: a UUID, lowercase and hyphenated. The other
/// spellings a UUID parser takes (upper case, braces, `urn:uuid:`, no
/// hyphens) are refused: an id is opaque, and one object with many ids
/// would be many entries in a client's cache.
pub fn parse(id: &ID, what: &str) -> ApiResult<Uuid> {
    let invalid = || ApiError::bad_field(what, words!("error-id", field = what));
    let uuid = Uuid::parse_str(id.as_str()).map_err(|_| invalid())?;
    let mut buf = Uuid::encode_buffer();
    if uuid.hyphenated().encode_lower(&mut buf) != id.as_str() {
        return Err(invalid());
    }
    Ok(uuid)
}

/// Each id of a list; a malformed one is refused at its index (`what[2]`).
pub fn parse_all(ids: &[ID], what: &str) -> ApiResult<Vec<Uuid>> {
    ids.iter().enumerate().map(|(i, id)| parse(id, &format!("{what}[{i}]"))).collect()
}

pub fn id(uuid: Uuid) -> ID {
    ID(uuid.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_has_one_spelling() {
        let canonical = "5afe77e0-0000-4000-8000-000000000064";
        assert_eq!(parse(&ID(canonical.into()), "id").unwrap().to_string(), canonical);
        for other in [
            "5AFE77E0-0000-4000-8000-000000000064",
            "{5afe77e0-0000-4000-8000-000000000064}",
            "urn:uuid:5afe77e0-0000-4000-8000-000000000064",
            "5afe77e000004000800000000000064",
            "5afe77e0000040008000000000000064",
            " 5afe77e0-0000-4000-8000-000000000064",
            "",
        ] {
            assert!(parse(&ID(other.into()), "id").is_err(), "{other}");
        }
    }
}
