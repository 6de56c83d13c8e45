"""Tests of the OpenAlex source, harvest, metrics and report section."""
