//! How each person sees a list (the customer list, the work queue): the
//! columns he chose, in his order, and saved views — a name for the
//! list's filters, sort and columns, his own or shared with the
//! organisation. A shared view shares the filters, never the rows: each
//! reader sees what his access reaches.
use crate::ListViews;
use crate::parties::PartyQuery;
use crate::work_queue::WorkQuery;
use crate::{Actor, AppError};
use chrono::{DateTime, Utc};
use db::repo::list_view as repo;
use domain::ValidationErrors;
use domain::access::Permission;
use domain::audit::AuditEntity;
use domain::list_view::{CustomerColumn, ListColumn, columns_from_text, columns_text, parse_view_name};
use domain::work_queue::WorkColumn;
use serde::Serialize;
use uuid::Uuid;

/// A saved view of the list whose columns are `C`, as its reader may use it.
#[derive(Clone, Debug, Serialize)]
pub struct SavedView<C = CustomerColumn> {
    pub id: Uuid,
    pub name: String,
    /// The list's filters and sort, as the list's address takes them.
    pub query: String,
    pub columns: Vec<C>,
    pub shared: bool,
    pub owner_name: String,
    /// Whether the reader may delete it: his own, or any if he administers.
    pub deletable: bool,
    pub created_at: DateTime<Utc>,
}

/// What saving a view of the customer list takes.
#[derive(Clone, Debug, Default)]
pub struct NewView {
    pub name: String,
    pub query: PartyQuery,
    pub columns: Vec<CustomerColumn>,
    pub shared: bool,
}

/// What saving a view of the work queue takes.
#[derive(Clone, Debug, Default)]
pub struct NewWorkView {
    pub name: String,
    pub query: WorkQuery,
    pub columns: Vec<WorkColumn>,
    pub shared: bool,
}

/// A view about to be written, whichever list it is of; `query` as the
/// list checked it.
struct ViewRecord<'a, C> {
    name: &'a str,
    query: Result<Vec<(String, String)>, ValidationErrors>,
    columns: &'a [C],
    shared: bool,
}

impl ListViews<'_> {
    fn view_of<C: ListColumn>(&self, actor: &Actor, row: repo::SavedViewRow) -> SavedView<C> {
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

    /// A list's columns as the user chose them, or the list's defaults.
    pub async fn columns<C: ListColumn>(&self, actor: &Actor) -> Result<Vec<C>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let stored = repo::columns(&self.db, actor.user_id, C::LIST).await?;
        Ok(stored.map(|text| columns_from_text(&text)).unwrap_or_else(|| C::defaults().to_vec()))
    }

    /// Keeps the user's columns of a list, in his order.
    pub async fn set_columns<C: ListColumn>(&self, actor: &Actor, columns: &[C]) -> Result<(), AppError> {
        actor.require(Permission::PartiesRead)?;
        actor.require_own_change()?;
        let mut change = self.change(actor).await?;
        repo::set_columns(&mut change.tx, actor.org_id, actor.user_id, C::LIST, &columns_text(columns))
            .await?;
        change.commit().await?;
        Ok(())
    }

    /// A list's views the user may open, by name.
    pub async fn views<C: ListColumn>(&self, actor: &Actor) -> Result<Vec<SavedView<C>>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let rows = repo::visible(&self.db, actor.org_id, actor.user_id, C::LIST).await?;
        Ok(rows.into_iter().map(|row| self.view_of(actor, row)).collect())
    }

    /// Saves the customer list's filters, sort and columns under a name.
    pub async fn save_customer_view(&self, actor: &Actor, input: &NewView) -> Result<SavedView, AppError> {
        let query = input.query.check().map(|_| input.query.filter_pairs());
        let record = ViewRecord { name: &input.name, query, columns: &input.columns, shared: input.shared };
        self.save_view(actor, record).await
    }

    /// Saves the work queue's filters and columns under a name.
    pub async fn save_work_view(
        &self,
        actor: &Actor,
        input: &NewWorkView,
    ) -> Result<SavedView<WorkColumn>, AppError> {
        let pairs = |query: &WorkQuery| {
            query.filter_pairs().into_iter().map(|(name, value)| (name.to_string(), value)).collect()
        };
        let query = input.query.check().map(|_| pairs(&input.query));
        let record = ViewRecord { name: &input.name, query, columns: &input.columns, shared: input.shared };
        self.save_view(actor, record).await
    }

    /// Writes a checked view, in the audit.
    async fn save_view<C: ListColumn>(
        &self,
        actor: &Actor,
        record: ViewRecord<'_, C>,
    ) -> Result<SavedView<C>, AppError> {
        actor.require(Permission::PartiesRead)?;
        actor.require_own_change()?;
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", parse_view_name(record.name));
        let query = match record.query {
            Ok(pairs) => serde_urlencoded::to_string(pairs).unwrap_or_default(),
            Err(refused) => {
                errors.0.extend(refused.0);
                String::new()
            }
        };
        errors.into_result()?;
        // No columns chosen keeps the list's defaults.
        let columns = if record.columns.is_empty() { C::defaults() } else { record.columns };
        let id = Uuid::now_v7();
        let mut change = self.change(actor).await?;
        repo::insert(
            &mut change.tx,
            &repo::NewView {
                id,
                org_id: actor.org_id,
                owner_id: actor.user_id,
                list_key: C::LIST,
                name: &name.unwrap_or_default(),
                query: &query,
                columns: &columns_text(columns),
                shared: record.shared,
                created_at: self.now(),
            },
        )
        .await?;
        let row = repo::get_in_tx(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let after = serde_json::json!({ "name": row.name, "shared": row.shared });
        change.audit_created(AuditEntity::SavedView, id, after).await?;
        change.commit().await?;
        Ok(self.view_of(actor, row))
    }

    /// Deletes a view: one's own, or any shared one for an administrator.
    /// Another's private view is not revealed (404).
    pub async fn delete_view(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        actor.require_own_change()?;
        let mut change = self.change(actor).await?;
        let row = repo::get_in_tx(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        actor.require_may_remove_saved(row.owner_id, row.shared)?;
        repo::delete(&mut change.tx, actor.org_id, id).await?;
        let before = serde_json::json!({ "name": row.name, "shared": row.shared });
        change.audit_deleted(AuditEntity::SavedView, id, before).await?;
        change.commit().await?;
        Ok(())
    }
}
