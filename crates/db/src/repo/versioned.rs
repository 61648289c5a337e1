//! The records people edit through forms (attendance types, visit-sheet
//! layouts, contracts, stores, products…): written whole at version 1,
//! and written again only at the version the form read, so two people
//! saving one record never silently overwrite each other. A record's
//! fields name their columns once, for both statements.
use crate::{DbError, Tx};
use chrono::{DateTime, Utc};
use domain::OrgId;
use sea_query::{
    Alias, Expr, InsertStatement, OnConflict, PostgresQueryBuilder, Query, QueryStatementWriter, SimpleExpr,
    SqliteQueryBuilder, UpdateStatement,
};
use sea_query_binder::SqlxBinder;
use uuid::Uuid;

/// A record's written columns and their values (or, on an update, what
/// works them out from the record's own columns).
pub(crate) type Columns = Vec<(&'static str, SimpleExpr)>;

/// One record of the organisation's, in its table.
pub(crate) struct Record {
    table: &'static str,
    org_id: OrgId,
    id: Uuid,
    /// What must hold as well for an update to write (a quote still a draft).
    only_while: Option<SimpleExpr>,
}

impl Record {
    pub(crate) fn of(table: &'static str, org_id: OrgId, id: Uuid) -> Record {
        Record { table, org_id, id, only_while: None }
    }

    /// The same record, updated only while `condition` holds as well.
    pub(crate) fn only_while(self, condition: SimpleExpr) -> Record {
        Record { only_while: Some(condition), ..self }
    }

    /// The same record, updated only while in `state` (its `state` column).
    pub(crate) fn in_state(self, state: &str) -> Record {
        self.only_while(Expr::col(Alias::new("state")).eq(state))
    }

    /// Writes the new record at version 1, created and updated `now`.
    pub(crate) async fn insert(
        self,
        tx: &mut Tx,
        columns: Columns,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let created = [("created_at", now.into()), ("updated_at", now.into()), ("version", 1i64.into())];
        let statement = insert_row(
            self.table,
            [("id", self.id.into()), ("org_id", self.org_id.0.into())],
            columns,
            created,
        );
        execute(tx, &statement).await?;
        Ok(())
    }

    /// Writes the record again if it is still at `version`, as version + 1;
    /// false when someone saved in between (or there is no such record).
    pub(crate) async fn update(
        self,
        tx: &mut Tx,
        version: i64,
        columns: Columns,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let mut statement = next_version(self.table, version, columns, now);
        statement
            .and_where(Expr::col(Alias::new("org_id")).eq(self.org_id.0))
            .and_where(Expr::col(Alias::new("id")).eq(self.id));
        if let Some(condition) = self.only_while {
            statement.and_where(condition);
        }
        Ok(execute(tx, &statement).await? == 1)
    }
}

/// Saves the organisation's one row of a settings table (its loyalty
/// programme, its bonus rule…) if nobody changed it since `version` (0:
/// none yet, so it is written at version 1); false otherwise, a first
/// save racing another included.
pub(crate) async fn save_settings(
    tx: &mut Tx,
    table: &'static str,
    org_id: OrgId,
    version: i64,
    columns: Columns,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let org = Alias::new("org_id");
    let written = if version == 0 {
        let first = [("updated_at", now.into()), ("version", 1i64.into())];
        let mut statement = insert_row(table, [("org_id", org_id.0.into())], columns, first);
        statement.on_conflict(OnConflict::column(org).do_nothing().to_owned());
        execute(tx, &statement).await?
    } else {
        let mut statement = next_version(table, version, columns, now);
        statement.and_where(Expr::col(org).eq(org_id.0));
        execute(tx, &statement).await?
    };
    Ok(written == 1)
}

/// An INSERT of one row: the columns that say whose it is, the form's, then
/// the bookkeeping ones.
fn insert_row<const KEYS: usize, const KEPT: usize>(
    table: &'static str,
    keys: [(&'static str, SimpleExpr); KEYS],
    columns: Columns,
    kept: [(&'static str, SimpleExpr); KEPT],
) -> InsertStatement {
    let (names, values): (Vec<_>, Vec<_>) =
        keys.into_iter().chain(columns).chain(kept).map(|(name, value)| (Alias::new(name), value)).unzip();
    let mut statement = Query::insert();
    statement.into_table(Alias::new(table)).columns(names).values_panic(values);
    statement
}

/// An UPDATE writing the columns as version + 1 of a row still at
/// `version`; the caller says which row.
fn next_version(table: &'static str, version: i64, columns: Columns, now: DateTime<Utc>) -> UpdateStatement {
    let mut statement = Query::update();
    statement
        .table(Alias::new(table))
        .values(columns.into_iter().map(|(name, value)| (Alias::new(name), value)))
        .value(Alias::new("updated_at"), now)
        .value(Alias::new("version"), Expr::col(Alias::new("version")).add(1))
        .and_where(Expr::col(Alias::new("version")).eq(version));
    statement
}

/// Runs a built write in the transaction; answers how many rows it touched.
async fn execute<S: QueryStatementWriter + SqlxBinder>(tx: &mut Tx, statement: &S) -> Result<u64, DbError> {
    Ok(match tx {
        Tx::Sqlite(conn) => {
            let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
            sqlx::query_with(&sql, values).execute(&mut **conn).await?.rows_affected()
        }
        Tx::Postgres(conn) => {
            let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
            sqlx::query_with(&sql, values).execute(&mut **conn).await?.rows_affected()
        }
    })
}
