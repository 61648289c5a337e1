//! Appointments [agendamentos] and the users booked for them.
use super::by_id;
use super::placeholders;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::{AppointmentId, InteractionId, OrgId, PartyId, SalesContactId, UserId, VehicleId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AppointmentRow {
    pub id: Uuid,
    pub party_id: Option<Uuid>,
    pub party_name: Option<String>,
    pub title: String,
    pub kind: String,
    pub place: String,
    pub notes: String,
    pub first_starts_at: DateTime<Utc>,
    pub first_ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub rrule: Option<String>,
    /// Occurrences cancelled one by one (RFC 5545 EXDATE, UTC).
    pub exdates: Option<String>,
    pub interaction_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub vehicle_plate: Option<String>,
    pub sales_contact_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub created_by_label: String,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by_label: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub updated_by_label: String,
    pub version: i64,
}

const COLUMNS: &str = "a.id, a.party_id, p.full_name AS party_name, a.title, a.kind, a.place, a.notes,
    a.first_starts_at, a.first_ends_at, a.time_zone, a.rrule, a.exdates, a.interaction_id, a.vehicle_id, v.plate AS vehicle_plate, a.sales_contact_id,
    a.created_at, a.created_by_label, a.cancelled_at, a.cancelled_by_label, a.updated_at, a.updated_by_label, a.version";
const JOINS: &str = "LEFT JOIN parties p ON p.id = a.party_id LEFT JOIN vehicles v ON v.id = a.vehicle_id";

pub struct NewAppointment<'a> {
    pub org_id: OrgId,
    pub party: Option<PartyId>,
    pub title: &'a str,
    pub kind: &'a str,
    pub place: &'a str,
    pub notes: &'a str,
    pub first_starts_at: DateTime<Utc>,
    pub first_ends_at: DateTime<Utc>,
    /// The end of the series' last occurrence.
    pub last_ends_at: DateTime<Utc>,
    pub time_zone: &'a str,
    pub rrule: Option<String>,
    pub interaction: Option<InteractionId>,
    pub vehicle: Option<VehicleId>,
    /// The sales contact [contato de venda] it was booked from.
    pub sales_contact: Option<SalesContactId>,
    pub users: &'a [UserId],
    pub by: &'a str,
}

pub async fn insert(
    tx: &mut Tx,
    new: &NewAppointment<'_>,
    now: DateTime<Utc>,
) -> Result<AppointmentId, DbError> {
    let id = AppointmentId::new();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO appointments (id, org_id, party_id, title, kind, place, notes, first_starts_at, first_ends_at,
             last_ends_at, time_zone, rrule, interaction_id, vehicle_id, created_at, created_by_label, updated_at,
             updated_by_label, sales_contact_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $15, $16, $17)",
        )
        .bind(id.0)
        .bind(new.org_id.0)
        .bind(new.party.map(|p| p.0))
        .bind(new.title)
        .bind(new.kind)
        .bind(new.place)
        .bind(new.notes)
        .bind(new.first_starts_at)
        .bind(new.first_ends_at)
        .bind(new.last_ends_at)
        .bind(new.time_zone)
        .bind(&new.rrule)
        .bind(new.interaction.map(|i| i.0))
        .bind(new.vehicle.map(|v| v.0))
        .bind(now)
        .bind(new.by)
        .bind(new.sales_contact.map(|c| c.0))
        .execute(&mut *conn)
        .await?;
    });
    book_users(tx, id, new).await?;
    Ok(id)
}

pub async fn get(db: &Db, org_id: OrgId, id: AppointmentId) -> Result<Option<AppointmentRow>, DbError> {
    by_id::row(
        db,
        &format!("SELECT {COLUMNS} FROM appointments a {JOINS} WHERE a.org_id = $1 AND a.id = $2"),
        org_id,
        id.0,
    )
    .await
}

/// Saves a changed appointment (its time, subject, place, users,
/// recurrence, the occurrences cancelled alone) if nobody changed it since
/// `version`; false otherwise.
pub async fn update(
    tx: &mut Tx,
    id: AppointmentId,
    version: i64,
    change: &NewAppointment<'_>,
    exdates: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let org_id = change.org_id;
    let saved = on_tx!(tx, conn => {
        let saved = sqlx::query(
            "UPDATE appointments SET title = $4, kind = $5, place = $6, notes = $7, first_starts_at = $8,
             first_ends_at = $9, last_ends_at = $10, time_zone = $11, rrule = $12, updated_at = $13,
             updated_by_label = $14, exdates = $15, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3 AND cancelled_at IS NULL",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(version)
        .bind(change.title)
        .bind(change.kind)
        .bind(change.place)
        .bind(change.notes)
        .bind(change.first_starts_at)
        .bind(change.first_ends_at)
        .bind(change.last_ends_at)
        .bind(change.time_zone)
        .bind(&change.rrule)
        .bind(now)
        .bind(change.by)
        .bind(exdates)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if saved {
            sqlx::query("DELETE FROM appointment_users WHERE org_id = $1 AND appointment_id = $2")
                .bind(org_id.0)
                .bind(id.0)
                .execute(&mut *conn)
                .await?;
        }
        saved
    });
    if saved {
        book_users(tx, id, change).await?;
    }
    Ok(saved)
}

/// Books the users of an appointment, with its span for their agendas' index.
async fn book_users(tx: &mut Tx, id: AppointmentId, booking: &NewAppointment<'_>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        for user in booking.users {
            sqlx::query(
                "INSERT INTO appointment_users (org_id, appointment_id, user_id, first_starts_at, last_ends_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(booking.org_id.0)
            .bind(id.0)
            .bind(user.0)
            .bind(booking.first_starts_at)
            .bind(booking.last_ends_at)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// Keeps the appointment, marked cancelled [agendamentos excluídos].
pub async fn cancel(
    tx: &mut Tx,
    org_id: OrgId,
    id: AppointmentId,
    version: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE appointments SET cancelled_at = $4, cancelled_by_label = $5, updated_at = $4, updated_by_label = $5,
             version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3 AND cancelled_at IS NULL",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(version)
        .bind(now)
        .bind(by)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}

/// Sets the occurrences of a series cancelled one by one, if nobody changed
/// it since `version`.
pub async fn set_exdates(
    tx: &mut Tx,
    org_id: OrgId,
    id: AppointmentId,
    version: i64,
    exdates: Option<&str>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE appointments SET exdates = $4, updated_at = $5, updated_by_label = $6, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3 AND cancelled_at IS NULL",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(version)
        .bind(exdates)
        .bind(now)
        .bind(by)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}

/// The users booked for each of these appointments, with their names.
pub async fn users_of(db: &Db, org_id: OrgId, ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid, String)>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(2, ids.len());
    let sql = format!(
        "SELECT au.appointment_id, au.user_id, u.display_name FROM appointment_users au JOIN users u ON u.id = au.user_id
         WHERE au.org_id = $1 AND au.appointment_id IN ({list}) ORDER BY u.display_name"
    );
    Ok(on_db!(db, pool => {
        let mut query = sqlx::query_as(&sql).bind(org_id.0);
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_all(pool).await?
    }))
}

/// What an agenda needs of an appointment: less than its page, since a
/// branch's month reads thousands.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BookedRow {
    pub user_id: Uuid,
    pub id: Uuid,
    pub party_id: Option<Uuid>,
    pub party_name: Option<String>,
    pub title: String,
    pub kind: String,
    pub place: String,
    pub notes: String,
    pub first_starts_at: DateTime<Utc>,
    pub first_ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub rrule: Option<String>,
    pub exdates: Option<String>,
    pub created_at: DateTime<Utc>,
    pub cancelled: bool,
    /// For a change made from the agenda (a drag on the grid).
    pub version: i64,
}

/// The appointments of these users that may have an occurrence between
/// `from` and `to` (series are expanded by the caller), one row per user.
pub async fn of_users(
    db: &Db,
    org_id: OrgId,
    users: &[UserId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    cancelled: bool,
) -> Result<Vec<BookedRow>, DbError> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(4, users.len());
    let state = if cancelled { "IS NOT NULL" } else { "IS NULL" };
    let filter = format!(
        "FROM appointment_users au JOIN appointments a ON a.id = au.appointment_id LEFT JOIN parties p ON p.id = a.party_id
         WHERE au.org_id = $1 AND au.first_starts_at < $2 AND au.last_ends_at > $3 AND au.user_id IN ({list})
         AND a.cancelled_at {state}"
    );
    match db {
        // sqlx's SQLite driver hands rows over one by one from its worker
        // thread; a branch's month is thousands of rows, so SQLite packs
        // them into one JSON value instead (3.7× faster, docs/benchmarks.md).
        Db::Sqlite(sqlite) => {
            let sql = format!(
                "SELECT json_group_array(json_array(hex(au.user_id), hex(a.id), hex(a.party_id), p.full_name, a.title,
                 a.kind, a.place, a.notes, a.first_starts_at, a.first_ends_at, a.time_zone, a.rrule, a.exdates,
                 a.created_at, a.cancelled_at IS NOT NULL, a.version)) {filter}"
            );
            let mut query = sqlx::query_scalar::<_, String>(&sql).bind(org_id.0).bind(to).bind(from);
            for user in users {
                query = query.bind(user.0);
            }
            let text = query.fetch_one(&sqlite.reader()).await?;
            let packed: Vec<PackedBooking> = serde_json::from_str(&text).map_err(DbError::decode)?;
            packed.into_iter().map(PackedBooking::unpack).collect()
        }
        Db::Postgres(pg) => {
            let sql = format!(
                "SELECT au.user_id, a.id, a.party_id, p.full_name AS party_name, a.title, a.kind, a.place, a.notes,
                 a.first_starts_at, a.first_ends_at, a.time_zone, a.rrule, a.exdates, a.created_at,
                 a.cancelled_at IS NOT NULL AS cancelled, a.version
                 {filter}"
            );
            let mut query = sqlx::query_as(&sql).bind(org_id.0).bind(to).bind(from);
            for user in users {
                query = query.bind(user.0);
            }
            Ok(query.fetch_all(pg).await?)
        }
    }
}

/// A [`BookedRow`] as SQLite's `json_array` writes it: ids in hex,
/// instants as the text they are stored as.
#[derive(serde::Deserialize)]
struct PackedBooking(
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    i64,
    i64,
);

impl PackedBooking {
    fn unpack(self) -> Result<BookedRow, DbError> {
        let id = |hex: &str| Uuid::parse_str(hex).map_err(DbError::decode);
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(DbError::decode)
        };
        Ok(BookedRow {
            user_id: id(&self.0)?,
            id: id(&self.1)?,
            party_id: if self.2.is_empty() { None } else { Some(id(&self.2)?) },
            party_name: self.3,
            title: self.4,
            kind: self.5,
            place: self.6,
            notes: self.7,
            first_starts_at: at(&self.8)?,
            first_ends_at: at(&self.9)?,
            time_zone: self.10,
            rrule: self.11,
            exdates: self.12,
            created_at: at(&self.13)?,
            cancelled: self.14 != 0,
            version: self.15,
        })
    }
}

/// A party's appointments, newest first, cancelled ones included.
pub async fn of_party(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    limit: i64,
) -> Result<Vec<AppointmentRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM appointments a {JOINS} WHERE a.org_id = $1 AND a.party_id = $2 ORDER BY a.first_starts_at DESC, a.id DESC LIMIT $3"
        ))
        .bind(org_id.0)
        .bind(party.0)
        .bind(limit)
        .fetch_all(pool)
        .await?
    }))
}

/// The appointments booked from a sales contact, newest first, cancelled
/// ones included.
pub async fn of_sales_contact(
    db: &Db,
    org_id: OrgId,
    contact: SalesContactId,
) -> Result<Vec<AppointmentRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM appointments a {JOINS} WHERE a.org_id = $1 AND a.sales_contact_id = $2 ORDER BY a.first_starts_at DESC, a.id DESC LIMIT 200"
        ))
        .bind(org_id.0)
        .bind(contact.0)
        .fetch_all(pool)
        .await?
    }))
}

/// Whether the user has a live calendar-feed token with this hash; whose.
pub async fn feed_owner(db: &Db, token_hash: &str) -> Result<Option<(Uuid, Uuid)>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT org_id, user_id FROM calendar_feeds WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
    }))
}

/// Gives the user a new feed secret; the old URL stops working.
pub async fn set_feed(
    tx: &mut Tx,
    org_id: OrgId,
    user: UserId,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO calendar_feeds (user_id, org_id, token_hash, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
        )
        .bind(user.0)
        .bind(org_id.0)
        .bind(token_hash)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

pub async fn feed_created(db: &Db, user: UserId) -> Result<Option<DateTime<Utc>>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar("SELECT created_at FROM calendar_feeds WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(pool)
            .await?
    }))
}
