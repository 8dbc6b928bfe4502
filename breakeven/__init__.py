"""The break-even calculator: would a cheaper model, a fine-tune or self-hosting pay back?

Pure functions of Decimals (:mod:`.compute`) over plain data (:mod:`.model`); snapshot rates
arrive only through the :class:`~ratecard.breakeven.rates.RateSource` protocol, and rounding
happens only when a result is shown (:mod:`.display`, :mod:`.report`, :mod:`.chart`).
"""
