//! Palette's published API rate limits, shared by the provider's client (which
//! stays under them) and palette-local (which enforces them when asked).
//!
//! Palette counts requests per source address and per endpoint prefix ("parent
//! resource"): `/v1/projects/x` and `/v1/projects/x/meta` count together as
//! `/v1/projects`. Most prefixes allow 10 requests per second with a burst queue
//! of 5, "50 (10 × 5) requests in seconds before the API returns a 429"; a few
//! allow five times that, and a few sub-prefixes of those are held to the
//! base rate again (the docs' "Endpoint Prefix Rate" table).
//!
//! Table rows whose rate equals their parent's are counted with the parent here:
//! the docs do not say whether such a row has a budget of its own, and counting
//! it together is the reading that never lets a client exceed the limit.

/// Palette's base rate: requests per second per source address and prefix.
pub const PALETTE_RATE: f64 = 10.0;

/// Palette's burst queue size: a prefix accepts up to `rate × burst` requests at once.
pub const PALETTE_BURST: f64 = 5.0;

/// A prefix of the docs' table with a rate other than its parent's: path
/// segments after `/v1` (`{}` matches any one segment) and the rate as a
/// multiple of the base rate.
pub struct PrefixRate {
    pub segments: &'static [&'static str],
    pub factor: f64,
}

pub const PREFIX_RATES: &[PrefixRate] = &[
    PrefixRate { segments: &["cloudconfigs"], factor: 5.0 },
    PrefixRate { segments: &["clusterprofiles"], factor: 5.0 },
    PrefixRate { segments: &["spectroclusters"], factor: 5.0 },
    PrefixRate { segments: &["spectroclusters", "{}", "assets"], factor: 1.0 },
    PrefixRate { segments: &["spectroclusters", "{}", "download"], factor: 1.0 },
    PrefixRate { segments: &["events", "components"], factor: 5.0 },
    PrefixRate { segments: &["auth", "user", "password", "reset"], factor: 0.2 },
];

/// Whether a pattern segment (`{}`, `{uid}` or `:uid` match anything) matches `segment`.
pub fn segment_matches(pattern: &str, segment: &str) -> bool {
    pattern.starts_with('{') || pattern.starts_with(':') || pattern == segment
}

/// Whether `pattern` is a prefix of `segments`.
pub fn prefix_matches(pattern: &[impl AsRef<str>], segments: &[impl AsRef<str>]) -> bool {
    pattern.len() <= segments.len() && pattern.iter().zip(segments).all(|(p, s)| segment_matches(p.as_ref(), s.as_ref()))
}

/// The budget a request counts against: the longest row of [`PREFIX_RATES`] that
/// is a prefix of its path (segments after `/v1`), else its top-level prefix
/// at the base rate. Returns the group's name (`/v1/...`) and rate factor.
pub fn palette_group(segments: &[impl AsRef<str>]) -> (String, f64) {
    let row = PREFIX_RATES.iter().filter(|row| prefix_matches(row.segments, segments)).max_by_key(|row| row.segments.len());
    match row {
        Some(row) => (format!("/v1/{}", row.segments.join("/")), row.factor),
        None => (format!("/v1/{}", segments.first().map(AsRef::as_ref).unwrap_or("")), 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(path: &str) -> (String, f64) {
        let segments: Vec<&str> = path.trim_start_matches("/v1/").split('/').collect();
        palette_group(&segments)
    }

    #[test]
    fn requests_count_against_their_parent_resource() {
        assert_eq!(group("/v1/projects/abc/meta"), ("/v1/projects".to_string(), 1.0));
        assert_eq!(group("/v1/dashboard/projects/metadata"), ("/v1/dashboard".to_string(), 1.0));
        assert_eq!(group("/v1/cloudconfigs/virtual/x/resize"), ("/v1/cloudconfigs".to_string(), 5.0));
        assert_eq!(group("/v1/clusterprofiles/x/packs/p/manifests"), ("/v1/clusterprofiles".to_string(), 5.0));
    }

    #[test]
    fn the_longest_row_wins() {
        assert_eq!(group("/v1/spectroclusters/u1/config/namespaces"), ("/v1/spectroclusters".to_string(), 5.0));
        assert_eq!(group("/v1/spectroclusters/u1/assets/kubeconfigclient"), ("/v1/spectroclusters/{}/assets".to_string(), 1.0));
        assert_eq!(group("/v1/spectroclusters/u2/assets/adminKubeconfig"), group("/v1/spectroclusters/u1/assets"));
        assert_eq!(group("/v1/events/components"), ("/v1/events/components".to_string(), 5.0));
        assert_eq!(group("/v1/events"), ("/v1/events".to_string(), 1.0));
    }

    #[test]
    fn wildcards_match_one_segment() {
        assert!(prefix_matches(&["a", "{uid}", "c"], &["a", "x", "c", "d"]));
        assert!(prefix_matches(&["a", ":uid"], &["a", "x"]));
        assert!(!prefix_matches(&["a", "{}", "c"], &["a", "x"]));
        assert!(!prefix_matches(&["a", "b"], &["a", "c"]));
    }
}
