"""Enumerations of the governance app."""
