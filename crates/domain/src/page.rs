//! The one pagination shape: keyset pages, so the next page costs the same
//! as the first however deep a user scrolls.
use crate::ValidationErrors;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Opaque cursor for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
    /// Opaque cursor for the previous page; `None` on the first one.
    pub prev_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page with nothing before or after it.
    pub fn only(items: Vec<T>) -> Page<T> {
        Page { items, next_cursor: None, prev_cursor: None }
    }
}

/// How many rows a page may hold, whatever the caller asked for.
pub const MAX_PAGE_SIZE: u32 = 200;
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// The highest page number a numbered list goes to.
pub const MAX_PAGE_NUMBER: u32 = 10_000;

/// A numbered page (1 and on), the first when not asked for.
pub fn page_number(requested: Option<u32>) -> Result<u32, ValidationErrors> {
    match requested {
        None => Ok(1),
        Some(number) if (1..=MAX_PAGE_NUMBER).contains(&number) => Ok(number),
        Some(_) => Err(ValidationErrors::single("page", "error-page-out-of-range")),
    }
}

/// A list's page size as asked for in `limit`: none is `default`, and one
/// outside 1 to `max` is refused (the API document states the same bounds).
pub fn page_size(requested: Option<u32>, default: u32, max: u32) -> Result<u32, ValidationErrors> {
    match requested {
        None => Ok(default),
        Some(size) if (1..=max).contains(&size) => Ok(size),
        Some(_) => Err(ValidationErrors::single("limit", "error-limit-out-of-range")),
    }
}
