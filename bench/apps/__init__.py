"""Peer applications measured by the harness; each builds one workload chosen by environment."""
