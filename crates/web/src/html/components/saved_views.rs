//! A list's saved views above its rows: a chip for each view the reader
//! may open, the open one marked (the customer list's and the work
//! queue's; `components/saved_views.html` draws them).
use app::list_views::SavedView;
use uuid::Uuid;

/// A saved view above a list.
#[derive(Clone)]
pub struct ViewChip {
    pub id: Uuid,
    pub name: String,
    pub href: String,
    pub current: bool,
    pub shared: bool,
    pub deletable: bool,
    pub owner: String,
}

/// The chips of the list at `base` (`/customers`): each opens the list
/// with the view's filters and says which view it is (`view=<id>`).
pub fn view_chips<C>(base: &str, views: &[SavedView<C>], current: Option<Uuid>) -> Vec<ViewChip> {
    views
        .iter()
        .map(|view| ViewChip {
            id: view.id,
            name: view.name.clone(),
            href: match view.query.as_str() {
                "" => format!("{base}?view={}", view.id),
                query => format!("{base}?{query}&view={}", view.id),
            },
            current: Some(view.id) == current,
            shared: view.shared,
            deletable: view.deletable,
            owner: view.owner_name.clone(),
        })
        .collect()
}

/// The view a list's address names (`view=<id>`), if any.
pub fn view_named(raw_query: Option<&str>) -> Option<Uuid> {
    form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "view")
        .and_then(|(_, id)| id.parse().ok())
}
