//! The stores and the catalogue: administrators keep them; every user
//! reads them to record a sale.
use crate::Catalogue;
use crate::{Actor, AppError};
use chrono::{DateTime, Utc};
use db::DbError;
use db::repo::catalogue::{self as repo, ProductQuery, ProductRow, StoreRow};
use domain::audit::{AuditAction, AuditEntity};
use domain::catalogue::{ListKind, ProductDraft, SellerCodeDraft, StoreDraft};
use domain::document::{Document, DocumentKind};
use domain::{Money, ProductId, StoreId, ValidationErrors};
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize)]
pub struct StoreView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    /// As people write it: 11.222.333/0001-81.
    pub cnpj: Option<String>,
    pub active: bool,
    pub version: i64,
}

impl From<StoreRow> for StoreView {
    fn from(row: StoreRow) -> Self {
        StoreView {
            id: row.id,
            code: row.code,
            name: row.name,
            cnpj: row.cnpj.map(|c| Document { kind: DocumentKind::Cnpj, value: c }.formatted()),
            active: row.active,
            version: row.version,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ProductView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub price: Money,
    pub group: Option<String>,
    pub brand: Option<String>,
    pub line: Option<String>,
    pub active: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl From<ProductRow> for ProductView {
    fn from(row: ProductRow) -> Self {
        ProductView {
            id: row.id,
            code: row.code,
            name: row.name,
            unit: row.unit,
            price: Money(row.price),
            group: row.group_name,
            brand: row.brand_name,
            line: row.line_name,
            active: row.active,
            version: row.version,
            updated_at: row.updated_at,
        }
    }
}

/// A page of the catalogue and where the next one starts.
pub struct ProductPage {
    pub products: Vec<ProductView>,
    pub next_after: Option<String>,
}

pub const PRODUCTS_PER_PAGE: u32 = 50;

/// The names already in the organisation's lists, to suggest.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CatalogueLists {
    pub groups: Vec<String>,
    pub brands: Vec<String>,
    pub lines: Vec<String>,
}

fn taken(field: &'static str, message: &'static str) -> impl FnOnce(DbError) -> AppError {
    move |error| match error {
        DbError::Duplicate(_) => AppError::Taken(ValidationErrors::single(field, message)),
        other => other.into(),
    }
}

/// A seller code of the ERP and the user whose sales it marks.
#[derive(Clone, Debug, Serialize)]
pub struct SellerCodeView {
    pub code: String,
    pub user_id: Uuid,
    pub user_name: String,
}

impl Catalogue<'_> {
    /// The ERP's seller codes and their users.
    pub async fn seller_codes(&self, actor: &Actor) -> Result<Vec<SellerCodeView>, AppError> {
        actor.require(domain::access::Permission::PartiesRead)?;
        Ok(repo::seller_codes(&self.db, actor.org_id)
            .await?
            .into_iter()
            .map(|row| SellerCodeView { code: row.code, user_id: row.user_id, user_name: row.user_name })
            .collect())
    }

    /// Maps a seller code of the ERP to a user of the organisation: the
    /// sales sent with it from then on are his.
    #[tracing::instrument(skip_all)]
    pub async fn map_seller_code(
        &self,
        actor: &Actor,
        draft: &SellerCodeDraft,
    ) -> Result<SellerCodeView, AppError> {
        actor.require_admin()?;
        let seller = draft.validate()?;
        let user = db::repo::user::get(&self.db, actor.org_id, seller.user_id)
            .await?
            .ok_or_else(|| ValidationErrors::single("user_id", "error-not-found"))?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        repo::insert_seller_code(&mut change.tx, actor.org_id, &seller, at)
            .await
            .map_err(taken("code", "error-code-taken"))?;
        let after = serde_json::json!({ "code": seller.code, "user": user.display_name });
        change
            .audit(AuditAction::Create, AuditEntity::SellerCode, Some(seller.code.clone()), None, Some(after))
            .await?;
        change.commit().await?;
        Ok(SellerCodeView { code: seller.code, user_id: user.id, user_name: user.display_name })
    }

    /// Removes a seller code's mapping; the sales it marked stay his.
    #[tracing::instrument(skip_all)]
    pub async fn unmap_seller_code(&self, actor: &Actor, code: &str) -> Result<(), AppError> {
        actor.require_admin()?;
        let mut change = self.change(actor).await?;
        if !repo::delete_seller_code(&mut change.tx, actor.org_id, code.trim()).await? {
            return Err(AppError::NotFound);
        }
        let before = serde_json::json!({ "code": code.trim() });
        change.audit_deleted(AuditEntity::SellerCode, code.trim(), before).await?;
        change.commit().await?;
        Ok(())
    }

    /// Every store, active or not (anyone may read them to record a sale).
    pub async fn stores(&self, actor: &Actor) -> Result<Vec<StoreView>, AppError> {
        actor.require(domain::access::Permission::PartiesRead)?;
        Ok(repo::stores(&self.db, actor.org_id).await?.into_iter().map(Into::into).collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_store(&self, actor: &Actor, draft: &StoreDraft) -> Result<StoreView, AppError> {
        actor.require_admin()?;
        let store = draft.validate()?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let id = repo::insert_store(&mut change.tx, actor.org_id, &store, at)
            .await
            .map_err(taken("code", "error-code-taken"))?;
        let after = serde_json::json!({ "code": store.code, "name": store.name, "cnpj": store.cnpj.as_ref().map(|c| &c.value) });
        change.audit_created(AuditEntity::Store, id, after).await?;
        change.commit().await?;
        self.store(actor, id).await
    }

    pub async fn store(&self, actor: &Actor, id: StoreId) -> Result<StoreView, AppError> {
        actor.require(domain::access::Permission::PartiesRead)?;
        Ok(repo::store(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?.into())
    }

    /// Saves a store; refused if someone saved it since `version`. An
    /// inactive store keeps its sales and takes no new ones.
    #[tracing::instrument(skip_all)]
    pub async fn update_store(
        &self,
        actor: &Actor,
        id: StoreId,
        version: i64,
        draft: &StoreDraft,
        active: bool,
    ) -> Result<StoreView, AppError> {
        actor.require_admin()?;
        let store = draft.validate()?;
        let before = repo::store(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let saved = repo::update_store(&mut change.tx, actor.org_id, id, version, &store, active, at)
            .await
            .map_err(taken("code", "error-code-taken"))?;
        if !saved {
            drop(change);
            let current = repo::store(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
            return Err(AppError::Conflict { by: String::new(), at: current.updated_at });
        }
        let old = serde_json::json!({ "code": before.code, "name": before.name, "cnpj": before.cnpj, "active": before.active });
        let new = serde_json::json!({ "code": store.code, "name": store.name, "cnpj": store.cnpj.as_ref().map(|c| &c.value), "active": active });
        change.audit_changed(AuditEntity::Store, id, old, new).await?;
        change.commit().await?;
        self.store(actor, id).await
    }

    /// A page of products by code, matching part of a code or name.
    pub async fn products(
        &self,
        actor: &Actor,
        text: &str,
        include_inactive: bool,
        after_code: Option<String>,
    ) -> Result<ProductPage, AppError> {
        actor.require(domain::access::Permission::PartiesRead)?;
        let query = ProductQuery {
            text: text.to_string(),
            include_inactive,
            after_code,
            limit: PRODUCTS_PER_PAGE + 1,
        };
        let mut products: Vec<ProductView> =
            repo::products(&self.db, actor.org_id, &query).await?.into_iter().map(Into::into).collect();
        let next_after = if products.len() > PRODUCTS_PER_PAGE as usize {
            products.truncate(PRODUCTS_PER_PAGE as usize);
            products.last().map(|p| p.code.clone())
        } else {
            None
        };
        Ok(ProductPage { products, next_after })
    }

    pub async fn product(&self, actor: &Actor, id: ProductId) -> Result<ProductView, AppError> {
        actor.require(domain::access::Permission::PartiesRead)?;
        Ok(repo::product(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?.into())
    }

    pub async fn lists(&self, actor: &Actor) -> Result<CatalogueLists, AppError> {
        actor.require(domain::access::Permission::PartiesRead)?;
        let (groups, brands, lines) = tokio::try_join!(
            repo::list_names(&self.db, actor.org_id, ListKind::Group),
            repo::list_names(&self.db, actor.org_id, ListKind::Brand),
            repo::list_names(&self.db, actor.org_id, ListKind::Line),
        )?;
        Ok(CatalogueLists { groups, brands, lines })
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_product(&self, actor: &Actor, draft: &ProductDraft) -> Result<ProductView, AppError> {
        actor.require_admin()?;
        let product = draft.validate()?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let id = repo::insert_product(&mut change.tx, actor.org_id, &product, at)
            .await
            .map_err(taken("code", "error-code-taken"))?;
        let after =
            serde_json::json!({ "code": product.code, "name": product.name, "price": product.price.0 });
        change.audit_created(AuditEntity::Product, id, after).await?;
        change.commit().await?;
        self.product(actor, id).await
    }

    /// Saves a product; refused if someone saved it since `version`. Sales
    /// made keep the price and name they were made with.
    #[tracing::instrument(skip_all)]
    pub async fn update_product(
        &self,
        actor: &Actor,
        id: ProductId,
        version: i64,
        draft: &ProductDraft,
    ) -> Result<ProductView, AppError> {
        actor.require_admin()?;
        let product = draft.validate()?;
        let before = self.product(actor, id).await?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let saved = repo::update_product(&mut change.tx, actor.org_id, id, version, &product, at)
            .await
            .map_err(taken("code", "error-code-taken"))?;
        if !saved {
            drop(change);
            let current = self.product(actor, id).await?;
            return Err(AppError::Conflict { by: String::new(), at: current.updated_at });
        }
        let old = serde_json::json!({ "code": before.code, "name": before.name, "price": before.price.0, "active": before.active });
        let new = serde_json::json!({ "code": product.code, "name": product.name, "price": product.price.0, "active": product.active });
        change.audit_changed(AuditEntity::Product, id, old, new).await?;
        change.commit().await?;
        self.product(actor, id).await
    }
}
