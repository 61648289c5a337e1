//! Typed identifiers. Every key is a UUID v7: time-ordered (good for B-tree
//! locality and keyset pagination) and free of sequences, so rows can be
//! created on any node of a distributed Postgres.
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// An organisation: the tenant every row belongs to.
    OrgId
);
id_type!(
    /// A person who signs in.
    UserId
);
id_type!(
    /// An API token a user created for a machine.
    ApiTokenId
);
id_type!(
    /// One entry of the audit trail.
    AuditId
);
id_type!(
    /// A person or company in the registry.
    PartyId
);
id_type!(
    /// A row that belongs to a party (phone, e-mail, address, note, consent event, …).
    RowId
);
id_type!(
    /// A branch [agência, loja] of the organisation.
    BranchId
);
id_type!(
    /// A role: a named set of permissions and access levels.
    RoleId
);
id_type!(
    /// A vehicle a party owns [veículo].
    VehicleId
);
id_type!(
    /// A vehicle a party would like to buy [interesse veículo].
    VehicleInterestId
);
id_type!(
    /// An interaction with a party [atendimento].
    InteractionId
);
id_type!(
    /// A booked time with a party or for oneself [agendamento].
    AppointmentId
);
id_type!(
    /// A piece of background work [tarefa].
    JobId
);
id_type!(
    /// A message in the outbox [mensagem].
    MessageId
);
id_type!(
    /// A store [loja/empresa] where sales are made.
    StoreId
);
id_type!(
    /// A product or service of the catalogue.
    ProductId
);
id_type!(
    /// A sale [venda] to a party at a store.
    SaleId
);
id_type!(
    /// One installment [parcela/título] of a credit sale.
    InstallmentId
);
id_type!(
    /// A quote or proposal [orçamento, proposta] to a party.
    QuoteId
);
id_type!(
    /// An order [pedido], from an accepted quote.
    OrderId
);
id_type!(
    /// A contract [contrato] attached to a party.
    ContractId
);
id_type!(
    /// A responsibility centre [centro de responsabilidade]: a team or queue of users.
    CentreId
);
id_type!(
    /// An attendance type [tipo de atendimento] of the sales follow-up.
    AttendanceTypeId
);
id_type!(
    /// A sales contact [contato de venda] of a party.
    SalesContactId
);
id_type!(
    /// A note [parecer] on a sales contact.
    ContactNoteId
);
id_type!(
    /// A layout of the visit sheet [ficha de visita] of a sales contact.
    VisitSheetLayoutId
);
id_type!(
    /// A sending of a document to customers [envio para clientes].
    DocumentSendId
);
