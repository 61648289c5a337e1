//! Orders [pedidos] (seed 001): an accepted quote becomes an order in one
//! action, sent to production (the plant manager's queue) or to the sales
//! office, and moves through its states — each step with who and when —
//! until it is delivered and invoiced, or cancelled.
use serde::{Deserialize, Serialize};
string_enum!(
    /// Where an order is worked on.
    Destination { Production = "production", SalesOffice = "sales_office" } error "error-order-destination-invalid"
);

string_enum!(
    /// Where an order stands.
    OrderState {
        Received = "received",
        InProduction = "in_production",
        Ready = "ready",
        Delivered = "delivered",
        Invoiced = "invoiced",
        Cancelled = "cancelled",
    } error "error-order-state-invalid"
);

impl OrderState {
    /// The steps a person may take from here. Production makes what the
    /// sales office only hands over, so only a production order passes
    /// through "in production"; anything not yet delivered may be
    /// cancelled.
    pub fn may_become(self, next: OrderState, destination: Destination) -> bool {
        use OrderState::*;
        match (self, next) {
            (Received, InProduction) => destination == Destination::Production,
            (Received | InProduction, Ready) => true,
            (Ready, Delivered) | (Delivered, Invoiced) => true,
            (Received | InProduction | Ready, Cancelled) => true,
            _ => false,
        }
    }

    /// Still in someone's queue.
    pub fn is_open(self) -> bool {
        matches!(self, OrderState::Received | OrderState::InProduction | OrderState::Ready)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_moves_forward_and_only_production_makes() {
        use OrderState::*;
        let (plant, office) = (Destination::Production, Destination::SalesOffice);
        assert!(Received.may_become(InProduction, plant));
        assert!(!Received.may_become(InProduction, office));
        assert!(Received.may_become(Ready, office) && InProduction.may_become(Ready, plant));
        assert!(Ready.may_become(Delivered, office) && Delivered.may_become(Invoiced, office));
        assert!(Ready.may_become(Cancelled, plant) && !Delivered.may_become(Cancelled, plant));
        assert!(!Invoiced.may_become(Received, plant) && !Cancelled.may_become(Ready, plant));
        assert!(!Received.may_become(Delivered, office), "handed over only once ready");
    }
}
