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
