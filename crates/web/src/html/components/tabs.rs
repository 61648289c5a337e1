//! A page's tab strip: the first tab is the page's own address, the
//! others `?tab=<code>`; the template draws it with `m::tabs`.
use crate::i18n::Tr;

pub struct TabLink {
    pub code: &'static str,
    pub label: String,
    pub href: String,
    pub current: bool,
}

/// The strip of `codes` under `path`, labelled `<label_prefix><code>`.
pub fn tab_strip(
    t: &Tr,
    path: &str,
    codes: &[&'static str],
    current: &str,
    label_prefix: &str,
) -> Vec<TabLink> {
    codes
        .iter()
        .enumerate()
        .map(|(index, code)| TabLink {
            code,
            label: t.get(&format!("{label_prefix}{code}")),
            href: if index == 0 { path.to_string() } else { format!("{path}?tab={code}") },
            current: *code == current,
        })
        .collect()
}
