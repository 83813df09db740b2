//! Quotas: a virtual cluster's `maxCPU` / `maxMemInMiB` / `maxStorageGiB` count
//! against its host cluster's `status.capacity` and its cluster group's `limitConfig`
//! (scaled by `overSubscription` percent). Over-commit is a 400 [`QUOTA_EXCEEDED`]
//! naming the resource, the holder and the numbers.

use std::ops::{Add, Sub};

use axum::http::StatusCode;
use serde_json::json;

use crate::error::{ApiError, ApiResult};

/// Error code of over-commits (our choice; the real code is not documented).
pub const QUOTA_EXCEEDED: &str = "QuotaExceeded";

/// CPU in millicores, memory in MiB, storage in GiB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_milli: i64,
    pub memory_mib: i64,
    pub storage_gib: i64,
}

impl Add for Resources {
    type Output = Resources;
    fn add(self, other: Resources) -> Resources {
        Resources {
            cpu_milli: self.cpu_milli.saturating_add(other.cpu_milli),
            memory_mib: self.memory_mib.saturating_add(other.memory_mib),
            storage_gib: self.storage_gib.saturating_add(other.storage_gib),
        }
    }
}

impl Sub for Resources {
    type Output = Resources;
    fn sub(self, other: Resources) -> Resources {
        Resources {
            cpu_milli: self.cpu_milli.saturating_sub(other.cpu_milli),
            memory_mib: self.memory_mib.saturating_sub(other.memory_mib),
            storage_gib: self.storage_gib.saturating_sub(other.storage_gib),
        }
    }
}

/// Upper bounds; `None` is unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    pub cpu_milli: Option<i64>,
    pub memory_mib: Option<i64>,
    pub storage_gib: Option<i64>,
}

impl Limits {
    pub fn exactly(resources: Resources) -> Limits {
        Limits { cpu_milli: Some(resources.cpu_milli), memory_mib: Some(resources.memory_mib), storage_gib: Some(resources.storage_gib) }
    }
}

/// Who holds a capacity, for messages: e.g. `("host cluster", "host-1", uid)`.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub uid: &'a str,
}

fn cores(millicores: i64) -> String {
    if millicores % 1000 == 0 {
        format!("{} CPU", millicores / 1000)
    } else {
        format!("{:.3} CPU", millicores as f64 / 1000.0).replace(".000", "")
    }
}

/// 400 [`QUOTA_EXCEEDED`] unless `used + requested` stays within `limits`.
pub fn ensure_fits(holder: Holder<'_>, limits: Limits, used: Resources, requested: Resources) -> ApiResult<()> {
    let checks = [
        ("cpu", limits.cpu_milli, used.cpu_milli, requested.cpu_milli, cores as fn(i64) -> String),
        ("memory", limits.memory_mib, used.memory_mib, requested.memory_mib, |v| format!("{v} MiB memory")),
        ("storage", limits.storage_gib, used.storage_gib, requested.storage_gib, |v| format!("{v} GiB storage")),
    ];
    for (resource, limit, used, requested, show) in checks {
        let Some(limit) = limit else { continue };
        if requested > 0 && used.saturating_add(requested) > limit {
            let available = (limit - used).max(0);
            let message = format!(
                "insufficient {resource} in {} '{}': requested {}, but only {} of {} are available",
                holder.kind,
                holder.name,
                show(requested),
                show(available),
                show(limit)
            );
            return Err(ApiError::new(StatusCode::BAD_REQUEST, QUOTA_EXCEEDED, message).with_details(json!({
                "resource": resource, "requested": requested, "available": available, "limit": limit, "used": used,
                "holder": { "kind": holder.kind, "name": holder.name, "uid": holder.uid },
            })));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: Holder<'static> = Holder { kind: "host cluster", name: "host-1", uid: "u" };

    fn resources(cpu: i64, memory: i64, storage: i64) -> Resources {
        Resources { cpu_milli: cpu * 1000, memory_mib: memory, storage_gib: storage }
    }

    #[test]
    fn fitting_requests_pass_and_unlimited_members_are_skipped() {
        let limits = Limits::exactly(resources(8, 1024, 20));
        assert!(ensure_fits(HOST, limits, resources(4, 512, 10), resources(4, 512, 10)).is_ok());
        let cpu_only = Limits { cpu_milli: Some(1000), ..Limits::default() };
        assert!(ensure_fits(HOST, cpu_only, Resources::default(), resources(1, 1 << 30, 1 << 20)).is_ok());
    }

    #[test]
    fn over_commit_names_the_resource_and_the_numbers() {
        let limits = Limits::exactly(resources(8, 1024, 20));
        let err = ensure_fits(HOST, limits, resources(6, 0, 0), resources(4, 0, 0)).unwrap_err();
        assert_eq!((err.status.as_u16(), err.code), (400, QUOTA_EXCEEDED));
        assert_eq!(err.message, "insufficient cpu in host cluster 'host-1': requested 4 CPU, but only 2 CPU of 8 CPU are available");
        assert_eq!(err.details["available"], 2000);
        let err = ensure_fits(HOST, limits, resources(0, 1000, 0), resources(1, 100, 0)).unwrap_err();
        assert!(err.message.contains("requested 100 MiB memory, but only 24 MiB memory of 1024 MiB memory"), "{}", err.message);
        let fractional = Limits { cpu_milli: Some(7200), ..Limits::default() };
        let err = ensure_fits(HOST, fractional, resources(4, 0, 0), resources(4, 0, 0)).unwrap_err();
        assert!(err.message.contains("only 3.200 CPU of 7.200 CPU"), "{}", err.message);
    }

    #[test]
    fn arithmetic_saturates() {
        assert_eq!(resources(1, 2, 3) + resources(1, 1, 1), resources(2, 3, 4));
        assert_eq!(resources(1, 2, 3) - resources(1, 1, 1), resources(0, 1, 2));
    }
}
