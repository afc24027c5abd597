//! The kubectl console's transcript and command history.

/// One command and what it printed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub command: String,
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

/// Keeps the last `MAX_ENTRIES` commands and lets the arrow keys walk back through them.
#[derive(Debug, Default)]
pub struct Console {
    pub entries: Vec<Entry>,
    /// Where the arrow keys are in the history; `None` when editing a new line.
    cursor: Option<usize>,
}

const MAX_ENTRIES: usize = 200;

impl Console {
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
        if self.entries.len() > MAX_ENTRIES {
            let extra = self.entries.len() - MAX_ENTRIES;
            self.entries.drain(..extra);
        }
        self.cursor = None;
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.cursor = None;
    }

    /// The previous command (arrow up), if any.
    pub fn older(&mut self) -> Option<String> {
        if self.entries.is_empty() {
            return None;
        }
        let i = match self.cursor {
            None => self.entries.len() - 1,
            Some(0) => 0,
            Some(i) => i - 1,
        };
        self.cursor = Some(i);
        Some(self.entries[i].command.clone())
    }

    /// The next command (arrow down); an empty line past the newest.
    pub fn newer(&mut self) -> Option<String> {
        let i = self.cursor?;
        if i + 1 >= self.entries.len() {
            self.cursor = None;
            return Some(String::new());
        }
        self.cursor = Some(i + 1);
        Some(self.entries[i + 1].command.clone())
    }
}

/// What the core's kubectl receives: the line without a leading `kubectl`, which people
/// type out of habit.
pub fn normalize(line: &str) -> &str {
    let line = line.trim();
    match line.strip_prefix("kubectl") {
        Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => rest.trim_start(),
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(c: &str) -> Entry {
        Entry {
            command: c.into(),
            stdout: String::new(),
            stderr: String::new(),
            exit_code: 0,
        }
    }

    #[test]
    fn history_walks_back_and_forth() {
        let mut c = Console::default();
        assert_eq!(c.older(), None);
        c.push(entry("get pods"));
        c.push(entry("get nodes"));
        assert_eq!(c.older().as_deref(), Some("get nodes"));
        assert_eq!(c.older().as_deref(), Some("get pods"));
        assert_eq!(c.older().as_deref(), Some("get pods"));
        assert_eq!(c.newer().as_deref(), Some("get nodes"));
        assert_eq!(c.newer().as_deref(), Some(""));
        assert_eq!(c.newer(), None);
    }

    #[test]
    fn keeps_a_bounded_transcript() {
        let mut c = Console::default();
        for i in 0..(MAX_ENTRIES + 5) {
            c.push(entry(&i.to_string()));
        }
        assert_eq!(c.entries.len(), MAX_ENTRIES);
        assert_eq!(c.entries[0].command, "5");
    }

    #[test]
    fn strips_a_leading_kubectl() {
        assert_eq!(normalize("kubectl get pods"), "get pods");
        assert_eq!(normalize("  get pods "), "get pods");
        assert_eq!(normalize("kubectlx"), "kubectlx");
        assert_eq!(normalize("kubectl"), "");
    }
}
