//! Access control [perfis e carteiras]: what a user may do (permissions,
//! from the roles he holds) and over which parties (access levels, read
//! and write apart, in the manner of Dynamics 365).
use crate::{BranchId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

string_enum!(
    /// One action a role may allow.
    Permission {
        PartiesRead = "parties.read",
        PartiesCreate = "parties.create",
        PartiesEdit = "parties.edit",
        PartiesDelete = "parties.delete",
        PartiesExport = "parties.export",
        FinancialFields = "fields.financial",
        PortfolioTransfer = "portfolios.transfer",
        ReopenSalesContact = "contacts.reopen",
        RelationshipEngine = "relationship_engine.use",
        MessagesAnyAddress = "messages.any_address",
        DiscountsAboveLimit = "discounts.above_limit",
        Administer = "administer",
    } error "error-permission-invalid"
);

string_enum!(
    /// How far a right reaches: the user's own portfolio, his branch's
    /// (its common portfolio included), or the whole organisation; in
    /// that order, narrowest first.
    AccessLevel { Own = "own", Branch = "branch", Organisation = "organisation" } error "error-access-level-invalid"
);

/// What a user may do and see: the union of his roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grants {
    pub permissions: BTreeSet<Permission>,
    pub read: AccessLevel,
    pub write: AccessLevel,
}

impl Grants {
    /// No role: nothing at all.
    pub fn none() -> Grants {
        Grants { permissions: BTreeSet::new(), read: AccessLevel::Own, write: AccessLevel::Own }
    }

    /// Several roles add up: every permission of any, the widest level of any.
    pub fn union<'a>(roles: impl IntoIterator<Item = &'a RoleGrants>) -> Grants {
        let mut grants = Grants::none();
        for role in roles {
            grants.permissions.extend(role.permissions.iter().copied());
            grants.read = grants.read.max(role.read);
            grants.write = grants.write.max(role.write);
        }
        grants
    }

    pub fn has(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// A role's content, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleGrants {
    pub permissions: BTreeSet<Permission>,
    pub read: AccessLevel,
    pub write: AccessLevel,
}

impl RoleGrants {
    /// Permissions are stored as one space-separated string; unknown names
    /// (from a newer version) are ignored rather than failing a sign-in.
    pub fn parse_permissions(stored: &str) -> BTreeSet<Permission> {
        stored.split_whitespace().filter_map(|name| Permission::parse(name).ok()).collect()
    }

    pub fn permissions_text(&self) -> String {
        self.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" ")
    }
}

/// The roles every organisation starts with; each can be edited after.
pub struct DefaultRole {
    pub key: &'static str,
    pub grants: fn() -> RoleGrants,
}

pub const DEFAULT_ROLES: &[DefaultRole] = &[
    DefaultRole { key: "administrator", grants: administrator },
    DefaultRole { key: "supervisor", grants: supervisor },
    DefaultRole { key: "account_manager", grants: account_manager },
    DefaultRole { key: "telemarketing", grants: telemarketing },
    DefaultRole { key: "read_only", grants: read_only },
];

fn role(permissions: &[Permission], read: AccessLevel, write: AccessLevel) -> RoleGrants {
    RoleGrants { permissions: permissions.iter().copied().collect(), read, write }
}

fn administrator() -> RoleGrants {
    role(Permission::ALL, AccessLevel::Organisation, AccessLevel::Organisation)
}

fn supervisor() -> RoleGrants {
    use Permission::*;
    role(
        &[
            PartiesRead,
            PartiesCreate,
            PartiesEdit,
            PartiesDelete,
            PartiesExport,
            FinancialFields,
            PortfolioTransfer,
            ReopenSalesContact,
            RelationshipEngine,
            MessagesAnyAddress,
            DiscountsAboveLimit,
        ],
        AccessLevel::Branch,
        AccessLevel::Branch,
    )
}

/// Reads his branch's customers, edits only his own (seed 003).
fn account_manager() -> RoleGrants {
    use Permission::*;
    role(
        &[PartiesRead, PartiesCreate, PartiesEdit, FinancialFields, RelationshipEngine],
        AccessLevel::Branch,
        AccessLevel::Own,
    )
}

/// Calls from lists of the whole organisation (the relationship engine's),
/// records consent and notes on his own parties, never sees credit figures.
fn telemarketing() -> RoleGrants {
    use Permission::*;
    role(&[PartiesRead, PartiesEdit, RelationshipEngine], AccessLevel::Organisation, AccessLevel::Own)
}

fn read_only() -> RoleGrants {
    role(&[Permission::PartiesRead], AccessLevel::Branch, AccessLevel::Own)
}

/// Who is asking, as far as rows are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: UserId,
    pub branch_id: Option<BranchId>,
}

/// The portfolio a party sits in: its owner [gestor] and branch. Neither
/// means unassigned [não encarteirado]; a branch without an owner is that
/// branch's common portfolio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Portfolio {
    pub owner: Option<UserId>,
    pub branch: Option<BranchId>,
}

/// Which parties a level reaches for this viewer: the one rule behind
/// every query's filter and every write check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    Everything,
    Branch(BranchId),
    OwnedBy(UserId),
}

impl Reach {
    pub fn of(level: AccessLevel, viewer: Viewer) -> Reach {
        match (level, viewer.branch_id) {
            (AccessLevel::Organisation, _) => Reach::Everything,
            (AccessLevel::Branch, Some(branch)) => Reach::Branch(branch),
            // A user in no branch has no branch to see beyond his own.
            (AccessLevel::Branch, None) | (AccessLevel::Own, _) => Reach::OwnedBy(viewer.user_id),
        }
    }

    pub fn covers(self, portfolio: Portfolio) -> bool {
        match self {
            Reach::Everything => true,
            Reach::Branch(branch) => portfolio.branch == Some(branch),
            Reach::OwnedBy(user) => portfolio.owner == Some(user),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn levels_add_up_to_the_widest() {
        let manager = account_manager();
        let reader = read_only();
        let both = Grants::union([&manager, &reader]);
        assert_eq!((both.read, both.write), (AccessLevel::Branch, AccessLevel::Own));
        assert!(both.has(Permission::PartiesCreate) && !both.has(Permission::PartiesExport));
        assert_eq!(Grants::union([]), Grants::none());
    }

    #[test]
    fn reach_follows_the_portfolio() {
        let (me, other) = (UserId(Uuid::now_v7()), UserId(Uuid::now_v7()));
        let (mine, theirs) = (BranchId(Uuid::now_v7()), BranchId(Uuid::now_v7()));
        let viewer = Viewer { user_id: me, branch_id: Some(mine) };
        let own = Portfolio { owner: Some(me), branch: Some(mine) };
        let colleague = Portfolio { owner: Some(other), branch: Some(mine) };
        let common = Portfolio { owner: None, branch: Some(mine) };
        let elsewhere = Portfolio { owner: Some(other), branch: Some(theirs) };
        let unassigned = Portfolio { owner: None, branch: None };
        let branch = Reach::of(AccessLevel::Branch, viewer);
        assert!(branch.covers(own) && branch.covers(colleague) && branch.covers(common));
        assert!(!branch.covers(elsewhere) && !branch.covers(unassigned));
        let owned = Reach::of(AccessLevel::Own, viewer);
        assert!(owned.covers(own) && !owned.covers(colleague) && !owned.covers(common));
        assert!(Reach::of(AccessLevel::Organisation, viewer).covers(unassigned));
        let homeless = Viewer { user_id: me, branch_id: None };
        assert_eq!(Reach::of(AccessLevel::Branch, homeless), Reach::OwnedBy(me));
    }

    #[test]
    fn stored_permissions_round_trip() {
        let admin = administrator();
        assert_eq!(RoleGrants::parse_permissions(&admin.permissions_text()), admin.permissions);
        assert!(RoleGrants::parse_permissions("parties.read future.thing").len() == 1);
    }
}
