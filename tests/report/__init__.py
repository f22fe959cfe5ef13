"""Tests of the comparison report and the comparison run."""
