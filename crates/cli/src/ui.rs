//! Messages, progress and colour on stderr; a copy of every message goes to `command.log`.

use crate::sanitize::for_terminal;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;
use tracehound_core::runner::{ModuleReport, Progress, Status};
use tracehound_core::{ModuleMeta, Timestamp};

/// Where the run talks to the analyst.
pub struct Ui {
    quiet: bool,
    color: bool,
    tty: bool,
    log: Mutex<String>,
    bar: Mutex<Option<ProgressBar>>,
    interrupt: crate::interrupt::Interrupt,
}

/// Message styles.
#[derive(Clone, Copy)]
pub enum Tone {
    Plain,
    Good,
    Warn,
    Bad,
    Bold,
}

impl Ui {
    pub fn new(quiet: bool, color: crate::cli::Color) -> Self {
        let tty = std::io::stderr().is_terminal();
        let color = match color {
            crate::cli::Color::Always => true,
            crate::cli::Color::Never => false,
            crate::cli::Color::Auto => {
                tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Ui {
            quiet,
            color,
            tty,
            log: Mutex::new(String::new()),
            bar: Mutex::new(None),
            interrupt: crate::interrupt::Interrupt::default(),
        }
    }

    /// What to remove if the run is interrupted (see [`crate::interrupt`]).
    pub fn interrupt(&self) -> &crate::interrupt::Interrupt {
        &self.interrupt
    }

    fn paint(&self, tone: Tone, s: &str) -> String {
        if !self.color {
            return s.to_string();
        }
        let code = match tone {
            Tone::Plain => return s.to_string(),
            Tone::Good => "32",
            Tone::Warn => "33",
            Tone::Bad => "1;31",
            Tone::Bold => "1",
        };
        format!("\x1b[{code}m{s}\x1b[0m")
    }

    /// Logs a line (sanitised for the terminal) unless quiet; always kept for command.log.
    pub fn say(&self, tone: Tone, msg: &str) {
        self.record(msg);
        if !self.quiet {
            self.print(tone, msg);
        }
    }

    /// A line shown even with --quiet (errors, the verdict).
    pub fn always(&self, tone: Tone, msg: &str) {
        self.record(msg);
        self.print(tone, msg);
    }

    fn record(&self, msg: &str) {
        if let Ok(mut log) = self.log.lock() {
            log.push_str(&Timestamp::now().to_rfc3339());
            log.push(' ');
            log.push_str(msg);
            log.push('\n');
        }
    }

    fn print(&self, tone: Tone, msg: &str) {
        let line = self.paint(tone, &for_terminal(msg));
        match self.bar.lock().ok().and_then(|b| b.clone()) {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => {
                let _ = writeln!(std::io::stderr(), "{line}");
            }
        }
    }

    /// The accumulated log.
    pub fn log_text(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Starts a progress bar over `n` modules (only on a terminal, not quiet).
    pub fn start_progress(&self, n: usize) {
        if self.quiet || !self.tty {
            return;
        }
        let bar = ProgressBar::new(n as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed}] {bar:30} {pos}/{len} modules {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        if let Ok(mut b) = self.bar.lock() {
            *b = Some(bar);
        }
    }

    /// Removes the progress bar.
    pub fn finish_progress(&self) {
        if let Ok(mut b) = self.bar.lock() {
            if let Some(bar) = b.take() {
                bar.finish_and_clear();
            }
        }
    }
}

impl Progress for Ui {
    fn started(&self, meta: &'static ModuleMeta) {
        if let Some(bar) = self.bar.lock().ok().and_then(|b| b.clone()) {
            bar.set_message(meta.name);
        }
    }

    fn finished(&self, r: &ModuleReport) {
        if let Some(bar) = self.bar.lock().ok().and_then(|b| b.clone()) {
            bar.inc(1);
        }
        let name = r.meta.name;
        match &r.status {
            Status::Ok => {
                let n = r.record_count();
                let alerts = r.alerts.len();
                let msg = format!("{name}: {n} records, {alerts} alerts");
                self.say(if alerts > 0 { Tone::Bad } else { Tone::Plain }, &msg);
                if let Some(out) = &r.output {
                    for w in &out.warnings {
                        self.say(Tone::Warn, &format!("{name}: warning: {w}"));
                    }
                }
            }
            Status::NotFound(what) => self.say(Tone::Plain, &format!("{name}: not found ({what})")),
            Status::Failed(why) => self.always(Tone::Bad, &format!("{name}: FAILED: {why}")),
            Status::Skipped(why) => self.say(Tone::Warn, &format!("{name}: skipped: {why}")),
        }
        for a in &r.alerts {
            self.say(
                Tone::Bad,
                &format!("  {} {}: {}", a.level.as_str(), name, a.message),
            );
        }
    }
}
