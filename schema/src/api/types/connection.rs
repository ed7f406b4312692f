//! Relay-style connections: `edges { cursor node }` and `pageInfo`.

use async_graphql::SimpleObject;

#[derive(SimpleObject, Debug, Clone, Default)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
    /// Pagination is forward only; always false.
    pub has_previous_page: bool,
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

macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty) => {
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        #[derive(async_graphql::SimpleObject)]
        pub struct $connection {
            pub edges: Vec<$edge>,
            pub page_info: $crate::api::types::connection::PageInfo,
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
                }
            }
        }
    };
}

pub(crate) use connection;
