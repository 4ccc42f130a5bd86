"""Input channels: how web, WeChat and agent desks reach the same conversation."""
