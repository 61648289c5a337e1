//! Background work that runs beside the web server (or alone, with
//! `vinculo worker` once there are jobs worth a separate process).
use crate::Worker;
use crate::{App, AppError};
use std::sync::Arc;
use std::time::Duration;

const SWEEP_EVERY: Duration = Duration::from_secs(15 * 60);

/// Runs forever; errors are logged and retried at the next tick.
pub async fn run(app: Arc<App>) {
    let mut interval = tokio::time::interval(SWEEP_EVERY);
    loop {
        interval.tick().await;
        match app.worker().purge_expired_sessions().await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "expired sessions removed"),
            Err(error) => tracing::warn!(%error, "session sweep failed"),
        }
        // The planner's statistics, first right after start-up (an interval's
        // first tick is immediate) without holding the start back: on a
        // large file the first analysis reads for seconds. Later it is cheap:
        // only tables that changed enough are sampled again.
        if let Err(error) = app.db.refresh_statistics().await {
            tracing::warn!(%error, "statistics refresh failed");
        }
    }
}

impl Worker<'_> {
    /// Deletes sessions past the idle or absolute limit. They are refused
    /// anyway; this only keeps the table small.
    pub async fn purge_expired_sessions(&self) -> Result<u64, AppError> {
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let purged = db::repo::session::delete_expired(
            &mut tx,
            now - self.settings.session_idle,
            now - self.settings.session_absolute,
        )
        .await?;
        tx.commit().await?;
        Ok(purged)
    }
}
