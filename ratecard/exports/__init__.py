"""The snapshot store in other tools' formats, and the price of one request.

These are query paths: they read the store and never import Scrapy or litellm.
"""
