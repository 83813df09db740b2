//! palette-local-bench: requests per second of a palette-local server, for
//! `GET /v1/projects/{uid}` and for project create + delete, from N concurrent
//! workers during a bounded time. Starts its own server unless `--url` is given.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use serde_json::{json, Value};

#[derive(Debug, Parser)]
#[command(name = "palette-local-bench", about = "Measures palette-local throughput")]
struct Args {
    /// Base URL of a running server; without it a server is started on a free port.
    #[arg(long)]
    url: Option<String>,
    /// API key sent with every request.
    #[arg(long, default_value = "palette-local-dev-key")]
    api_key: String,
    /// Concurrent workers.
    #[arg(long, default_value_t = 8)]
    workers: usize,
    /// Duration of each measurement, in seconds.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Database of the started server (a temporary file when absent).
    #[arg(long)]
    db: Option<String>,
}

/// A server started by the benchmark; killed when dropped.
struct Spawned {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_server(db: Option<&str>) -> anyhow::Result<(Spawned, String)> {
    let binary = std::env::current_exe()?.with_file_name("palette-local");
    let dir = tempfile::tempdir()?;
    let db = db.map_or_else(|| dir.path().join("bench.db").to_string_lossy().into_owned(), str::to_string);
    let mut child = Command::new(&binary)
        .args(["--listen", "127.0.0.1:0", "--db", &db, "--exit-on-stdin-eof"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("server stdout")?).read_line(&mut line)?;
    let url = palette_local::ready::url(&line).map(str::to_string);
    let spawned = Spawned { child, _dir: dir };
    match url {
        Some(url) => Ok((spawned, url)),
        None => bail!("unexpected start-up line {line:?}"),
    }
}

#[derive(Default)]
struct Counters {
    ok: AtomicU64,
    failed: AtomicU64,
}

/// Runs `workers` copies of `step` until `duration` has passed; `step` returns how
/// many requests it made and whether they all succeeded.
async fn measure<F, Fut>(workers: usize, duration: Duration, step: F) -> (u64, u64, Duration)
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = (u64, bool)> + Send,
{
    let counters = Arc::new(Counters::default());
    let step = Arc::new(step);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let (counters, step) = (counters.clone(), step.clone());
        tasks.push(tokio::spawn(async move {
            let mut round = 0;
            while Instant::now() < deadline {
                let (requests, succeeded) = step(worker, round).await;
                let counter = if succeeded { &counters.ok } else { &counters.failed };
                counter.fetch_add(requests, Ordering::Relaxed);
                round += 1;
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    (counters.ok.load(Ordering::Relaxed), counters.failed.load(Ordering::Relaxed), started.elapsed())
}

fn report(label: &str, ok: u64, failed: u64, elapsed: Duration) {
    let rate = ok as f64 / elapsed.as_secs_f64();
    println!("{label}: {rate:.0} requests/s ({ok} ok, {failed} failed in {:.1} s)", elapsed.as_secs_f64());
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.workers == 0 || args.seconds.is_nan() || args.seconds <= 0.0 {
        bail!("--workers and --seconds must be positive");
    }
    let (_server, url) = match &args.url {
        Some(url) => (None, url.trim_end_matches('/').to_string()),
        None => {
            let (server, url) = spawn_server(args.db.as_deref())?;
            (Some(server), url)
        }
    };
    let duration = Duration::from_secs_f64(args.seconds);
    let client = reqwest::Client::builder().pool_max_idle_per_host(args.workers).build()?;
    let key = args.api_key.clone();

    let projects: Value = client
        .get(format!("{url}/v1/dashboard/projects/metadata"))
        .header("ApiKey", &key)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let project_uid = projects["items"][0]["metadata"]["uid"].as_str().context("the server has no project")?.to_string();
    println!("palette-local-bench: {url}, {} workers, {:.1} s per measurement", args.workers, args.seconds);

    let (c, k, u) = (client.clone(), key.clone(), format!("{url}/v1/projects/{project_uid}"));
    let (ok, failed, elapsed) = measure(args.workers, duration, move |_, _| {
        let request = c.get(&u).header("ApiKey", &k);
        async move { (1, matches!(request.send().await, Ok(response) if response.status() == 200)) }
    })
    .await;
    report("GET /v1/projects/{uid}", ok, failed, elapsed);

    let (c, k, base) = (client.clone(), key.clone(), url.clone());
    let run = std::process::id();
    let (ok, failed, elapsed) = measure(args.workers, duration, move |worker, round| {
        let (c, k, base) = (c.clone(), k.clone(), base.clone());
        async move {
            let name = format!("bench-{run}-{worker}-{round}");
            let created = c.post(format!("{base}/v1/projects")).header("ApiKey", &k).json(&json!({"metadata": {"name": name}})).send().await;
            let uid = match created {
                Ok(response) if response.status() == 201 => response.json::<Value>().await.ok().and_then(|body| body["uid"].as_str().map(str::to_string)),
                _ => None,
            };
            let Some(uid) = uid else { return (1, false) };
            let deleted = c.delete(format!("{base}/v1/projects/{uid}")).header("ApiKey", &k).send().await;
            (2, matches!(deleted, Ok(response) if response.status() == 204))
        }
    })
    .await;
    report("POST /v1/projects + DELETE /v1/projects/{uid}", ok, failed, elapsed);
    println!("create+delete pairs/s: {:.0}", ok as f64 / 2.0 / elapsed.as_secs_f64());
    Ok(())
}
