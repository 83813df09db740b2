//! Injected application tier failures (`/__admin/appTierFailures`): tier name →
//! message, kept in the store's settings; app deployment rollouts fail the tiers named.

use std::collections::BTreeMap;

use crate::error::ApiResult;
use crate::store::Tx;

const TIER_FAILURES_SETTING: &str = "appTierFailures";

/// The injected tier failures (`/__admin/appTierFailures`): tier name → message.
pub fn tier_failures(tx: &Tx<'_>) -> ApiResult<BTreeMap<String, String>> {
    match tx.setting(TIER_FAILURES_SETTING)? {
        Some(text) => Ok(serde_json::from_str(&text)?),
        None => Ok(BTreeMap::new()),
    }
}

pub fn set_tier_failures(tx: &Tx<'_>, failures: &BTreeMap<String, String>) -> ApiResult<()> {
    tx.set_setting(TIER_FAILURES_SETTING, &serde_json::to_string(failures)?)
}
