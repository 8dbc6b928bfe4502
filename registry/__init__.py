"""Registry stage: read public price registries (LiteLLM, genai-prices, llm-prices, Portkey) into
our vocabulary, match vendor models to registry keys by explicit rules, cross-check our rates
against them and draft a LiteLLM patch for what the vendor's own page contradicts.

Everything here is pure except ``load`` (files, the installed litellm data file, http fetches).
litellm itself is never imported.
"""
