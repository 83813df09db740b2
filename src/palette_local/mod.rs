//! palette-local: a local Palette-compatible v1 API server.
