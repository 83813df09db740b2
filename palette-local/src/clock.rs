//! The lifecycle clock: real UTC time plus an offset that `POST /__admin/time/advance`
//! moves forward. The offset is persisted (setting `clockOffsetMs`), so lifecycles
//! computed from stored timestamps resume correctly after a restart.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use super::error::ApiResult;
use super::store::Tx;

const OFFSET_SETTING: &str = "clockOffsetMs";
const RFC3339_MILLIS: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// The clock with the offset persisted in the database.
    pub fn load(tx: &Tx<'_>) -> ApiResult<Clock> {
        let offset_ms = tx.setting(OFFSET_SETTING)?.and_then(|value| value.parse().ok()).unwrap_or(0);
        Ok(Clock { offset_ms: AtomicI64::new(offset_ms) })
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + time::Duration::milliseconds(self.offset_ms.load(Ordering::SeqCst))
    }

    /// `now()` as an RFC 3339 UTC timestamp with milliseconds.
    pub fn timestamp(&self) -> String {
        format_timestamp(self.now())
    }

    pub fn offset(&self) -> Duration {
        Duration::from_millis(u64::try_from(self.offset_ms.load(Ordering::SeqCst)).unwrap_or(0))
    }

    /// Moves the clock forward by `by` and persists the new offset in `tx`.
    pub fn advance(&self, by: Duration, tx: &Tx<'_>) -> ApiResult<()> {
        let by_ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let offset = self.offset_ms.fetch_add(by_ms, Ordering::SeqCst).saturating_add(by_ms);
        tx.set_setting(OFFSET_SETTING, &offset.to_string())
    }

    /// Back to real time (used by the admin reset, which also clears the settings).
    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::SeqCst);
    }
}

/// Formats a time as `2024-02-29T20:31:42.204Z`.
pub fn format_timestamp(time: OffsetDateTime) -> String {
    time.to_offset(UtcOffset::UTC).format(RFC3339_MILLIS).unwrap_or_else(|_| super::model::ZERO_TIME.to_string())
}

/// Parses a timestamp written by [`format_timestamp`] (or any RFC 3339 time).
pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn timestamps_have_milliseconds_and_round_trip() {
        let time = time::macros::datetime!(2024-02-29 20:31:42.204 UTC);
        let text = format_timestamp(time);
        assert_eq!(text, "2024-02-29T20:31:42.204Z");
        assert_eq!(parse_timestamp(&text), Some(time));
    }

    #[test]
    fn advance_moves_now_and_persists() {
        let store = Store::open(":memory:").unwrap();
        let clock = store.run_blocking(Clock::load).unwrap();
        let before = clock.now();
        store.run_blocking(|tx| clock.advance(Duration::from_secs(3600), tx)).unwrap();
        assert!(clock.now() - before >= time::Duration::seconds(3600));
        assert_eq!(clock.offset(), Duration::from_secs(3600));
        let reloaded = store.run_blocking(Clock::load).unwrap();
        assert_eq!(reloaded.offset(), Duration::from_secs(3600));
    }
}
