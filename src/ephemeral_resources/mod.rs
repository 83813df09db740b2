//! Ephemeral resources (Terraform 1.10+), one file each: values opened for one
//! Terraform run and never stored in the state or a saved plan.

pub mod cluster_kubeconfig;
