//! The customer page's tabs. Each tab is read on its own, so opening a
//! customer reads only what its first tab shows; a later capability (the
//! sales follow-up, quotes, tickets) adds its tab here and a branch in
//! the page's template.
use crate::html::components::{TabLink, tab_strip};
use crate::i18n::Tr;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ProfileTab {
    Summary,
    Sheet,
    Vehicles,
    Interactions,
    Agenda,
    FollowUp,
    Purchases,
    Quotes,
    Contracts,
    Finance,
    Loyalty,
    History,
}

impl ProfileTab {
    pub const ALL: [ProfileTab; 12] = [
        ProfileTab::Summary,
        ProfileTab::Sheet,
        ProfileTab::Vehicles,
        ProfileTab::Interactions,
        ProfileTab::Agenda,
        ProfileTab::FollowUp,
        ProfileTab::Purchases,
        ProfileTab::Quotes,
        ProfileTab::Contracts,
        ProfileTab::Finance,
        ProfileTab::Loyalty,
        ProfileTab::History,
    ];

    /// The tab's name in the address (`?tab=`).
    pub fn code(self) -> &'static str {
        match self {
            ProfileTab::Summary => "summary",
            ProfileTab::Sheet => "sheet",
            ProfileTab::Vehicles => "vehicles",
            ProfileTab::Interactions => "interactions",
            ProfileTab::Agenda => "agenda",
            ProfileTab::FollowUp => "follow_up",
            ProfileTab::Purchases => "purchases",
            ProfileTab::Quotes => "quotes",
            ProfileTab::Contracts => "contracts",
            ProfileTab::Finance => "finance",
            ProfileTab::Loyalty => "loyalty",
            ProfileTab::History => "history",
        }
    }

    /// An unknown or missing name opens the summary: an old bookmark or a
    /// mistyped address still lands on the customer.
    pub fn parse(code: Option<&str>) -> ProfileTab {
        ProfileTab::ALL.into_iter().find(|t| Some(t.code()) == code).unwrap_or(ProfileTab::Summary)
    }

    /// The tab's address, landing on one of its sections when given.
    pub fn url(self, party: impl std::fmt::Display, section: Option<&str>) -> String {
        let tab = match self {
            ProfileTab::Summary => String::new(),
            other => format!("?tab={}", other.code()),
        };
        let section = section.map(|s| format!("#{s}")).unwrap_or_default();
        format!("/customers/{party}{tab}{section}")
    }
}

/// The strip of tabs; the financial one only for who may read it.
pub fn tab_links(
    t: &Tr,
    party: impl std::fmt::Display,
    current: ProfileTab,
    financial: bool,
) -> Vec<TabLink> {
    let codes: Vec<&'static str> = ProfileTab::ALL
        .into_iter()
        .filter(|tab| financial || *tab != ProfileTab::Finance)
        .map(ProfileTab::code)
        .collect();
    tab_strip(t, &format!("/customers/{party}"), &codes, current.code(), "profile-tab-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_reads_back_from_its_address() {
        for tab in ProfileTab::ALL {
            assert_eq!(ProfileTab::parse(Some(tab.code())), tab);
        }
        assert_eq!(ProfileTab::parse(Some("nothing")), ProfileTab::Summary);
        assert_eq!(ProfileTab::parse(None), ProfileTab::Summary);
        assert_eq!(ProfileTab::Summary.url("p", Some("notes")), "/customers/p#notes");
        assert_eq!(ProfileTab::Sheet.url("p", Some("consent")), "/customers/p?tab=sheet#consent");
    }
}
