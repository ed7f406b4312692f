//! Limits against abuse, each configurable; defaults are in the README's
//! Security section.

use crate::config::parsed;
use anyhow::Result;

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_directives: usize,
    pub max_body_bytes: usize,
    pub default_page_size: i64,
    pub max_page_size: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 12,
            max_complexity: 1_000,
            max_directives: 4,
            max_body_bytes: 256 * 1024,
            default_page_size: 20,
            max_page_size: 100,
        }
    }
}

impl Limits {
    pub fn from_environment() -> Result<Self> {
        let d = Limits::default();
        Ok(Limits {
            max_depth: parsed("STAFETT_MAX_DEPTH", d.max_depth)?,
            max_complexity: parsed("STAFETT_MAX_COMPLEXITY", d.max_complexity)?,
            max_directives: parsed("STAFETT_MAX_DIRECTIVES", d.max_directives)?,
            max_body_bytes: parsed("STAFETT_MAX_BODY_BYTES", d.max_body_bytes)?,
            default_page_size: d.default_page_size,
            max_page_size: parsed("STAFETT_MAX_PAGE_SIZE", d.max_page_size)?,
        })
    }
}
