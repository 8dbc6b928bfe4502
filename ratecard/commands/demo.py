"""`ratecard demo`: the nightly job, offline, over the bundled captures."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ratecard.commands.common import ConfigOpt, DbOpt, command_app, console, settings, writes_storage
from ratecard.commands.run import report_run
from ratecard.logs import LogFormat

if TYPE_CHECKING:
    from ratecard.config.settings import Settings

app = command_app()


@app.command("demo")
@writes_storage
def demo(
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Offline: serve the bundled captures on 127.0.0.1 and run the real pipeline per capture date.

    Without --db it writes a fresh SQLite database, `ratecard-demo.db` in the `demo` folder of the
    data directory ($RATECARD_DATA_DIR, else the user data dir), replaced on every run; raw bodies
    go beside it. With --db it replays into that database instead.
    """
    from ratecard.captures import bundled_dir
    from ratecard.crawler.rawstore import RawStore
    from ratecard.db import open_db
    from ratecard.demo import replay
    from ratecard.demo_report import fresh_demo_db, print_summary
    from ratecard.locations import default_data_dir, raw_dir

    cfg = settings(config)
    url = db or fresh_demo_db(default_data_dir() / "demo")
    engine = open_db(url)
    raw = RawStore(raw_dir(url))
    fast = _offline(cfg)
    reports = replay(engine, fast, raw, bundled_dir(), on_report=lambda r: report_run(r, LogFormat.text))
    print_summary(console(), engine, fast, reports, url, raw.root)


def _offline(cfg: Settings) -> Settings:
    """The demo talks to its own local server (no politeness delays) and its bundled registry copy."""
    from ratecard.captures import bundled_registry

    crawl = replace(
        cfg.crawl, autothrottle_start_delay=0.0, retry_backoff_base=0.05, retry_times=1, download_timeout=20.0
    )
    return replace(cfg, crawl=crawl, registries=(str(bundled_registry()),))
