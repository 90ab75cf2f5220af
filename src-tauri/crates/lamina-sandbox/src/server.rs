//! Binding, serving and stopping.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::SandboxConfig;
use crate::faults::FaultRule;
use crate::routes;
use crate::state::AppState;
use crate::stats::SandboxStats;

/// How long [`SandboxHandle::shutdown`] lets open connections finish before cutting them.
const GRACE: Duration = Duration::from_secs(5);

/// A running sandbox. Dropping it also stops the server (without waiting); prefer
/// [`SandboxHandle::shutdown`].
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    state: Arc<AppState>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Binds `config.bind`, spawns the server on the current Tokio runtime and returns at once.
pub async fn start(config: SandboxConfig) -> io::Result<SandboxHandle> {
    config
        .validate()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let state =
        AppState::new(config, base_url_for(addr), stopped.clone()).map_err(io::Error::other)?;
    let state = Arc::new(state);
    let app =
        routes::router(Arc::clone(&state)).into_make_service_with_connect_info::<SocketAddr>();
    let mut stopped = stopped;
    let task = tokio::spawn(async move {
        let signal = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        if let Err(err) = axum::serve(listener, app)
            .with_graceful_shutdown(signal)
            .await
        {
            tracing::error!(error = %err, "sandbox server stopped with an error");
        }
    });
    tracing::info!(%addr, "Lamina sandbox listening");
    Ok(SandboxHandle {
        addr,
        state,
        stop,
        task,
    })
}

/// Output URLs must be reachable from this machine: an unspecified bind address becomes loopback.
fn base_url_for(addr: SocketAddr) -> String {
    let mut shown = addr;
    if addr.ip().is_unspecified() {
        shown.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("http://{shown}")
}

impl SandboxHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.state.base_url.clone()
    }

    pub fn stats(&self) -> SandboxStats {
        self.state.stats.snapshot()
    }

    /// Replaces every fault rule.
    pub fn set_faults(&self, rules: Vec<FaultRule>) {
        self.state.faults.replace(rules);
    }

    /// Switches the "minimal service" behaviour (see [`SandboxConfig::minimal`]).
    pub fn set_minimal(&self, on: bool) {
        self.state.minimal.set(on);
    }

    /// The webhook signing public key (`x` of the JWK): base64url, no padding, 32 bytes.
    pub fn signing_public_key_x(&self) -> String {
        self.state.signer.public_x()
    }

    /// Stops accepting, ends streams, long polls, hangs and webhook retries, and waits (up to
    /// 5 s) for open requests to finish.
    pub async fn shutdown(self) {
        let Self { stop, mut task, .. } = self;
        let _ = stop.send(true);
        if tokio::time::timeout(GRACE, &mut task).await.is_err() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_uses_loopback_for_unspecified_binds() {
        assert_eq!(
            base_url_for("0.0.0.0:80".parse().unwrap()),
            "http://127.0.0.1:80"
        );
        assert_eq!(base_url_for("[::]:81".parse().unwrap()), "http://[::1]:81");
        assert_eq!(
            base_url_for("127.0.0.1:82".parse().unwrap()),
            "http://127.0.0.1:82"
        );
    }
}
