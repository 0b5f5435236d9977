"""Helpers of the mvc example."""
