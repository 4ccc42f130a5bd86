"""一件事智能导办: the guidance engine, its catalogue, channels and services."""
