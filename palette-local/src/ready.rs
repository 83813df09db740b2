//! The ready line: the one line palette-local prints on stdout once it
//! accepts connections, `palette-local listening on http://127.0.0.1:PORT`
//! (the real port when `--listen` asked for port 0). Tests, the bench binary
//! and the provider's test harness read it with [`url`]; the scripts' readers
//! (`scripts/bench_common.py`, `scripts/palette-local-env.sh`) follow the same format.

/// What stands before the URL.
pub const PREFIX: &str = "palette-local listening on ";

/// The ready line for a server listening at `url`.
pub fn line(url: &str) -> String {
    format!("{PREFIX}{url}")
}

/// The URL a ready line announces, or `None` for any other line.
pub fn url(line: &str) -> Option<&str> {
    line.trim_end().strip_prefix(PREFIX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_ready_line_reads_back_as_its_url() {
        let line = super::line("http://127.0.0.1:4100");
        assert_eq!(super::url(&format!("{line}\n")), Some("http://127.0.0.1:4100"));
        assert_eq!(super::url("something else"), None);
    }
}
