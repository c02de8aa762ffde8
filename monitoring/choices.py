"""Enumerations of the monitoring app."""
