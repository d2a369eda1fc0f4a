//! A Firefox for iOS `browser.db` (the tables FirefoxHistory and FirefoxFavicon read, with
//! the app's column types: `date` is REAL). Include with
//! `#[path = "support/firefox_browser_db.rs"] mod firefox_browser_db;`.

/// Two pages, four visits (one at an absurd date, one to no page), three icons (one unlinked).
pub const BROWSER_DB: &str = "
CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL UNIQUE,
  url TEXT UNIQUE, title TEXT NOT NULL, server_modified INTEGER, local_modified INTEGER,
  is_deleted TINYINT NOT NULL DEFAULT 0, should_upload TINYINT NOT NULL DEFAULT 0,
  domain_id INTEGER);
CREATE TABLE visits (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL,
  date REAL NOT NULL, type INTEGER NOT NULL, is_local TINYINT NOT NULL);
CREATE TABLE favicons (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE,
  width INTEGER, height INTEGER, type INTEGER NOT NULL, date REAL NOT NULL);
CREATE TABLE favicon_sites (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL,
  faviconID INTEGER NOT NULL, UNIQUE (siteID, faviconID));
INSERT INTO history (id, guid, url, title) VALUES (1, 'g1', 'https://example.com/', 'Example'),
  (2, 'g2', 'https://evil.example.net/x', 'X');
INSERT INTO visits VALUES (1, 1, 1638559993250000, 1, 1), (2, 2, 1638600000000000, 2, 0),
  (3, 2, 1e300, 1, 1), (4, 9, 1638559993250000, 1, 1);
INSERT INTO favicons VALUES (1, 'https://example.com/favicon.ico', 16, 16, 1, 1638559993.0),
  (2, 'https://evil.example.net/f.png', 32, 32, 0, 1638600000.5), (3, 'https://unused.example/f.ico', 16, 16, 1, 0);
INSERT INTO favicon_sites (siteID, faviconID) VALUES (1, 1), (2, 2), (1, 2);
";
