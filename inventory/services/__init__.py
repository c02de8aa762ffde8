"""Every write and state transition of the inventory app lives in these modules."""
