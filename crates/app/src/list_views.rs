//! How each person sees the customer list and the work queue: the
//! customer list's columns he chose, in his order, and saved views — a
//! name for a list's filters (the customer list's sort and columns too),
//! his own or shared with the organisation. A shared view shares the
//! filters, never the rows: each reader sees what his access reaches.
use crate::ListViews;
use crate::parties::PartyQuery;
use crate::work_queue::WorkQuery;
use crate::{Actor, AppError};
use chrono::{DateTime, Utc};
use db::repo::list_view as repo;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::list_view::{
    CUSTOMER_LIST, CustomerColumn, DEFAULT_CUSTOMER_COLUMNS, WORK_LIST, columns_from_text, columns_text,
    parse_view_name,
};
use domain::{UserId, ValidationErrors};
use serde::Serialize;
use uuid::Uuid;

/// A saved view as its reader may use it.
#[derive(Clone, Debug, Serialize)]
pub struct SavedView {
    pub id: Uuid,
    pub name: String,
    /// The list's filters and sort, as the list's address takes them.
    pub query: String,
    pub columns: Vec<CustomerColumn>,
    pub shared: bool,
    pub owner_name: String,
    /// Whether the reader may delete it: his own, or any if he administers.
    pub deletable: bool,
    pub created_at: DateTime<Utc>,
}

/// What saving a view takes.
#[derive(Clone, Debug, Default)]
pub struct NewView {
    pub name: String,
    pub query: PartyQuery,
    pub columns: Vec<CustomerColumn>,
    pub shared: bool,
}

/// What saving a view of the work queue takes: its columns are fixed.
#[derive(Clone, Debug, Default)]
pub struct NewWorkView {
    pub name: String,
    pub query: WorkQuery,
    pub shared: bool,
}

/// A view as it is written, whichever list it is of.
struct ViewRecord {
    list: &'static str,
    name: String,
    /// The list's filters as its address's query string.
    query: String,
    columns: String,
    shared: bool,
}

impl ListViews<'_> {
    fn view_of(&self, actor: &Actor, row: repo::SavedViewRow) -> SavedView {
        SavedView {
            deletable: row.owner_id == actor.user_id.0 || actor.is_admin(),
            id: row.id,
            name: row.name,
            query: row.query,
            columns: columns_from_text(&row.columns),
            shared: row.shared,
            owner_name: row.owner_name,
            created_at: row.created_at,
        }
    }

    /// The customer list's columns as the user chose them, or the defaults.
    pub async fn customer_columns(&self, actor: &Actor) -> Result<Vec<CustomerColumn>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let stored = repo::columns(&self.db, actor.user_id, CUSTOMER_LIST).await?;
        Ok(stored.map(|text| columns_from_text(&text)).unwrap_or_else(|| DEFAULT_CUSTOMER_COLUMNS.to_vec()))
    }

    /// Keeps the user's columns of the customer list, in his order.
    pub async fn set_customer_columns(
        &self,
        actor: &Actor,
        columns: &[CustomerColumn],
    ) -> Result<(), AppError> {
        actor.require(Permission::PartiesRead)?;
        actor.require_own_change()?;
        let mut change = self.change(actor).await?;
        repo::set_columns(&mut change.tx, actor.org_id, actor.user_id, CUSTOMER_LIST, &columns_text(columns))
            .await?;
        change.commit().await?;
        Ok(())
    }

    /// The customer list's views the user may open, by name.
    pub async fn customer_views(&self, actor: &Actor) -> Result<Vec<SavedView>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let rows = repo::visible(&self.db, actor.org_id, actor.user_id, CUSTOMER_LIST).await?;
        Ok(rows.into_iter().map(|row| self.view_of(actor, row)).collect())
    }

    /// Saves the list's filters, sort and columns under a name.
    pub async fn save_customer_view(&self, actor: &Actor, input: &NewView) -> Result<SavedView, AppError> {
        actor.require(Permission::PartiesRead)?;
        actor.require_own_change()?;
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", parse_view_name(&input.name));
        if let Err(refused) = input.query.check() {
            errors.0.extend(refused.0);
        }
        errors.into_result()?;
        let columns =
            if input.columns.is_empty() { DEFAULT_CUSTOMER_COLUMNS.to_vec() } else { input.columns.clone() };
        let record = ViewRecord {
            list: CUSTOMER_LIST,
            name: name.unwrap_or_default(),
            query: serde_urlencoded::to_string(input.query.filter_pairs()).unwrap_or_default(),
            columns: columns_text(&columns),
            shared: input.shared,
        };
        self.save_view(actor, record).await
    }

    /// The work queue's views the user may open, by name.
    pub async fn work_views(&self, actor: &Actor) -> Result<Vec<SavedView>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let rows = repo::visible(&self.db, actor.org_id, actor.user_id, WORK_LIST).await?;
        Ok(rows.into_iter().map(|row| self.view_of(actor, row)).collect())
    }

    /// Saves the work queue's filters under a name.
    pub async fn save_work_view(&self, actor: &Actor, input: &NewWorkView) -> Result<SavedView, AppError> {
        actor.require(Permission::PartiesRead)?;
        actor.require_own_change()?;
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", parse_view_name(&input.name));
        if let Err(refused) = input.query.check() {
            errors.0.extend(refused.0);
        }
        errors.into_result()?;
        let record = ViewRecord {
            list: WORK_LIST,
            name: name.unwrap_or_default(),
            query: serde_urlencoded::to_string(input.query.filter_pairs()).unwrap_or_default(),
            columns: String::new(),
            shared: input.shared,
        };
        self.save_view(actor, record).await
    }

    /// Writes a checked view, in the audit.
    async fn save_view(&self, actor: &Actor, record: ViewRecord) -> Result<SavedView, AppError> {
        let id = Uuid::now_v7();
        let mut change = self.change(actor).await?;
        repo::insert(
            &mut change.tx,
            &repo::NewView {
                id,
                org_id: actor.org_id,
                owner_id: actor.user_id,
                list_key: record.list,
                name: &record.name,
                query: &record.query,
                columns: &record.columns,
                shared: record.shared,
                created_at: self.now(),
            },
        )
        .await?;
        let row = repo::get_in_tx(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let after = serde_json::json!({ "name": row.name, "shared": row.shared });
        change
            .audit(AuditAction::Create, AuditEntity::SavedView, Some(id.to_string()), None, Some(after))
            .await?;
        change.commit().await?;
        Ok(self.view_of(actor, row))
    }

    /// Deletes a view: one's own, or any shared one for an administrator.
    /// Another's private view is not revealed (404).
    pub async fn delete_view(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        actor.require_own_change()?;
        let mut change = self.change(actor).await?;
        let row = repo::get_in_tx(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let own = UserId(row.owner_id) == actor.user_id;
        if !own && !row.shared {
            return Err(AppError::NotFound);
        }
        if !own && !actor.is_admin() {
            return Err(AppError::Forbidden);
        }
        repo::delete(&mut change.tx, actor.org_id, id).await?;
        let before = serde_json::json!({ "name": row.name, "shared": row.shared });
        change
            .audit(AuditAction::Delete, AuditEntity::SavedView, Some(id.to_string()), Some(before), None)
            .await?;
        change.commit().await?;
        Ok(())
    }
}
