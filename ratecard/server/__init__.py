"""``ratecard serve``: the verified rates over HTTP, read-only.

A JSON API (``/api/v1``) answering with the same typed rows as the CLI, feeds that LiteLLM and
genai-prices load from a URL (``/feeds``), and server-rendered pages for people. Every answer is
read through :mod:`ratecard.readmodel` (or the pricing seam in :mod:`ratecard.server.pricing`) on a
pooled DB-API connection; no route writes. FastAPI is imported only here, never by the query
commands, so their start-up time does not pay for it.
"""
