//! Request counters served by `GET /__admin/stats`: the total, per `METHOD /route/{template}`
//! and per status code (`"reset"` for connections dropped by fault injection).

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsSnapshot {
    pub total: u64,
    pub by_route: BTreeMap<String, u64>,
    pub by_status: BTreeMap<String, u64>,
}

#[derive(Debug, Default)]
pub struct Stats {
    counters: Mutex<StatsSnapshot>,
}

impl Stats {
    pub fn record(&self, route: &str, status: &str) {
        let mut counters = self.counters.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        counters.total += 1;
        *counters.by_route.entry(route.to_string()).or_default() += 1;
        *counters.by_status.entry(status.to_string()).or_default() += 1;
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        self.counters.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn reset(&self) {
        *self.counters.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = StatsSnapshot::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_route_and_status() {
        let stats = Stats::default();
        stats.record("GET /v1/projects/{uid}", "200");
        stats.record("GET /v1/projects/{uid}", "404");
        stats.record("POST /v1/projects", "201");
        let snapshot = stats.snapshot();
        assert_eq!(snapshot.total, 3);
        assert_eq!(snapshot.by_route["GET /v1/projects/{uid}"], 2);
        assert_eq!(snapshot.by_status["201"], 1);
        let json = serde_json::to_value(&snapshot).unwrap();
        assert!(json.get("byRoute").is_some() && json.get("byStatus").is_some());
        stats.reset();
        assert_eq!(stats.snapshot(), StatsSnapshot::default());
    }
}
