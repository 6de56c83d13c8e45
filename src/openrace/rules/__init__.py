"""Pure rules: records in, rows or classes out; no store, no network.

``attribution`` (who a Hub or GitHub record belongs to), ``affiliation`` (a paper's
fractional attributions from its authorships), ``sectors`` (a research institution's
sector) and ``openness`` (licence classes and openness grades).
"""
