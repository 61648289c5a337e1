//! Organisations [organizações]: the tenants.
use crate::direct::direct_row;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::OrgId;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrganisationRow {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, id: OrgId, name: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO organisations (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id.0)
            .bind(name)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<OrganisationRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT id, name, created_at FROM organisations WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await?
    }))
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: OrgId) -> Result<Option<OrganisationRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT id, name, created_at FROM organisations WHERE id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    }))
}

pub async fn all(db: &Db) -> Result<Vec<OrganisationRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT id, name, created_at FROM organisations ORDER BY name").fetch_all(pool).await?
    }))
}

/// Every organisation with its time zone (IANA name, as stored): where the
/// daily tasks read "today" and "03:00".
pub async fn time_zones(db: &Db) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT id, time_zone FROM organisations ORDER BY id").fetch_all(pool).await?
    }))
}

/// The organisation's time zone and working hours, as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WorkingHoursRow {
    pub time_zone: String,
    pub work_opens: String,
    pub work_closes: String,
    pub work_days: String,
    /// `BRL` or `EUR`; set apart from the hours, read with them.
    #[sqlx(default)]
    pub currency: String,
    /// `BR` or `PT`, read with them too.
    #[sqlx(default)]
    pub country: String,
}

direct_row!(WorkingHoursRow { time_zone, work_opens, work_closes, work_days, currency, country });

pub async fn working_hours(db: &Db, id: OrgId) -> Result<Option<WorkingHoursRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT time_zone, work_opens, work_closes, work_days, currency, country FROM organisations WHERE id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    }))
}

pub async fn set_working_hours(tx: &mut Tx, id: OrgId, hours: &WorkingHoursRow) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE organisations SET time_zone = $2, work_opens = $3, work_closes = $4, work_days = $5 WHERE id = $1")
            .bind(id.0)
            .bind(&hours.time_zone)
            .bind(&hours.work_opens)
            .bind(&hours.work_closes)
            .bind(&hours.work_days)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// A setting of the organisation every screen follows, by its column.
#[derive(Clone, Copy, Debug)]
pub enum Setting {
    Currency,
    Country,
}

impl Setting {
    pub fn column(self) -> &'static str {
        match self {
            Setting::Currency => "currency",
            Setting::Country => "country",
        }
    }
}

pub async fn set_setting(tx: &mut Tx, id: OrgId, setting: Setting, value: &str) -> Result<(), DbError> {
    let sql = format!("UPDATE organisations SET {} = $2 WHERE id = $1", setting.column());
    on_tx!(tx, conn => {
        sqlx::query(&sql).bind(id.0).bind(value).execute(&mut *conn).await?;
    });
    Ok(())
}

/// The organisation's logo, as uploaded.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LogoRow {
    pub content_type: String,
    pub content: Vec<u8>,
    pub updated_at: DateTime<Utc>,
}

#[tracing::instrument(skip_all)]
pub async fn logo(db: &Db, id: OrgId) -> Result<Option<LogoRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT content_type, content, updated_at FROM organisation_logos WHERE org_id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    }))
}

/// Replaces the logo (there is one at most).
#[tracing::instrument(skip_all)]
pub async fn set_logo(tx: &mut Tx, id: OrgId, logo: &LogoRow) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO organisation_logos (org_id, content_type, content, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (org_id) DO UPDATE SET content_type = $2, content = $3, updated_at = $4",
        )
        .bind(id.0)
        .bind(&logo.content_type)
        .bind(&logo.content)
        .bind(logo.updated_at)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Removes the logo; false when there was none.
#[tracing::instrument(skip_all)]
pub async fn remove_logo(tx: &mut Tx, id: OrgId) -> Result<bool, DbError> {
    let removed = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM organisation_logos WHERE org_id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    });
    Ok(removed > 0)
}
