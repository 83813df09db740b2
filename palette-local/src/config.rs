//! Command line flags of the `palette-local` binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use super::rate_limit::PrefixLimit;
use palette_rate_limits::PALETTE_BURST;

/// A local Palette-compatible v1 REST API server.
#[derive(Debug, Clone, Parser)]
#[command(name = "palette-local", version, about)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// SQLite database file, or `:memory:` for a database that lives only as long as
    /// the process.
    #[arg(long, default_value = "palette-local.db")]
    pub db: String,

    /// JSON seed loaded into an empty database (the built-in seed when absent).
    #[arg(long)]
    pub seed: Option<PathBuf>,

    /// Seconds a virtual cluster takes from Pending to Running (0 = immediate).
    #[arg(long, default_value_t = 5)]
    pub provision_seconds: u64,

    /// Seconds a virtual cluster takes from Deleting to gone (0 = immediate).
    #[arg(long, default_value_t = 3)]
    pub delete_seconds: u64,

    /// Seconds a pause or a resume takes (0 = immediate).
    #[arg(long, default_value_t = 2)]
    pub pause_seconds: u64,

    /// Seconds an app deployment takes to roll out its tiers once its cluster runs
    /// (0 = immediate); the tiers become ready one after another.
    #[arg(long, default_value_t = 2)]
    pub deploy_seconds: u64,

    /// Share of /v1 requests answered with 429 (plus Retry-After) or 502/503/504.
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,

    /// Share of /v1 requests whose connection is reset before any response.
    #[arg(long, default_value_t = 0.0)]
    pub fault_reset_rate: f64,

    /// Seed of the fault generator, for reproducible fault sequences (random when absent).
    #[arg(long)]
    pub fault_seed: Option<u64>,

    /// Milliseconds added to every /v1 response.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,

    /// Palette's rate limit: requests per second allowed per client address and
    /// endpoint prefix, as Palette counts them (0 = no limit). Palette allows 10.
    #[arg(long, default_value_t = 0.0)]
    pub rate_limit: f64,

    /// Palette's burst queue size: a prefix accepts up to rate × burst requests at once.
    #[arg(long, default_value_t = PALETTE_BURST)]
    pub rate_burst: f64,

    /// A prefix with a limit of its own, `PREFIX=RATE[/BURST]` (repeatable), e.g.
    /// `/v1/cloudconfigs=50` or `/v1/spectroclusters/{uid}/assets=10/5`.
    #[arg(long = "rate-limit-path", value_name = "PREFIX=RATE[/BURST]", value_parser = parse_prefix_limit)]
    pub rate_limit_paths: Vec<(String, PrefixLimit)>,

    /// Exit when standard input reaches end of file, so a server started by a test
    /// dies with the test process however that process ends.
    #[arg(long)]
    pub exit_on_stdin_eof: bool,
}

/// How long the simulated asynchronous transitions take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LifecycleTimings {
    pub provision: Duration,
    pub delete: Duration,
    pub pause: Duration,
    pub deploy: Duration,
}

/// Parses `PREFIX=RATE[/BURST]`.
fn parse_prefix_limit(text: &str) -> Result<(String, PrefixLimit), String> {
    let (prefix, limit) = text.split_once('=').ok_or("expected PREFIX=RATE[/BURST]")?;
    let (rate, burst) = match limit.split_once('/') {
        Some((rate, burst)) => (rate, burst.parse::<f64>().map_err(|_| format!("burst '{burst}' is not a number"))?),
        None => (limit, PALETTE_BURST),
    };
    let rate = rate.parse::<f64>().map_err(|_| format!("rate '{rate}' is not a number"))?;
    Ok((prefix.to_string(), PrefixLimit { rate, burst }))
}

impl Config {
    pub fn lifecycle_timings(&self) -> LifecycleTimings {
        LifecycleTimings {
            provision: Duration::from_secs(self.provision_seconds),
            delete: Duration::from_secs(self.delete_seconds),
            pause: Duration::from_secs(self.pause_seconds),
            deploy: Duration::from_secs(self.deploy_seconds),
        }
    }
}
