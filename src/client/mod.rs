//! Palette v1 REST API client.
