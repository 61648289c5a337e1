//! The HTTP server around the router, with the limits a public server
//! needs: a client that sends its headers slowly, or holds a connection
//! open doing nothing, is cut off; connections are counted; bodies have
//! a size. `vinculo serve` and the tests serve through here.
use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_service::Service;

/// The largest request body (forms and JSON). Routes that take files set
/// their own limit: [`UPLOAD_FORM_BYTES`], [`UPLOAD_JSON_BYTES`].
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// A form with files: 10 MB of them and the fields around.
pub const UPLOAD_FORM_BYTES: usize = 11 * 1024 * 1024;

/// JSON with files in base64 (a third larger than the files).
pub const UPLOAD_JSON_BYTES: usize = 15 * 1024 * 1024;

/// A request's headers must arrive within this; it also ends a
/// keep-alive connection that sends nothing for as long, since hyper
/// starts the clock when it waits for the next request's first byte.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections served at once; more wait in the listen queue until one
/// ends. Enough for a branch's staff and their integrations, few enough
/// that idle sockets cannot take the file descriptors.
pub const MAX_CONNECTIONS: usize = 1024;

/// How long open requests may take to finish once shutting down.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `shutdown` completes, then lets the
/// requests in flight finish (within a grace period).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    // HTTP/1.1 only: HTTP/2 arrives through the TLS proxy in front, and
    // guessing the protocol would wait for a silent client's first byte
    // with no clock running.
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors or a reset before accept: the
                // listener itself is fine, so go on after a breath.
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: axum::extract::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(remote));
            router.clone().call(request)
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %remote, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still open after the grace period were cut off");
    }
    Ok(())
}
