//! Stores, the catalogue's lists (groups, brands, lines) and products.
use super::by_id;
use super::versioned::{Columns, Record};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::catalogue::{ListKind, ValidProduct, ValidSellerCode, ValidStore};
use domain::{OrgId, ProductId, StoreId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoreRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub cnpj: Option<String>,
    pub active: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

const STORE_COLUMNS: &str = "id, code, name, cnpj, active, version, updated_at";

#[tracing::instrument(skip_all)]
pub async fn stores(db: &Db, org_id: OrgId) -> Result<Vec<StoreRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!("SELECT {STORE_COLUMNS} FROM stores WHERE org_id = $1 ORDER BY code"))
            .bind(org_id.0)
            .fetch_all(pool)
            .await?
    }))
}

/// Every store, inside a sale's transaction.
pub async fn stores_in(tx: &mut Tx, org_id: OrgId) -> Result<Vec<StoreRow>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(&format!("SELECT {STORE_COLUMNS} FROM stores WHERE org_id = $1"))
            .bind(org_id.0)
            .fetch_all(&mut *conn)
            .await?
    }))
}

pub async fn store(db: &Db, org_id: OrgId, id: StoreId) -> Result<Option<StoreRow>, DbError> {
    by_id::row(db, &format!("SELECT {STORE_COLUMNS} FROM stores WHERE org_id = $1 AND id = $2"), org_id, id.0)
        .await
}

/// A store code already taken answers `DbError::Duplicate`.
#[tracing::instrument(skip_all)]
pub async fn insert_store(
    tx: &mut Tx,
    org_id: OrgId,
    store: &ValidStore,
    now: DateTime<Utc>,
) -> Result<StoreId, DbError> {
    let id = StoreId::new();
    Record::of("stores", org_id, id.0).insert(tx, store_columns(store, true), now).await?;
    Ok(id)
}

/// Saves the store if nobody changed it since `version`; false otherwise.
#[tracing::instrument(skip_all)]
pub async fn update_store(
    tx: &mut Tx,
    org_id: OrgId,
    id: StoreId,
    version: i64,
    store: &ValidStore,
    active: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Record::of("stores", org_id, id.0).update(tx, version, store_columns(store, active), now).await
}

/// A product with the names of its group, brand and line.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProductRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub price: i64,
    pub group_name: Option<String>,
    pub brand_name: Option<String>,
    pub line_name: Option<String>,
    pub group_id: Option<Uuid>,
    pub active: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

const PRODUCT_SELECT: &str = "SELECT p.id, p.code, p.name, p.unit, p.price, g.name AS group_name, p.group_id,
    b.name AS brand_name, l.name AS line_name, p.active, p.version, p.updated_at
    FROM products p LEFT JOIN catalogue_lists g ON g.id = p.group_id
    LEFT JOIN catalogue_lists b ON b.id = p.brand_id LEFT JOIN catalogue_lists l ON l.id = p.line_id";

/// Which products a page of the catalogue shows.
#[derive(Clone, Debug, Default)]
pub struct ProductQuery {
    /// Part of the code or the name, any case.
    pub text: String,
    pub include_inactive: bool,
    /// Products after this code (the page before ended there).
    pub after_code: Option<String>,
    pub limit: u32,
}

#[tracing::instrument(skip_all)]
pub async fn products(db: &Db, org_id: OrgId, query: &ProductQuery) -> Result<Vec<ProductRow>, DbError> {
    let pattern = format!("%{}%", query.text.trim().to_lowercase().replace(['%', '_'], ""));
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!(
            "{PRODUCT_SELECT} WHERE p.org_id = $1 AND (LOWER(p.code) LIKE $2 OR LOWER(p.name) LIKE $2)
             AND (p.active OR $3) AND ($4 IS NULL OR p.code > $4) ORDER BY p.code LIMIT $5"
        ))
        .bind(org_id.0)
        .bind(&pattern)
        .bind(query.include_inactive)
        .bind(query.after_code.as_deref())
        .bind(i64::from(query.limit))
        .fetch_all(pool)
        .await?
    }))
}

pub async fn product(db: &Db, org_id: OrgId, id: ProductId) -> Result<Option<ProductRow>, DbError> {
    by_id::row(db, &format!("{PRODUCT_SELECT} WHERE p.org_id = $1 AND p.id = $2"), org_id, id.0).await
}

/// The products of these codes, as a sale names them, inside the sale's
/// transaction: one read per 500 codes.
pub async fn products_by_code(
    tx: &mut Tx,
    org_id: OrgId,
    codes: &[String],
) -> Result<Vec<ProductRow>, DbError> {
    let mut found = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(500) {
        let sql = format!(
            "{PRODUCT_SELECT} WHERE p.org_id = $1 AND p.code IN ({})",
            super::placeholders(2, chunk.len())
        );
        let rows: Vec<ProductRow> = on_tx!(tx, conn => {
            let mut query = sqlx::query_as(&sql).bind(org_id.0);
            for code in chunk {
                query = query.bind(code);
            }
            query.fetch_all(&mut *conn).await?
        });
        found.extend(rows);
    }
    Ok(found)
}

/// A product code already taken answers `DbError::Duplicate`.
#[tracing::instrument(skip_all)]
pub async fn insert_product(
    tx: &mut Tx,
    org_id: OrgId,
    product: &ValidProduct,
    now: DateTime<Utc>,
) -> Result<ProductId, DbError> {
    let id = ProductId::new();
    let lists = list_ids(tx, org_id, product).await?;
    Record::of("products", org_id, id.0).insert(tx, product_columns(product, lists), now).await?;
    Ok(id)
}

/// Saves the product if nobody changed it since `version`; false otherwise.
#[tracing::instrument(skip_all)]
pub async fn update_product(
    tx: &mut Tx,
    org_id: OrgId,
    id: ProductId,
    version: i64,
    product: &ValidProduct,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let lists = list_ids(tx, org_id, product).await?;
    Record::of("products", org_id, id.0).update(tx, version, product_columns(product, lists), now).await
}

fn store_columns(store: &ValidStore, active: bool) -> Columns {
    let cnpj = store.cnpj.as_ref().map(|c| c.value.as_str());
    vec![
        ("code", store.code.as_str().into()),
        ("name", store.name.as_str().into()),
        ("cnpj", cnpj.into()),
        ("active", active.into()),
    ]
}

fn product_columns(product: &ValidProduct, [group, brand, line]: [Option<Uuid>; 3]) -> Columns {
    vec![
        ("code", product.code.as_str().into()),
        ("name", product.name.as_str().into()),
        ("unit", product.unit.as_str().into()),
        ("price", product.price.0.into()),
        ("group_id", group.into()),
        ("brand_id", brand.into()),
        ("line_id", line.into()),
        ("active", product.active.into()),
    ]
}

/// The group's, brand's and line's ids, a new name added to its list.
async fn list_ids(tx: &mut Tx, org_id: OrgId, product: &ValidProduct) -> Result<[Option<Uuid>; 3], DbError> {
    let mut ids = [None; 3];
    for (slot, kind) in [ListKind::Group, ListKind::Brand, ListKind::Line].into_iter().enumerate() {
        let Some((_, name)) = product.lists.iter().find(|(k, _)| *k == kind) else { continue };
        let id: Uuid = on_tx!(tx, conn => {
            let found: Option<Uuid> =
                sqlx::query_scalar("SELECT id FROM catalogue_lists WHERE org_id = $1 AND kind = $2 AND name = $3")
                    .bind(org_id.0)
                    .bind(kind.as_str())
                    .bind(name)
                    .fetch_optional(&mut *conn)
                    .await?;
            match found {
                Some(id) => id,
                None => {
                    let id = Uuid::now_v7();
                    sqlx::query("INSERT INTO catalogue_lists (id, org_id, kind, name) VALUES ($1, $2, $3, $4)")
                        .bind(id)
                        .bind(org_id.0)
                        .bind(kind.as_str())
                        .bind(name)
                        .execute(&mut *conn)
                        .await?;
                    id
                }
            }
        });
        ids[slot] = Some(id);
    }
    Ok(ids)
}

/// The entries of one of the organisation's lists, id and name, by name.
pub async fn lists_in(tx: &mut Tx, org_id: OrgId, kind: ListKind) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as("SELECT id, name FROM catalogue_lists WHERE org_id = $1 AND kind = $2 ORDER BY name")
            .bind(org_id.0)
            .bind(kind.as_str())
            .fetch_all(&mut *conn)
            .await?
    }))
}

/// The names of one of the organisation's lists, for suggestions.
pub async fn list_names(db: &Db, org_id: OrgId, kind: ListKind) -> Result<Vec<String>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar("SELECT name FROM catalogue_lists WHERE org_id = $1 AND kind = $2 ORDER BY name")
            .bind(org_id.0)
            .bind(kind.as_str())
            .fetch_all(pool)
            .await?
    }))
}

/// A seller code of the ERP and the user it maps to.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SellerCodeRow {
    pub code: String,
    pub user_id: Uuid,
    pub user_name: String,
}

pub async fn seller_codes(db: &Db, org_id: OrgId) -> Result<Vec<SellerCodeRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT s.code, s.user_id, u.display_name AS user_name FROM seller_codes s
             JOIN users u ON u.id = s.user_id WHERE s.org_id = $1 ORDER BY s.code",
        )
        .bind(org_id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// Every seller code with its user, as a sale's transaction sees them.
pub async fn seller_codes_in(tx: &mut Tx, org_id: OrgId) -> Result<Vec<(String, Uuid)>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as("SELECT code, user_id FROM seller_codes WHERE org_id = $1")
            .bind(org_id.0)
            .fetch_all(&mut *conn)
            .await?
    }))
}

/// A code already mapped answers `DbError::Duplicate`.
pub async fn insert_seller_code(
    tx: &mut Tx,
    org_id: OrgId,
    seller: &ValidSellerCode,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO seller_codes (org_id, code, user_id, created_at) VALUES ($1, $2, $3, $4)")
            .bind(org_id.0)
            .bind(&seller.code)
            .bind(seller.user_id.0)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Removes a mapping; false when there was none.
pub async fn delete_seller_code(tx: &mut Tx, org_id: OrgId, code: &str) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("DELETE FROM seller_codes WHERE org_id = $1 AND code = $2")
            .bind(org_id.0)
            .bind(code)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            == 1
    }))
}
