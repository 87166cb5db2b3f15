"""消息 and their delivery: in-app notifications, email and the group robots offices read."""
