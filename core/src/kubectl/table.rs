//! kubectl's table printing: `tabwriter` with min width 6, tab width 4, padding 3, spaces
//! (k8s.io/cli-runtime/pkg/printers/tabwriter.go), and `duration.HumanDuration` for AGE.

/// Aligns rows as kubectl's table writer does (`printers.GetNewTabWriter`: Go's
/// `text/tabwriter` with min width 6, padding 3).
pub fn render(rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    for row in rows {
        text.push_str(&row.join("\t"));
        text.push('\n');
    }
    super::tabwriter::table(&text)
}

/// `duration.HumanDuration` (k8s.io/apimachinery/pkg/util/duration).
pub fn human_duration(ms: i64) -> String {
    // `int(d.Seconds())` truncates toward zero.
    let seconds = ms / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_match_upstream() {
        let s = 1000;
        let cases = [
            (0, "0s"),
            (59 * s, "59s"),
            (119 * s, "119s"),
            (120 * s, "2m"),
            (150 * s, "2m30s"),
            (600 * s, "10m"),
            (179 * 60 * s, "179m"),
            (3 * 3600 * s, "3h"),
            (3 * 3600 * s + 60 * s, "3h1m"),
            (8 * 3600 * s, "8h"),
            (47 * 3600 * s, "47h"),
            (48 * 3600 * s, "2d"),
            (49 * 3600 * s, "2d1h"),
            (8 * 24 * 3600 * s, "8d"),
            (2 * 365 * 24 * 3600 * s, "2y"),
            (-5 * s, "<invalid>"),
            (-1500, "0s"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_duration(ms), want, "{ms}");
        }
    }

    #[test]
    fn renders_like_tabwriter() {
        let rows = vec![
            vec!["NAME".to_string(), "READY".to_string(), "AGE".to_string()],
            vec!["web-abc".to_string(), "1/1".to_string(), "5s".to_string()],
        ];
        assert_eq!(
            render(&rows),
            "NAME      READY   AGE\nweb-abc   1/1     5s\n"
        );
    }
}
