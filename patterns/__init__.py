"""The catalogue, the rules engine, limits and prices: plain Python, plus the admin rows."""
