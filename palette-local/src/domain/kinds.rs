//! The store kinds that objects of other kinds refer to, in a leaf module: a
//! reference names its target's kind without importing the target's module, which
//! may itself depend on the referrer (a cluster group holds host clusters, a virtual
//! cluster refers to its group).

pub const SPECTROCLUSTER: &str = "spectrocluster";
pub const CLUSTER_GROUP: &str = "clustergroup";
pub const CLUSTER_PROFILE: &str = "clusterprofile";
pub const APP_PROFILE: &str = "appprofile";
pub const APP_DEPLOYMENT: &str = "appdeployment";
