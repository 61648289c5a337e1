//! Sales follow-up (seed 002): its configuration, the contacts and their
//! notes, the visit sheet's layouts and the documents sent to customers.
pub mod contact;
pub mod note;
pub mod sending;
pub mod settings;
pub mod sheets;

use crate::{DbError, Tx, on_tx};
use domain::OrgId;
use uuid::Uuid;

/// The follow-up's settings each named once in an organisation, whatever
/// the case of its letters.
#[derive(Clone, Copy, Debug)]
pub enum Named {
    Centre,
    AttendanceType,
    VisitSheetLayout,
}

impl Named {
    fn table(self) -> &'static str {
        match self {
            Named::Centre => "responsibility_centres",
            Named::AttendanceType => "attendance_types",
            Named::VisitSheetLayout => "visit_sheet_layouts",
        }
    }
}

/// Whether another of the organisation's `named` (not `except`) has this name.
pub async fn name_taken(
    tx: &mut Tx,
    org_id: OrgId,
    named: Named,
    name: &str,
    except: Option<Uuid>,
) -> Result<bool, DbError> {
    let table = named.table();
    let found: Option<Uuid> = on_tx!(tx, conn => {
        sqlx::query_scalar(&format!(
            "SELECT id FROM {table} WHERE org_id = $1 AND LOWER(name) = LOWER($2) AND ($3 IS NULL OR id <> $3) LIMIT 1"
        ))
        .bind(org_id.0)
        .bind(name)
        .bind(except)
        .fetch_optional(&mut *conn)
        .await?
    });
    Ok(found.is_some())
}
