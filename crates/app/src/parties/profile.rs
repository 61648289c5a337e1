//! A customer's page [Perfil do cliente]: the party and what its open tab
//! shows, in one use case, so that access is checked once and the parts
//! are read side by side rather than one round trip after another (seed
//! 000; issue 12's speed goals).
use super::registration::masked;
use super::{NoteView, PartyView};
use crate::Parties;
use crate::access::ReachedParty;
use crate::agenda::AppointmentView;
use crate::interactions::{InteractionLists, InteractionView};
use crate::sales::PurchaseFigures;
use crate::vehicles::{VehicleInterestView, VehicleView};
use crate::{Actor, AppError};
use db::repo::party as repo;
use domain::PartyId;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::quote::RevenueEstimate;
use std::future::Future;

/// The parts of a customer a page shows besides the party itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProfileSections {
    /// The vehicles owned and those of interest.
    pub vehicles: bool,
    /// The interactions, with the organisation's natures and statuses to
    /// name them.
    pub interactions: bool,
    pub appointments: bool,
    /// How many of the latest notes; none when 0.
    pub notes: u32,
    /// The purchase figures and the revenue estimate (the summary's).
    pub figures: bool,
}

/// A customer as his page shows him: the parts not asked for stay empty.
#[derive(Clone, Debug)]
pub struct ProfileView {
    pub party: PartyView,
    pub vehicles: Vec<VehicleView>,
    pub interests: Vec<VehicleInterestView>,
    /// Newest first, at most 100.
    pub interactions: Vec<InteractionView>,
    /// The organisation's natures, statuses and results, to name them.
    pub interaction_lists: InteractionLists,
    /// Newest first, at most 100.
    pub appointments: Vec<AppointmentView>,
    pub notes: Vec<NoteView>,
    pub figures: Option<(PurchaseFigures, RevenueEstimate)>,
}

impl Parties<'_> {
    /// Opens a customer's page: the party, its read written to the access
    /// audit (who, when, which party; never the data itself), and the
    /// sections asked for.
    #[tracing::instrument(skip_all)]
    pub async fn profile(
        &self,
        actor: &Actor,
        id: PartyId,
        sections: ProfileSections,
    ) -> Result<ProfileView, AppError> {
        actor.require(Permission::PartiesRead)?;
        let row = repo::get_row(&self.db, &actor.read_scope(), id).await?.ok_or(AppError::NotFound)?;
        let party = ReachedParty::of_row(&row)?;
        let (vehicles, interactions, agenda) = (self.vehicles(), self.interactions(), self.agenda());
        // The estimate weighs the sales of the last twelve months, which
        // the figures hold, and the open quotes.
        let figures = async {
            let (sales, quotes) = (self.sales(), self.quotes());
            let (figures, open_quotes) = tokio::try_join!(
                sales.figures_of_reached(actor, party),
                quotes.open_quotes_of_reached(actor, party)
            )?;
            let estimate = RevenueEstimate::of(figures.revenue_12_months, &open_quotes);
            Ok(Some((figures, estimate)))
        };
        let (view, (), vehicles, interests, interactions, interaction_lists, appointments, notes, figures) =
            tokio::try_join!(
                self.view_of_row(actor, row),
                self.audit_read(actor, id),
                wanted(sections.vehicles, vehicles.vehicles_of_reached(actor, party)),
                wanted(sections.vehicles, vehicles.vehicle_interests_of_reached(actor, party)),
                wanted(sections.interactions, interactions.interactions_of_reached(actor, party, None)),
                wanted(sections.interactions, interactions.interaction_lists(actor)),
                wanted(sections.appointments, agenda.appointments_of_reached(actor, party)),
                wanted(sections.notes > 0, self.notes_of_reached(actor, party, sections.notes)),
                wanted(sections.figures, figures),
            )?;
        Ok(ProfileView {
            party: masked(actor, view),
            vehicles,
            interests,
            interactions,
            interaction_lists,
            appointments,
            notes,
            figures,
        })
    }

    async fn audit_read(&self, actor: &Actor, id: PartyId) -> Result<(), AppError> {
        self.audit_alone(actor, AuditAction::Read, AuditEntity::Party, Some(id.to_string())).await
    }
}

/// The read when its section was asked for; nothing, without a query,
/// when not.
async fn wanted<T: Default>(
    asked: bool,
    read: impl Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    if asked { read.await } else { Ok(T::default()) }
}
