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

/// A page of a list loaded whole for its parent (a log's meetings, a goal's
/// comments): the rows after the cursor, `limit` of them, and the list's
/// length for `totalCount`. Why in memory and not in SQL: these lists are
/// one batched statement per request for every parent on the page (the
/// DataLoader's), they are the size of one log's history (tens of meetings
/// or comments over its life), and the answer is bounded by `first` like
/// any other page. `after` tells whether a row comes after the cursor in
/// the list's order (true for every row on the first page), so a row
/// added or removed before it moves no page.
pub fn page_of_list<R: Clone, T>(
    rows: &[R],
    limit: i64,
    after: impl Fn(&R) -> bool,
    cursor: impl Fn(&R) -> String,
    node: impl Fn(R) -> T,
) -> (Vec<(String, T)>, PageInfo, i32) {
    let total = i32::try_from(rows.len()).unwrap_or(i32::MAX);
    let take = usize::try_from(limit.saturating_add(1).max(0)).unwrap_or(usize::MAX);
    let rows: Vec<R> = rows.iter().filter(|r| after(r)).take(take).cloned().collect();
    let (edges, page_info) = page(rows, limit, cursor, node);
    (edges, page_info, total)
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

/// A connection over a list loaded whole for its parent ([`page_of_list`]),
/// with the list's `totalCount`.
macro_rules! counted_connection {
    ($(#[$cmeta:meta])* $connection:ident, $(#[$emeta:meta])* $edge:ident, $node:ty) => {
        $crate::api::types::connection::connection!(
            $(#[$cmeta])*
            #[graphql(complex)]
            $connection,
            $(#[$emeta])*
            $edge,
            $node,
            scope: i32
        );

        #[async_graphql::ComplexObject]
        impl $connection {
            /// How many items the whole list has, the same on every page.
            async fn total_count(&self) -> i32 {
                self.scope.unwrap_or_default()
            }
        }

        impl $connection {
            /// The page of `rows` (the whole list, in its order) after the
            /// cursor `after` names.
            pub fn from_list<R: Clone>(
                rows: &[R],
                limit: i64,
                after: impl Fn(&R) -> bool,
                cursor: impl Fn(&R) -> String,
                node: impl Fn(R) -> $node,
            ) -> Self {
                let (edges, page_info, total) =
                    $crate::api::types::connection::page_of_list(rows, limit, after, cursor, node);
                $connection {
                    edges: edges.into_iter().map(|(cursor, node)| $edge { cursor, node }).collect(),
                    page_info,
                    scope: Some(total),
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
pub(crate) use counted_connection;
pub(crate) use scope_type;
