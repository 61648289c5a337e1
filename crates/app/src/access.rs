//! Access control: who holds which roles, in which branch; the scopes
//! every party query runs under; portfolios; "view as".
use crate::Access;
use crate::agenda::Locality;
use crate::{Actor, AppError};
use chrono::{DateTime, Utc};
use db::Tx;
use db::repo::access as repo;
use db::repo::party::Scope;
use domain::access::{AccessLevel, DEFAULT_ROLES, Grants, Permission, Portfolio, Reach, RoleGrants, Viewer};
use domain::audit::{AuditAction, AuditEntity};
use domain::user::{Role, User, parse_display_name};
use domain::validation::ValidationErrors;
use domain::{BranchId, OrgId, PartyId, RoleId, UserId};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// The role a user created with the coarse "admin" / "member" choice starts with.
fn starting_role(role: Role) -> &'static str {
    match role {
        Role::Admin => "administrator",
        Role::Member => "account_manager",
    }
}

/// Gives an organisation the default roles when it has none; true when it did.
async fn seed_roles(tx: &mut Tx, org_id: OrgId, at: DateTime<Utc>) -> Result<bool, AppError> {
    if !repo::roles_in_tx(tx, org_id).await?.is_empty() {
        return Ok(false);
    }
    for role in DEFAULT_ROLES {
        repo::insert_role(tx, org_id, RoleId::new(), role.key, role.key, &(role.grants)(), at).await?;
    }
    Ok(true)
}

/// Gives a user the default role matching the coarse role he was created with.
async fn assign_starting_role(tx: &mut Tx, org_id: OrgId, user: UserId, role: Role) -> Result<(), AppError> {
    let key = starting_role(role);
    let roles = repo::roles_in_tx(tx, org_id).await?;
    let ids: Vec<RoleId> = roles.iter().filter(|r| r.key == key).map(|r| RoleId(r.id)).collect();
    repo::assign(tx, org_id, user, None, &ids).await?;
    Ok(())
}

/// Assigns a newly created user his starting role (seeding the
/// organisation's roles if it is the first user).
pub(crate) async fn give_starting_role(
    tx: &mut Tx,
    org_id: OrgId,
    user: UserId,
    role: Role,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    seed_roles(tx, org_id, at).await?;
    assign_starting_role(tx, org_id, user, role).await
}

/// Gives a user a branch and roles already checked ([`Access::chosen_assignment`]);
/// no roles keeps the ones he has.
pub(crate) async fn assign_in(
    tx: &mut Tx,
    org_id: OrgId,
    user: UserId,
    branch: Option<BranchId>,
    roles: &[RoleId],
) -> Result<(), AppError> {
    if roles.is_empty() {
        repo::set_branch(tx, org_id, user, branch).await?;
    } else {
        repo::assign(tx, org_id, user, branch, roles).await?;
    }
    Ok(())
}

#[derive(Clone, Debug, Serialize)]
pub struct RoleView {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub permissions: Vec<String>,
    pub read_level: String,
    pub write_level: String,
    pub version: i64,
}

impl From<repo::RoleRow> for RoleView {
    fn from(row: repo::RoleRow) -> Self {
        let grants = row.grants();
        RoleView {
            id: row.id,
            key: row.key,
            name: row.name,
            permissions: grants.permissions.iter().map(|p| p.as_str().to_string()).collect(),
            read_level: grants.read.as_str().to_string(),
            write_level: grants.write.as_str().to_string(),
            version: row.version,
        }
    }
}

pub type BranchView = repo::BranchRow;

/// A user's place in access control: his branch and roles.
#[derive(Clone, Debug, Serialize)]
pub struct AssignmentView {
    pub user_id: Uuid,
    pub branch_id: Option<Uuid>,
    pub role_ids: Vec<Uuid>,
}

/// A user as the access page lists him.
#[derive(Clone, Debug, Serialize)]
pub struct UserAccessView {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub active: bool,
    pub branch_id: Option<Uuid>,
    pub role_ids: Vec<Uuid>,
}

/// Everything the access administration shows at once.
#[derive(Clone, Debug, Serialize)]
pub struct AccessOverview {
    pub roles: Vec<RoleView>,
    pub branches: Vec<BranchView>,
    pub users: Vec<UserAccessView>,
}

impl Actor {
    /// The parties this actor may read.
    pub fn read_scope(&self) -> Scope {
        Scope { org_id: self.org_id, reach: Reach::of(self.grants.read, self.viewer()) }
    }

    pub(crate) fn write_reach(&self) -> Reach {
        Reach::of(self.grants.write, self.viewer())
    }

    fn viewer(&self) -> Viewer {
        Viewer { user_id: self.user_id, branch_id: self.branch_id }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.grants.has(permission)
    }

    /// A permission to read.
    pub(crate) fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.can(permission) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// A permission to change something: also refused while an
    /// administrator only views the app as this user.
    pub(crate) fn require_change(&self, permission: Permission) -> Result<(), AppError> {
        self.require_own_change()?;
        self.require(permission)
    }

    /// A change to one's own account (tokens, language): anyone may, but
    /// not an administrator viewing the app as someone else.
    pub(crate) fn require_own_change(&self) -> Result<(), AppError> {
        if self.viewing_as.is_some() { Err(AppError::Forbidden) } else { Ok(()) }
    }

    /// Removing something a person saved (a list view, a segment): his
    /// own, or a shared one as an administrator. Another's private one is
    /// not revealed (404).
    pub(crate) fn require_may_remove_saved(&self, owner: uuid::Uuid, shared: bool) -> Result<(), AppError> {
        let own = UserId(owner) == self.user_id;
        if !own && !shared {
            return Err(AppError::NotFound);
        }
        if !own && !self.is_admin() {
            return Err(AppError::Forbidden);
        }
        Ok(())
    }

    /// Whether this actor may change a party in this portfolio.
    pub(crate) fn may_write(&self, portfolio: Portfolio) -> bool {
        self.write_reach().covers(portfolio)
    }

    /// A change of a party in `portfolio`: the permission, and a portfolio
    /// within the write reach (403 otherwise).
    pub(crate) fn require_write(&self, permission: Permission, portfolio: Portfolio) -> Result<(), AppError> {
        self.require_change(permission)?;
        if self.may_write(portfolio) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// What the actor may do with this party, for showing or hiding controls
    /// (the use cases check again).
    pub fn may_change(&self, permission: Permission, portfolio: Portfolio) -> bool {
        self.require_write(permission, portfolio).is_ok()
    }

    /// Where a new party of this actor's lands when no owner is chosen:
    /// his own portfolio when he may only write his own, else his branch's.
    pub(crate) fn default_portfolio(&self) -> Portfolio {
        match self.grants.write {
            AccessLevel::Own => Portfolio { owner: Some(self.user_id), branch: self.branch_id },
            _ => Portfolio { owner: None, branch: self.branch_id },
        }
    }
}

impl Access<'_> {
    /// Builds the actor of a signed-in user: his roles and branch are read
    /// on every request, so a revoked role or a moved user counts at once.
    pub(crate) async fn actor_for(&self, user: User, ip: Option<String>) -> Result<Actor, AppError> {
        let roles = repo::roles_of(&self.db, user.id).await?;
        let locality = self.agenda().locality_of(user.org_id).await?;
        Ok(actor_of(user, roles, locality, ip))
    }

    /// Organisations from before access control get the default roles and
    /// their users a starting role; organisations that have roles are left
    /// alone (a user without roles there was meant to be).
    pub async fn ensure_access_defaults(&self) -> Result<(), AppError> {
        for org in db::repo::organisation::all(&self.db).await? {
            let org_id = OrgId(org.id);
            let mut tx = self.db.begin().await?;
            if seed_roles(&mut tx, org_id, self.now()).await? {
                for user in db::repo::user::list(&self.db, org_id).await?.into_iter().map(|u| u.into_user()) {
                    assign_starting_role(&mut tx, org_id, user.id, user.role).await?;
                }
            }
            tx.commit().await?;
        }
        Ok(())
    }

    pub async fn access_overview(&self, actor: &Actor) -> Result<AccessOverview, AppError> {
        actor.require_admin()?;
        let pairs = repo::assignments(&self.db, actor.org_id).await?;
        let users = db::repo::user::list(&self.db, actor.org_id)
            .await?
            .into_iter()
            .map(|u| UserAccessView {
                role_ids: pairs.iter().filter(|(user, _)| *user == u.id).map(|(_, role)| *role).collect(),
                user_id: u.id,
                display_name: u.display_name,
                email: u.email,
                active: u.active,
                branch_id: u.branch_id,
            })
            .collect();
        Ok(AccessOverview {
            roles: self.list_roles(actor).await?,
            branches: self.list_branches(actor).await?,
            users,
        })
    }

    pub async fn list_roles(&self, actor: &Actor) -> Result<Vec<RoleView>, AppError> {
        actor.require(Permission::Administer)?;
        Ok(repo::roles(&self.db, actor.org_id).await?.into_iter().map(RoleView::from).collect())
    }

    /// Changes what a role allows. Refused when someone else changed it
    /// since it was read; audited with before and after.
    pub async fn update_role(
        &self,
        actor: &Actor,
        id: RoleId,
        expected_version: i64,
        permissions: &[String],
        read_level: &str,
        write_level: &str,
    ) -> Result<RoleView, AppError> {
        actor.require_change(Permission::Administer)?;
        let mut errors = ValidationErrors::new();
        let mut set = std::collections::BTreeSet::new();
        for name in permissions {
            if let Some(permission) = errors.check("permissions", Permission::parse(name)) {
                set.insert(permission);
            }
        }
        let read = errors.check("read_level", AccessLevel::parse(read_level));
        let write = errors.check("write_level", AccessLevel::parse(write_level));
        let (Some(read), Some(write)) = (read, write) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let before = repo::roles(&self.db, actor.org_id)
            .await?
            .into_iter()
            .find(|r| r.id == id.0)
            .ok_or(AppError::NotFound)?;
        if !set.contains(&Permission::Administer) {
            let mine = repo::roles_of(&self.db, actor.user_id).await?;
            let administers_elsewhere = mine.iter().filter(|r| r.id != id.0).any(administers);
            if mine.iter().any(|r| r.id == id.0) && !administers_elsewhere {
                return Err(
                    ValidationErrors::single("permissions", "error-cannot-drop-own-administration").into()
                );
            }
        }
        let grants = RoleGrants { permissions: set, read, write };
        let mut change = self.change(actor).await?;
        if !repo::update_role(&mut change.tx, actor.org_id, id, expected_version, &grants, self.now()).await?
        {
            return Err(AppError::Conflict { by: String::new(), at: self.now() });
        }
        let after = repo::roles_in_tx(&mut change.tx, actor.org_id)
            .await?
            .into_iter()
            .find(|r| r.id == id.0)
            .ok_or(AppError::NotFound)?;
        let (before, after) = (RoleView::from(before), RoleView::from(after));
        change.audit_permissions(AuditEntity::Role, id.0, Some(&before), &after).await?;
        change.commit().await?;
        Ok(after)
    }

    pub async fn list_branches(&self, actor: &Actor) -> Result<Vec<BranchView>, AppError> {
        Ok(repo::branches(&self.db, actor.org_id).await?)
    }

    /// Adds a role to the organisation. It starts narrow — reading the
    /// user's own portfolio — and is widened on the access page.
    pub async fn create_role(&self, actor: &Actor, name: &str) -> Result<RoleView, AppError> {
        actor.require_change(Permission::Administer)?;
        let name = parse_display_name(name).map_err(|m| ValidationErrors::single("role_name", m))?;
        let mut change = self.change(actor).await?;
        let taken = repo::roles_in_tx(&mut change.tx, actor.org_id).await?;
        if taken.iter().any(|r| r.name.to_lowercase() == name.to_lowercase()) {
            return Err(AppError::Taken(ValidationErrors::single("role_name", "error-role-taken")));
        }
        let id = RoleId::new();
        let grants = RoleGrants {
            permissions: [Permission::PartiesRead].into_iter().collect(),
            read: AccessLevel::Own,
            write: AccessLevel::Own,
        };
        // Added roles are keyed by their id; the default roles' keys name them.
        repo::insert_role(&mut change.tx, actor.org_id, id, &id.0.to_string(), &name, &grants, self.now())
            .await?;
        let view = repo::roles_in_tx(&mut change.tx, actor.org_id)
            .await?
            .into_iter()
            .find(|r| r.id == id.0)
            .map(RoleView::from)
            .ok_or(AppError::NotFound)?;
        change.audit_permissions(AuditEntity::Role, id.0, None, &view).await?;
        change.commit().await?;
        Ok(view)
    }

    pub async fn create_branch(
        &self,
        actor: &Actor,
        name: &str,
        company: &str,
    ) -> Result<BranchView, AppError> {
        actor.require_change(Permission::Administer)?;
        let name = parse_display_name(name).map_err(|m| ValidationErrors::single("name", m))?;
        let company = company.split_whitespace().collect::<Vec<_>>().join(" ");
        if company.chars().count() > 120 {
            return Err(ValidationErrors::single("company", "error-too-long").into());
        }
        let id = BranchId::new();
        let mut change = self.change(actor).await?;
        if !repo::insert_branch(&mut change.tx, actor.org_id, id, &name, &company, self.now()).await? {
            return Err(AppError::Taken(ValidationErrors::single("name", "error-branch-taken")));
        }
        let view = BranchView { id: id.0, name, company };
        change
            .audit(
                AuditAction::Create,
                AuditEntity::Branch,
                Some(id.0.to_string()),
                None,
                serde_json::to_value(&view).ok(),
            )
            .await?;
        change.commit().await?;
        Ok(view)
    }

    pub async fn assignment(&self, actor: &Actor, user: UserId) -> Result<AssignmentView, AppError> {
        actor.require(Permission::Administer)?;
        let row = db::repo::user::get(&self.db, actor.org_id, user).await?.ok_or(AppError::NotFound)?;
        Ok(AssignmentView {
            user_id: user.0,
            branch_id: row.branch_id,
            role_ids: repo::roles_of(&self.db, user).await?.into_iter().map(|r| r.id).collect(),
        })
    }

    /// Checks a branch and roles chosen for a new user against the
    /// organisation's, adding what is unknown to `errors`. `None` when
    /// nothing was chosen; else whether a chosen role administers.
    pub(crate) async fn chosen_assignment(
        &self,
        org_id: OrgId,
        branch: Option<Uuid>,
        roles: &[Uuid],
        errors: &mut ValidationErrors,
    ) -> Result<Option<bool>, AppError> {
        if roles.is_empty() && branch.is_none() {
            return Ok(None);
        }
        if let Some(branch) = branch {
            if !repo::branches(&self.db, org_id).await?.iter().any(|b| b.id == branch) {
                errors.add("branch_id", "error-branch-invalid");
            }
        }
        let known = repo::roles(&self.db, org_id).await?;
        if roles.iter().any(|r| !known.iter().any(|k| k.id == *r)) {
            errors.add("role_ids", "error-role-invalid");
        }
        Ok(Some(known.iter().filter(|k| roles.contains(&k.id)).any(administers)))
    }

    /// Sets a user's branch and roles; counts from his next request.
    pub async fn assign_user(
        &self,
        actor: &Actor,
        user: UserId,
        branch: Option<BranchId>,
        roles: &[RoleId],
    ) -> Result<AssignmentView, AppError> {
        actor.require_change(Permission::Administer)?;
        let before = self.assignment(actor, user).await?;
        if let Some(branch) = branch {
            if !repo::branches(&self.db, actor.org_id).await?.iter().any(|b| b.id == branch.0) {
                return Err(ValidationErrors::single("branch_id", "error-branch-invalid").into());
            }
        }
        let known = repo::roles(&self.db, actor.org_id).await?;
        if roles.iter().any(|r| !known.iter().any(|k| k.id == r.0)) {
            return Err(ValidationErrors::single("role_ids", "error-role-invalid").into());
        }
        // An administrator who drops his own right to administer has
        // nobody left to give it back (as with disabling his own account).
        if user == actor.user_id
            && !known.iter().filter(|k| roles.iter().any(|r| r.0 == k.id)).any(administers)
        {
            return Err(ValidationErrors::single("role_ids", "error-cannot-drop-own-administration").into());
        }
        let mut change = self.change(actor).await?;
        repo::assign(&mut change.tx, actor.org_id, user, branch, roles).await?;
        let after = AssignmentView {
            user_id: user.0,
            branch_id: branch.map(|b| b.0),
            role_ids: roles.iter().map(|r| r.0).collect(),
        };
        change.audit_permissions(AuditEntity::User, user.0, Some(&before), &after).await?;
        change.commit().await?;
        Ok(after)
    }

    /// Moves a manager's whole portfolio to another manager (and his
    /// branch), audited with the number of parties moved.
    pub async fn transfer_portfolio(&self, actor: &Actor, from: UserId, to: UserId) -> Result<u64, AppError> {
        actor.require_change(Permission::PortfolioTransfer)?;
        let users = db::repo::user::list(&self.db, actor.org_id).await?;
        let Some(from_user) = users.iter().find(|u| u.id == from.0) else {
            return Err(ValidationErrors::single("from", "error-seller-invalid").into());
        };
        let Some(to_user) = users.iter().find(|u| u.id == to.0 && u.active && from != to) else {
            return Err(ValidationErrors::single("to", "error-seller-invalid").into());
        };
        // A supervisor moves portfolios within what he may change.
        let from_branch = from_user.branch_id.map(BranchId);
        let to_branch = to_user.branch_id.map(BranchId);
        let reach = actor.write_reach();
        if !reach.covers(Portfolio { owner: Some(from), branch: from_branch })
            || !reach.covers(Portfolio { owner: Some(to), branch: to_branch })
        {
            return Err(AppError::Forbidden);
        }
        let mut change = self.change(actor).await?;
        let moved = repo::transfer_portfolio(
            &mut change.tx,
            actor.org_id,
            from,
            to,
            to_branch,
            actor.user_id,
            self.now(),
        )
        .await?;
        change
            .audit(
                AuditAction::Update,
                AuditEntity::Portfolio,
                Some(from.0.to_string()),
                Some(serde_json::json!({ "owner": from.0 })),
                Some(
                    serde_json::json!({ "owner": to.0, "branch": to_branch.map(|b| b.0), "parties": moved }),
                ),
            )
            .await?;
        change.commit().await?;
        Ok(moved)
    }

    /// An administrator sees the app as `target` sees it, read-only. The
    /// start is audited under the administrator's name.
    pub async fn view_as(&self, admin: &Actor, target: UserId) -> Result<Actor, AppError> {
        admin.require_change(Permission::Administer)?;
        let user = db::repo::user::get(&self.db, admin.org_id, target).await?.ok_or(AppError::NotFound)?;
        let mut change = self.change(admin).await?;
        change.audit(AuditAction::ViewAs, AuditEntity::User, Some(target.0.to_string()), None, None).await?;
        change.commit().await?;
        self.viewing_as(admin, user.into_user()).await
    }

    /// The actor of an ongoing "view as" (every request rebuilds it).
    pub async fn resume_view_as(&self, admin: &Actor, target: UserId) -> Result<Actor, AppError> {
        admin.require_change(Permission::Administer)?;
        let user = db::repo::user::get(&self.db, admin.org_id, target).await?.ok_or(AppError::NotFound)?;
        self.viewing_as(admin, user.into_user()).await
    }

    async fn viewing_as(&self, admin: &Actor, user: User) -> Result<Actor, AppError> {
        let mut actor = self.actor_for(user, admin.ip.clone()).await?;
        actor.viewing_as = Some(admin.display_name.clone());
        // The administrator reads the other user's app in his own language.
        actor.locale = admin.locale;
        actor.theme = admin.theme;
        Ok(actor)
    }

    /// Checks that a party may be read (404 when not: its existence is not
    /// revealed) and, for a change, written (403).
    /// Whether another user may read this party: his roles and branch
    /// against its portfolio, as his own requests would be judged.
    pub(crate) async fn may_read_party(
        &self,
        user: &db::repo::user::UserRow,
        party: PartyId,
    ) -> Result<bool, AppError> {
        let roles = repo::roles_of(&self.db, UserId(user.id)).await?;
        let grants = Grants::union(roles.iter().map(repo::RoleRow::grants).collect::<Vec<_>>().iter());
        if !grants.has(Permission::PartiesRead) {
            return Ok(false);
        }
        let viewer = Viewer { user_id: UserId(user.id), branch_id: user.branch_id.map(BranchId) };
        let scope = Scope { org_id: OrgId(user.org_id), reach: Reach::of(grants.read, viewer) };
        Ok(db::repo::party::standing(&self.db, &scope, party).await?.is_some())
    }

    pub(crate) async fn guard_party(
        &self,
        actor: &Actor,
        id: PartyId,
        change: Option<Permission>,
    ) -> Result<ReachedParty, AppError> {
        actor.require(Permission::PartiesRead)?;
        let standing =
            db::repo::party::standing(&self.db, &actor.read_scope(), id).await?.ok_or(AppError::NotFound)?;
        if let Some(survivor) = standing.merged_into {
            return Err(AppError::Merged { into: survivor });
        }
        if let Some(permission) = change {
            actor.require_write(permission, standing.portfolio)?;
        }
        Ok(ReachedParty(id))
    }

    /// Whether the actor may change the party with `permission`, once it is
    /// known he may see it (not found otherwise): one read, for pages that
    /// offer a change only to who may make it.
    pub(crate) async fn may_change_party(
        &self,
        actor: &Actor,
        id: PartyId,
        permission: Permission,
    ) -> Result<bool, AppError> {
        actor.require(Permission::PartiesRead)?;
        let standing =
            db::repo::party::standing(&self.db, &actor.read_scope(), id).await?.ok_or(AppError::NotFound)?;
        if let Some(survivor) = standing.merged_into {
            return Err(AppError::Merged { into: survivor });
        }
        Ok(actor.require_write(permission, standing.portfolio).is_ok())
    }

    /// The parties of `ids` the actor may change with `permission`, checked
    /// in one read per thousand: those he cannot reach, that were merged
    /// away or are outside what he may write are left out.
    pub(crate) async fn guard_parties(
        &self,
        actor: &Actor,
        ids: &[PartyId],
        permission: Permission,
    ) -> Result<HashMap<PartyId, ReachedParty>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let standings = db::repo::party::standings(&self.db, &actor.read_scope(), ids).await?;
        Ok(standings
            .into_iter()
            .filter(|(_, standing)| {
                standing.merged_into.is_none() && actor.require_write(permission, standing.portfolio).is_ok()
            })
            .map(|(id, _)| (id, ReachedParty(id)))
            .collect())
    }
}

/// A party the actor was found to reach (he may read it and it was not
/// merged away). The reads of its parts take one, so that a page showing
/// several of them checks access once; only this module makes one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReachedParty(PartyId);

impl ReachedParty {
    pub(crate) fn id(self) -> PartyId {
        self.0
    }

    /// The access check made by reading the party's own row in the actor's
    /// read scope.
    pub(crate) fn of_row(row: &db::repo::party::PartyRow) -> Result<ReachedParty, AppError> {
        match row.merged_into {
            Some(survivor) => Err(AppError::Merged { into: PartyId(survivor) }),
            None => Ok(ReachedParty(PartyId(row.id))),
        }
    }
}

/// The actor of a signed-in user, from his roles and his organisation's
/// locality as just read.
pub(crate) fn actor_of(
    user: User,
    roles: Vec<repo::RoleRow>,
    locality: Locality,
    ip: Option<String>,
) -> Actor {
    let grants = Grants::union(roles.iter().map(repo::RoleRow::grants).collect::<Vec<_>>().iter());
    Actor {
        user_id: user.id,
        org_id: user.org_id,
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        locale: user.locale,
        theme: user.theme,
        time_zone: locality.hours.time_zone,
        currency: locality.currency,
        country: locality.country,
        ip,
        grants,
        role_names: roles.into_iter().map(|r| r.name).collect(),
        branch_id: user.branch_id,
        viewing_as: None,
    }
}

/// Whether a role gives the right to administer: the one right nobody may
/// take from himself.
fn administers(role: &repo::RoleRow) -> bool {
    role.grants().permissions.contains(&Permission::Administer)
}
