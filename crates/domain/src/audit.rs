//! The audit trail's vocabulary: what kinds of thing happened.
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    Export,
    Login,
    LoginFailed,
    Logout,
    PermissionChange,
    /// A customer record was opened (access audit: who and which, never what).
    Read,
    /// An administrator started viewing the app as another user.
    ViewAs,
}

impl AuditAction {
    pub const ALL: [AuditAction; 10] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::Export,
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::Logout,
        AuditAction::PermissionChange,
        AuditAction::Read,
        AuditAction::ViewAs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::Export => "export",
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::Logout => "logout",
            AuditAction::PermissionChange => "permission_change",
            AuditAction::Read => "read",
            AuditAction::ViewAs => "view_as",
        }
    }
}

/// What an audit entry is about. Stored as its `as_str`, which never
/// changes once written: the trail of past years must still read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditEntity {
    ApiToken,
    Appointment,
    Branch,
    CalendarFeed,
    Coupon,
    CustomField,
    CustomerStatus,
    Installment,
    Interaction,
    InteractionNature,
    InteractionStatus,
    LoyaltyProgram,
    Message,
    MessageGateway,
    MessageTemplate,
    Organisation,
    Party,
    PartyConsent,
    PartyMerge,
    PartyMergeUndo,
    PartyNote,
    PartyRelationship,
    PaymentReminders,
    Portfolio,
    Product,
    Role,
    Sale,
    SaleBatch,
    SavedView,
    SellerCode,
    Session,
    SmtpSettings,
    Store,
    User,
    Vehicle,
    VehicleInterest,
    Webhook,
    WorkingHours,
}

impl AuditEntity {
    pub const ALL: [AuditEntity; 38] = [
        AuditEntity::ApiToken,
        AuditEntity::Appointment,
        AuditEntity::Branch,
        AuditEntity::CalendarFeed,
        AuditEntity::Coupon,
        AuditEntity::CustomField,
        AuditEntity::CustomerStatus,
        AuditEntity::Installment,
        AuditEntity::Interaction,
        AuditEntity::InteractionNature,
        AuditEntity::InteractionStatus,
        AuditEntity::LoyaltyProgram,
        AuditEntity::Message,
        AuditEntity::MessageGateway,
        AuditEntity::MessageTemplate,
        AuditEntity::Organisation,
        AuditEntity::Party,
        AuditEntity::PartyConsent,
        AuditEntity::PartyMerge,
        AuditEntity::PartyMergeUndo,
        AuditEntity::PartyNote,
        AuditEntity::PartyRelationship,
        AuditEntity::PaymentReminders,
        AuditEntity::Portfolio,
        AuditEntity::Product,
        AuditEntity::Role,
        AuditEntity::Sale,
        AuditEntity::SaleBatch,
        AuditEntity::SavedView,
        AuditEntity::SellerCode,
        AuditEntity::Session,
        AuditEntity::SmtpSettings,
        AuditEntity::Store,
        AuditEntity::User,
        AuditEntity::Vehicle,
        AuditEntity::VehicleInterest,
        AuditEntity::Webhook,
        AuditEntity::WorkingHours,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditEntity::ApiToken => "api_token",
            AuditEntity::Appointment => "appointment",
            AuditEntity::Branch => "branch",
            AuditEntity::CalendarFeed => "calendar_feed",
            AuditEntity::Coupon => "coupon",
            AuditEntity::CustomField => "custom_field",
            AuditEntity::CustomerStatus => "customer_status",
            AuditEntity::Installment => "installment",
            AuditEntity::Interaction => "interaction",
            AuditEntity::InteractionNature => "interaction_nature",
            AuditEntity::InteractionStatus => "interaction_status",
            AuditEntity::LoyaltyProgram => "loyalty_program",
            AuditEntity::Message => "message",
            AuditEntity::MessageGateway => "message_gateway",
            AuditEntity::MessageTemplate => "message_template",
            AuditEntity::Organisation => "organisation",
            AuditEntity::Party => "party",
            AuditEntity::PartyConsent => "party_consent",
            AuditEntity::PartyMerge => "party_merge",
            AuditEntity::PartyMergeUndo => "party_merge_undo",
            AuditEntity::PartyNote => "party_note",
            AuditEntity::PartyRelationship => "party_relationship",
            AuditEntity::PaymentReminders => "payment_reminders",
            AuditEntity::Portfolio => "portfolio",
            AuditEntity::Product => "product",
            AuditEntity::Role => "role",
            AuditEntity::Sale => "sale",
            AuditEntity::SaleBatch => "sale_batch",
            AuditEntity::SavedView => "saved_view",
            AuditEntity::SellerCode => "seller_code",
            AuditEntity::Session => "session",
            AuditEntity::SmtpSettings => "smtp_settings",
            AuditEntity::Store => "store",
            AuditEntity::User => "user",
            AuditEntity::Vehicle => "vehicle",
            AuditEntity::VehicleInterest => "vehicle_interest",
            AuditEntity::Webhook => "webhook",
            AuditEntity::WorkingHours => "working_hours",
        }
    }
}
