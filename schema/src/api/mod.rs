//! The GraphQL API: root types, object types, and helpers shared by resolvers.

pub mod cursor;
pub mod guard;
pub mod ids;
pub mod input;
pub mod limits;
pub mod mutation;
pub mod query;
pub mod scalars;
pub mod subscription;
pub mod types;

use async_graphql::Schema;

pub type StafettSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// The schema without limits; the server adds them (`app::schema`) and checks
/// each request with [`limits::check`].
pub fn build_schema() -> async_graphql::SchemaBuilder<query::Query, mutation::Mutation, subscription::Subscription> {
    Schema::build(query::Query, mutation::Mutation::default(), subscription::Subscription)
}

/// The schema in SDL as `schema/schema.graphql` holds it, with each
/// scalar's `@specifiedBy`.
pub fn sdl() -> String {
    build_schema().finish().sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}

#[cfg(test)]
mod docs;

#[cfg(test)]
mod tests {
    /// `schema/schema.graphql` is generated from the code and checked in so
    /// that frontends and tools can use it; this fails when it drifts.
    /// Regenerate with `UPDATE_SCHEMA=1 cargo test -p stafett-schema schema_file`.
    #[test]
    fn schema_file_matches_the_code() {
        let sdl = super::sdl();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &sdl).expect("write schema.graphql");
        }
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == sdl,
            "schema/schema.graphql is out of date; run `UPDATE_SCHEMA=1 cargo test -p stafett-schema schema_file`"
        );
    }
}
