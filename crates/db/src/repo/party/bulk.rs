//! Bulk loads of parties (demo data, imports) in one transaction.
use super::{col, first_email, first_phone, place, search_rowid};
use crate::{Db, DbError, Tx, on_db};
use chrono::{DateTime, Utc};
use domain::party::{Channel, ConsentState, ValidParty, search_text, sort_name};
use domain::pipeline::NegotiationStage;
use domain::{BranchId, OrgId, PartyId};
use sea_query::{InsertStatement, PostgresQueryBuilder, Query, SimpleExpr, SqliteQueryBuilder};
use sea_query_binder::SqlxBinder;
use uuid::Uuid;

/// A party of a bulk load (demo data, imports): the registration data and
/// the channels it allows from the start.
pub struct BulkParty {
    pub id: PartyId,
    pub party: ValidParty,
    pub consent: ConsentState,
    /// The branch whose portfolio holds it (the owner is `party.seller_id`).
    pub branch: Option<BranchId>,
    /// How far its negotiation has come, for a prospect on the board.
    pub stage: NegotiationStage,
}

/// Inserts many parties with multi-row statements: the bulk path for demo
/// data and imports, same rows as [`insert`] plus one consent event per
/// allowed channel.
#[tracing::instrument(skip_all)]
pub async fn insert_bulk(
    tx: &mut Tx,
    org_id: OrgId,
    parties: &[BulkParty],
    source: &str,
    by_label: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    const ROWS_PER_STATEMENT: usize = 200;
    let mut statements: Vec<InsertStatement> = Vec::new();
    for chunk in parties.chunks(ROWS_PER_STATEMENT) {
        let mut main = Query::insert();
        main.into_table(col("parties")).columns(
            [
                "id",
                "org_id",
                "kind",
                "lifecycle",
                "prospect_state",
                "customer_status",
                "full_name",
                "trade_name",
                "sort_name",
                "document_kind",
                "document",
                "birth_date",
                "sex",
                "profession",
                "football_team",
                "shoe_size",
                "spouse_name",
                "spouse_birth_date",
                "credit_bureau_status",
                "agreement",
                "credit_complement",
                "revolving_credit_limit",
                "company_sector",
                "seller_id",
                "branch_id",
                "city",
                "city_key",
                "state",
                "consent_sms_whatsapp",
                "consent_email",
                "consent_phone",
                "consent_letter",
                "search_text",
                "first_phone",
                "first_email",
                "search_rowid",
                "created_at",
                "updated_at",
                "version",
                "negotiation_stage",
            ]
            .map(col),
        );
        let mut phones = Query::insert();
        phones
            .into_table(col("party_phones"))
            .columns(["id", "org_id", "party_id", "position", "e164", "kind", "carrier"].map(col));
        let mut emails = Query::insert();
        emails
            .into_table(col("party_emails"))
            .columns(["id", "org_id", "party_id", "position", "email"].map(col));
        let mut addresses = Query::insert();
        addresses.into_table(col("party_addresses")).columns(
            [
                "id",
                "org_id",
                "party_id",
                "position",
                "street",
                "number",
                "complement",
                "neighbourhood",
                "city",
                "state",
                "postal_code",
                "country",
            ]
            .map(col),
        );
        let mut tags = Query::insert();
        tags.into_table(col("party_tags")).columns(["org_id", "party_id", "tag"].map(col));
        let mut consents = Query::insert();
        consents.into_table(col("consent_events")).columns(
            [
                "id",
                "org_id",
                "party_id",
                "channel",
                "granted",
                "at",
                "source",
                "wording",
                "recorded_by_label",
            ]
            .map(col),
        );
        let (mut has_phones, mut has_emails, mut has_addresses, mut has_tags, mut has_consents) =
            (false, false, false, false, false);
        for bulk in chunk {
            let p = &bulk.party;
            let (city, city_key, state) = place(p);
            let values: Vec<SimpleExpr> = vec![
                bulk.id.0.into(),
                org_id.0.into(),
                p.kind.as_str().into(),
                p.lifecycle.as_str().into(),
                p.prospect_state.map(|s| s.as_str()).into(),
                p.customer_status.clone().into(),
                p.full_name.clone().into(),
                p.trade_name.clone().into(),
                sort_name(&p.full_name).into(),
                p.document.as_ref().map(|d| d.kind.as_str()).into(),
                p.document.as_ref().map(|d| d.value.clone()).into(),
                p.birth_date.into(),
                p.sex.map(|s| s.as_str()).into(),
                p.profession.clone().into(),
                p.football_team.clone().into(),
                p.shoe_size.into(),
                p.spouse_name.clone().into(),
                p.spouse_birth_date.into(),
                p.credit_bureau_status.clone().into(),
                p.agreement.clone().into(),
                p.credit_complement.clone().into(),
                p.revolving_credit_limit.map(|m| m.0).into(),
                p.company_sector.clone().into(),
                p.seller_id.map(|s| s.0).into(),
                bulk.branch.map(|b| b.0).into(),
                city.into(),
                city_key.into(),
                state.into(),
                bulk.consent.sms_whatsapp.into(),
                bulk.consent.email.into(),
                bulk.consent.phone.into(),
                bulk.consent.letter.into(),
                search_text(p).into(),
                first_phone(p).into(),
                first_email(p).into(),
                search_rowid(bulk.id).into(),
                now.into(),
                now.into(),
                1i64.into(),
                bulk.stage.as_str().into(),
            ];
            main.values_panic(values);
            for (position, phone) in p.phones.iter().enumerate() {
                has_phones = true;
                phones.values_panic([
                    Uuid::now_v7().into(),
                    org_id.0.into(),
                    bulk.id.0.into(),
                    (position as i64).into(),
                    phone.phone.e164().into(),
                    phone.kind.as_str().into(),
                    phone.carrier.clone().into(),
                ]);
            }
            for (position, email) in p.emails.iter().enumerate() {
                has_emails = true;
                emails.values_panic([
                    Uuid::now_v7().into(),
                    org_id.0.into(),
                    bulk.id.0.into(),
                    (position as i64).into(),
                    email.as_str().into(),
                ]);
            }
            if let Some(a) = &p.address {
                has_addresses = true;
                addresses.values_panic([
                    Uuid::now_v7().into(),
                    org_id.0.into(),
                    bulk.id.0.into(),
                    0i64.into(),
                    a.street.clone().into(),
                    a.number.clone().into(),
                    a.complement.clone().into(),
                    a.neighbourhood.clone().into(),
                    a.city.clone().into(),
                    a.state.clone().into(),
                    a.postal_code.clone().into(),
                    a.country.code().into(),
                ]);
            }
            for tag in &p.tags {
                has_tags = true;
                tags.values_panic([org_id.0.into(), bulk.id.0.into(), tag.clone().into()]);
            }
            for channel in Channel::ALL {
                if bulk.consent.allows(*channel) {
                    has_consents = true;
                    consents.values_panic([
                        Uuid::now_v7().into(),
                        org_id.0.into(),
                        bulk.id.0.into(),
                        channel.as_str().into(),
                        true.into(),
                        now.into(),
                        source.into(),
                        "".into(),
                        by_label.into(),
                    ]);
                }
            }
        }
        statements.push(main);
        for (present, statement) in [
            (has_phones, phones),
            (has_emails, emails),
            (has_addresses, addresses),
            (has_tags, tags),
            (has_consents, consents),
        ] {
            if present {
                statements.push(statement);
            }
        }
    }
    for statement in statements {
        execute_in(tx, &statement).await?;
    }
    Ok(())
}

/// How many live parties an organisation has.
pub async fn count_all(db: &Db, org_id: OrgId) -> Result<i64, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM parties WHERE org_id = $1 AND merged_into IS NULL")
            .bind(org_id.0)
            .fetch_one(pool)
            .await?
    }))
}

/// Runs a built insert in the caller's transaction.
async fn execute_in(tx: &mut Tx, statement: &InsertStatement) -> Result<(), DbError> {
    match tx {
        Tx::Sqlite(conn) => {
            let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
            sqlx::query_with(&sql, values).execute(&mut **conn).await?;
        }
        Tx::Postgres(conn) => {
            let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
            sqlx::query_with(&sql, values).execute(&mut **conn).await?;
        }
    }
    Ok(())
}
