//! Logs as hclog JSON lines on stderr, the format go-plugin parses into
//! Terraform's own log (protocol.md §6.2): `@level`, `@message`, `@module`,
//! `@timestamp` with exactly six fractional digits, then the event's fields.
//!
//! The level follows Terraform's: `TF_LOG_PROVIDER`, else `TF_LOG`. When
//! neither is set Terraform discards provider logs, so we install no
//! subscriber at all and `tracing` skips every event at its call site (no
//! formatting cost). An unrecognised value means TRACE, as in Terraform.
//! The transport crates (hyper, h2, tonic, rustls...) log at most WARN, or
//! their wire-level tracing would drown the provider's lines.

use std::fmt;
use std::io::Write;

use serde_json::{Map, Value as Json};
use time::macros::format_description;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// Crates (log targets) whose events are capped at WARN.
const TRANSPORT_TARGETS: [&str; 11] =
    ["h2", "hyper", "hyper_util", "tonic", "tonic_health", "tower", "rustls", "tokio_rustls", "reqwest", "mio", "want"];

/// Installs the stderr JSON logger if Terraform will keep provider logs.
pub fn init() {
    let level = level_from_env(env_value("TF_LOG_PROVIDER").or_else(|| env_value("TF_LOG")).as_deref());
    if level == LevelFilter::OFF {
        return;
    }
    // Fails only if a subscriber is already installed, which then stays.
    let _ = tracing_subscriber::registry().with(HclogLayer::new(std::io::stderr).with_filter(filter(level))).try_init();
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Terraform's reading of a `TF_LOG*` value.
fn level_from_env(value: Option<&str>) -> LevelFilter {
    let Some(value) = value else { return LevelFilter::OFF };
    match value.to_ascii_uppercase().as_str() {
        "OFF" => LevelFilter::OFF,
        "ERROR" => LevelFilter::ERROR,
        "WARN" => LevelFilter::WARN,
        "INFO" => LevelFilter::INFO,
        "DEBUG" => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

fn filter(level: LevelFilter) -> Targets {
    let capped = level.min(LevelFilter::WARN);
    TRANSPORT_TARGETS
        .iter()
        .fold(Targets::new(), |targets, target| targets.with_target(*target, capped))
        .with_default(level)
}

/// A `tracing` layer writing one hclog JSON object per event.
pub struct HclogLayer<W> {
    make_writer: W,
}

impl<W> HclogLayer<W> {
    pub fn new(make_writer: W) -> Self {
        HclogLayer { make_writer }
    }
}

impl<S, W> Layer<S> for HclogLayer<W>
where
    S: Subscriber,
    W: for<'w> MakeWriter<'w> + 'static,
{
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let mut fields = FieldCollector::default();
        event.record(&mut fields);

        let mut line = Map::new();
        line.insert("@level".into(), Json::from(level_name(*metadata.level())));
        line.insert("@message".into(), Json::from(fields.message));
        line.insert("@module".into(), Json::from(metadata.target().replace("::", ".")));
        line.insert("@timestamp".into(), Json::from(timestamp()));
        line.extend(fields.others);

        let mut text = Json::Object(line).to_string();
        text.push('\n');
        // One write per line, so concurrent events never interleave within a line.
        let _ = self.make_writer.make_writer().write_all(text.as_bytes());
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// Go's `2006-01-02T15:04:05.000000Z07:00`, in UTC.
fn timestamp() -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    time::OffsetDateTime::now_utc().format(&format).unwrap_or_default()
}

#[derive(Default)]
struct FieldCollector {
    message: String,
    others: Map<String, Json>,
}

impl FieldCollector {
    fn put(&mut self, field: &Field, value: Json) {
        if field.name() == "message" {
            self.message = match value {
                Json::String(s) => s,
                other => other.to_string(),
            };
        } else {
            self.others.insert(field.name().to_string(), value);
        }
    }
}

impl Visit for FieldCollector {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Json::from(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Json::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Json::from(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Json::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Json::from(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, Json::from(value.to_string()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Json::from(format!("{value:?}")));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'w self) -> Buffer {
            self.clone()
        }
    }

    fn capture(level: LevelFilter, emit: impl FnOnce()) -> Vec<Map<String, Json>> {
        let buffer = Buffer::default();
        let subscriber = tracing_subscriber::registry().with(HclogLayer::new(buffer.clone()).with_filter(filter(level)));
        tracing::subscriber::with_default(subscriber, emit);
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|line| match serde_json::from_str(line).unwrap() {
                Json::Object(map) => map,
                other => panic!("not an object: {other}"),
            })
            .collect()
    }

    #[test]
    fn lines_are_hclog_json() {
        let lines = capture(LevelFilter::TRACE, || {
            tracing::info!(answer = 42, name = "x", ok = true, ratio = 0.5, "hello {}", "world");
        });
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        let keys: Vec<&str> = line.keys().map(String::as_str).collect();
        assert_eq!(keys, ["@level", "@message", "@module", "@timestamp", "answer", "name", "ok", "ratio"]);
        assert_eq!(line["@level"], "info");
        assert_eq!(line["@message"], "hello world");
        assert_eq!(line["@module"], "terraform_plugin.protocol.logging.tests");
        assert_eq!(line["answer"], 42);
        assert_eq!(line["name"], "x");
        assert_eq!(line["ok"], true);
        assert_eq!(line["ratio"], 0.5);

        // 2006-01-02T15:04:05.000000Z: exactly six fractional digits, UTC.
        let stamp = line["@timestamp"].as_str().unwrap();
        let layout = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
        assert!(time::PrimitiveDateTime::parse(stamp, &layout).is_ok(), "{stamp}");
        assert_eq!(stamp.len(), "2006-01-02T15:04:05.000000Z".len());
    }

    #[test]
    fn every_level_has_its_hclog_name() {
        let lines = capture(LevelFilter::TRACE, || {
            tracing::trace!("t");
            tracing::debug!("d");
            tracing::info!("i");
            tracing::warn!("w");
            tracing::error!("e");
        });
        let levels: Vec<&str> = lines.iter().map(|l| l["@level"].as_str().unwrap()).collect();
        assert_eq!(levels, ["trace", "debug", "info", "warn", "error"]);
    }

    #[test]
    fn transport_crates_are_capped_at_warn() {
        let lines = capture(LevelFilter::TRACE, || {
            tracing::debug!(target: "h2::codec", "frame");
            tracing::warn!(target: "h2::codec", "trouble");
            tracing::trace!(target: "hyper_util::client", "pool");
            tracing::debug!(target: "my_provider::client", "request");
            tracing::trace!(target: "my_server", "query");
        });
        let messages: Vec<&str> = lines.iter().map(|l| l["@message"].as_str().unwrap()).collect();
        assert_eq!(messages, ["trouble", "request", "query"]);
    }

    #[test]
    fn levels_follow_terraforms_reading_of_tf_log() {
        assert_eq!(level_from_env(None), LevelFilter::OFF);
        assert_eq!(level_from_env(Some("off")), LevelFilter::OFF);
        assert_eq!(level_from_env(Some("debug")), LevelFilter::DEBUG);
        assert_eq!(level_from_env(Some("WARN")), LevelFilter::WARN);
        assert_eq!(level_from_env(Some("JSON")), LevelFilter::TRACE);
        assert_eq!(level_from_env(Some("verbose")), LevelFilter::TRACE);
        let info_only = capture(LevelFilter::INFO, || {
            tracing::debug!("hidden");
            tracing::info!("shown");
        });
        assert_eq!(info_only.len(), 1);
    }
}
