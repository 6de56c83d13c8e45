"""Read-side queries over the store, one module per source: Arrow tables for the CLI,
the report and Python users.

``registry`` (organisations and releases), ``hf`` (Hub models and datasets),
``openalex`` (papers), ``github`` (repositories), ``lineage`` (roots and trees of
derivatives), ``coverage`` (how far each source's data reach), ``status`` (what the store
holds per source) and ``export`` (tables as Parquet / CSV).
"""
