//! The use cases, grouped per capability: `app.parties().create_party(…)`.
//! Each handle borrows the [`App`] and reaches its database, clock and
//! write path through it; a capability's use cases are `impl` blocks on
//! its handle, in its own module.
use crate::App;

macro_rules! capability_handles {
    ($($(#[$doc:meta])* $method:ident => $name:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy)]
            pub struct $name<'a>(&'a App);

            impl std::ops::Deref for $name<'_> {
                type Target = App;

                fn deref(&self) -> &App {
                    self.0
                }
            }
        )*

        impl App {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> $name<'_> {
                    $name(self)
                }
            )*
        }
    };
}

capability_handles! {
    /// Clientes: the registry of parties.
    parties => Parties,
    /// Agenda: appointments, free days, calendar feeds.
    agenda => Agenda,
    /// Lojas e produtos: the stores and the catalogue.
    catalogue => Catalogue,
    /// Vendas: what parties bought, their installments and figures.
    sales => Sales,
    /// Orçamentos: quotes to a party, from draft to the customer's answer.
    quotes => Quotes,
    /// Pedidos: orders from accepted quotes, and their queues.
    orders => Orders,
    /// Contratos: a party's contracts and their files.
    contracts => Contracts,
    /// Vendas (follow up): sales contacts, their notes and the daily list.
    follow_up => FollowUp,
    /// Política de descontos: each customer's maximum discount.
    discounts => Discounts,
    /// Fidelidade: the points program, each party's points, coupons.
    loyalty => Loyalty,
    /// Veículos: a party's vehicles and vehicles of interest.
    vehicles => Vehicles,
    /// Atendimentos: interactions and their natures and statuses.
    interactions => Interactions,
    /// Motor de relacionamento: segments of customers by registration,
    /// consent, purchases, payments and points.
    engine => Engine,
    /// Minha fila: interactions across customers, and bulk actions on them.
    work_queue => WorkQueue,
    /// Funil de negociação: prospects in negotiation by stage.
    pipeline => Pipeline,
    /// How each person sees a list: columns and saved views.
    list_views => ListViews,
    /// Acesso: branches, roles, assignments, portfolios, view-as.
    access => Access,
    /// The organisation's users.
    users => Users,
    /// API tokens.
    tokens => Tokens,
    /// Signing in and out; sessions and tokens recognised.
    auth => Auth,
    /// Configurações do cadastro: custom fields and customer statuses.
    registry => Registry,
    /// The audit trail.
    audit => Audit,
    /// Início: the figures of the home page.
    dashboard => Dashboard,
    /// Mensagens: the mail server, the outbox, sending to a party.
    messages => Messages,
    /// Webhooks: subscriptions to a party's movements, and their deliveries.
    webhooks => Webhooks,
    /// A party's history.
    timeline => Timeline,
    /// Demo data.
    demo => Demo,
    /// What the server's operator does from the command line.
    setup => Setup,
    /// The background worker's jobs.
    worker => Worker,
}
