//! Relay-style connections: `edges { cursor node }` and `pageInfo`.

use async_graphql::SimpleObject;

/// Where a page stands in its list. Pagination is forward only: pass
/// `endCursor` as `after` to get the next page.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct PageInfo {
    /// Whether there are more items after this page.
    pub has_next_page: bool,
    /// The last item's cursor; null for an empty page.
    pub end_cursor: Option<String>,
    /// Pagination is forward only; always false.
    pub has_previous_page: bool,
    /// The first item's cursor; null for an empty page.
    pub start_cursor: Option<String>,
}

/// Builds a page from rows fetched with `limit + 1`: the extra row only
/// tells that there is a next page. Returns the (cursor, node) pairs.
pub fn page<R, T>(
    mut rows: Vec<R>,
    limit: i64,
    cursor: impl Fn(&R) -> String,
    node: impl Fn(R) -> T,
) -> (Vec<(String, T)>, PageInfo) {
    let has_next_page = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    let edges: Vec<(String, T)> = rows.into_iter().map(|r| (cursor(&r), node(r))).collect();
    let page_info = PageInfo {
        has_next_page,
        end_cursor: edges.last().map(|e| e.0.clone()),
        has_previous_page: false,
        start_cursor: edges.first().map(|e| e.0.clone()),
    };
    (edges, page_info)
}

/// A connection type and its edge type; the doc comment before each name
/// becomes its description in the schema. With `scope: T`, the connection
/// carries a `T` (not in the schema, `None` until set) for fields of its own
/// that a `#[graphql(complex)]` impl adds, such as counts.
macro_rules! connection {
    ($(#[$cmeta:meta])* $connection:ident, $(#[$emeta:meta])* $edge:ident, $node:ty $(, scope: $scope:ty)?) => {
        $(#[$emeta])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Opaque; pass it as `after` to get the items after this one.
            pub cursor: String,
            /// the item
            pub node: $node,
        }

        #[derive(async_graphql::SimpleObject)]
        $(#[$cmeta])*
        pub struct $connection {
            /// the items of this page, each with its cursor
            pub edges: Vec<$edge>,
            /// where this page stands; `endCursor` leads to the next
            pub page_info: $crate::api::types::connection::PageInfo,
            #[graphql(skip)]
            pub scope: Option<$crate::api::types::connection::scope_type!($($scope)?)>,
        }

        impl $connection {
            pub fn from_rows<R>(
                rows: Vec<R>,
                limit: i64,
                cursor: impl Fn(&R) -> String,
                node: impl Fn(R) -> $node,
            ) -> Self {
                let (edges, page_info) = $crate::api::types::connection::page(rows, limit, cursor, node);
                $connection {
                    edges: edges.into_iter().map(|(cursor, node)| $edge { cursor, node }).collect(),
                    page_info,
                    scope: None,
                }
            }
        }
    };
}

/// The type of a connection's scope: `()` when it has none.
macro_rules! scope_type {
    () => {
        ()
    };
    ($t:ty) => {
        $t
    };
}

pub(crate) use connection;
pub(crate) use scope_type;
