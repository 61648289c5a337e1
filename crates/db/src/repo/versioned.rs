//! The records people edit through forms (attendance types, visit-sheet
//! layouts, contracts, stores, products…): written whole at version 1,
//! and written again only at the version the form read, so two people
//! saving one record never silently overwrite each other. A record's
//! fields name their columns once, for both statements.
use crate::{DbError, Tx};
use chrono::{DateTime, Utc};
use domain::OrgId;
use sea_query::{
    Alias, Expr, OnConflict, PostgresQueryBuilder, Query, QueryStatementWriter, SimpleExpr,
    SqliteQueryBuilder,
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
        let (names, values): (Vec<_>, Vec<_>) = [("id", self.id.into()), ("org_id", self.org_id.0.into())]
            .into_iter()
            .chain(columns)
            .chain([("created_at", now.into()), ("updated_at", now.into()), ("version", 1i64.into())])
            .map(|(name, value)| (Alias::new(name), value))
            .unzip();
        let mut statement = Query::insert();
        statement.into_table(Alias::new(self.table)).columns(names).values_panic(values);
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
        let mut statement = Query::update();
        statement
            .table(Alias::new(self.table))
            .values(columns.into_iter().map(|(name, value)| (Alias::new(name), value)))
            .value(Alias::new("updated_at"), now)
            .value(Alias::new("version"), Expr::col(Alias::new("version")).add(1))
            .and_where(Expr::col(Alias::new("org_id")).eq(self.org_id.0))
            .and_where(Expr::col(Alias::new("id")).eq(self.id))
            .and_where(Expr::col(Alias::new("version")).eq(version));
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
        let (names, values): (Vec<_>, Vec<_>) = [("org_id", org_id.0.into())]
            .into_iter()
            .chain(columns)
            .chain([("updated_at", now.into()), ("version", 1i64.into())])
            .map(|(name, value)| (Alias::new(name), value))
            .unzip();
        let mut statement = Query::insert();
        statement
            .into_table(Alias::new(table))
            .columns(names)
            .values_panic(values)
            .on_conflict(OnConflict::column(org).do_nothing().to_owned());
        execute(tx, &statement).await?
    } else {
        let mut statement = Query::update();
        statement
            .table(Alias::new(table))
            .values(columns.into_iter().map(|(name, value)| (Alias::new(name), value)))
            .value(Alias::new("updated_at"), now)
            .value(Alias::new("version"), Expr::col(Alias::new("version")).add(1))
            .and_where(Expr::col(org).eq(org_id.0))
            .and_where(Expr::col(Alias::new("version")).eq(version));
        execute(tx, &statement).await?
    };
    Ok(written == 1)
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
